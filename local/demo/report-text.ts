import type { DemoReport } from './run';

/** `SKU_UNMAPPED 1, CANCEL_TOO_LATE 1`, or `-` when none. */
export const exceptionsByType = (byType: Readonly<Record<string, number>>): string =>
  Object.entries(byType)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ') || '-';

/** The summary table per loop and one line per invariant with its evidence, as `hub demo` prints them. */
export const renderDemoReport = (report: DemoReport): string => {
  const rows = [
    ['loop', 'events in', 'effects out', 'exceptions', 'p50 ms', 'p99 ms'],
    ...report.loops.map((l) => [
      l.loop,
      String(l.eventsIn),
      String(l.effectsOut),
      exceptionsByType(l.exceptions),
      String(l.p50Ms ?? '-'),
      String(l.p99Ms ?? '-'),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  // Names and exception types read left to right; numbers line up on the right.
  const table = rows
    .map((r) =>
      r
        .map((cell, i) => (i === 0 || i === 3 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
  const checks = report.invariants
    .map((i) => `${i.held ? 'ok  ' : 'FAIL'}  ${String(i.loop).padStart(2)}  ${i.invariant} (${i.detail})`)
    .join('\n');
  const heading = `trading day: seed ${report.seed}, ${report.orders} SCAYLE orders, ${(report.durationMs / 1000).toFixed(1)} s`;
  return `${heading}\n\n${table}\n\n${checks}\n\n${report.ok ? 'all invariants hold' : 'an invariant failed'}\n`;
};
