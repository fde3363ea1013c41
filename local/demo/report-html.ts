/**
 * The demo's report as one self-contained HTML file: inline CSS and SVG, no script, no font, no network. Per loop
 * its invariants, a timeline of events in, effects out and exceptions, the latency distribution, the exceptions
 * with their runbook entries, and for loop 9 the settlement's journal. Every text from the run is escaped.
 */
import { readFileSync } from 'node:fs';
import { type InvariantResult, LOOP_NAMES, LOOPS, type LoopNumber, type TimelineEntry } from './day-log';
import { exceptionsByType } from './report-text';
import type { DemoReport } from './run';

const html = (text: unknown): string => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const money = (minor: number) => (minor === 0 ? '' : (minor / 100).toFixed(2));

/** A table row: its cells (HTML, escaped by the caller) and an optional class. */
type Row = readonly string[] | { readonly cells: readonly string[]; readonly className: string };

/** A table whose columns named in `numeric` are right-aligned. */
const tableOf = (head: readonly string[], rows: readonly Row[], numeric: readonly string[] = [], foot = ''): string => {
  const align = (i: number) => (numeric.includes(head[i] ?? '') ? ' class="num"' : '');
  const body = rows.map((row) => {
    const [cells, className] = 'cells' in row ? [row.cells, row.className] : [row, ''];
    return `<tr${className ? ` class="${className}"` : ''}>${cells.map((c, i) => `<td${align(i)}>${c}</td>`).join('')}</tr>`;
  });
  const header = head.map((h, i) => `<th${align(i)}>${html(h)}</th>`).join('');
  return `<table><thead><tr>${header}</tr></thead><tbody>${body.join('')}</tbody>${foot}</table>`;
};

const verdict = (held: boolean) => `<b class="${held ? 'ok' : 'fail'}">${held ? 'ok' : 'FAIL'}</b>`;
const invariantItem = (i: InvariantResult, withLoop: boolean) =>
  `<li>${verdict(i.held)} ${withLoop ? `${i.loop}: ` : ''}${html(i.invariant)} <span class="muted">(${html(i.detail)})</span></li>`;

/** The section of RUNBOOK.md under `### <anchor>`, up to the next heading. */
const runbookEntry = (runbook: string, anchor: string): string | undefined => {
  const lines = runbook.split('\n');
  const start = lines.findIndex((line) => line.trim() === `### ${anchor}`);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && /^#{2,3} /.test(line));
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .join('\n')
    .trim();
};

const WIDTH = 920;
const LANES = { event: [22, 'events in'], effect: [48, 'effects out'], exception: [74, 'exceptions'] } as const;

/** Events, effects and exceptions as dots on a time axis (hover for the text). */
const timelineSvg = (entries: readonly TimelineEntry[], durationMs: number): string => {
  const left = 80;
  const span = Math.max(durationMs, ...entries.map((e) => e.atMs), 1_000);
  const x = (ms: number) => (left + ((WIDTH - left - 10) * ms) / span).toFixed(1);
  const step = [1, 2, 5, 10, 15, 30, 60].find((s) => span / 1000 / s <= 12) ?? 120;
  const ticks = Array.from({ length: Math.floor(span / 1000 / step) + 1 }, (_, i) => i * step * 1000);
  const lanes = Object.values(LANES).map(
    ([y, name]) =>
      `<text x="4" y="${y + 4}" class="lane">${name}</text><line x1="${left}" x2="${WIDTH - 10}" y1="${y}" y2="${y}" class="rule"/>`,
  );
  const axis = ticks.map(
    (t) =>
      `<line x1="${x(t)}" x2="${x(t)}" y1="10" y2="86" class="tick"/><text x="${x(t)}" y="102" class="axis">${t / 1000} s</text>`,
  );
  const dots = entries.map(
    (e) =>
      `<circle class="${e.kind}" cx="${x(e.atMs)}" cy="${LANES[e.kind][0]}" r="4"><title>${html(`${seconds(e.atMs)}: ${e.text}`)}</title></circle>`,
  );
  return `<svg class="timeline" viewBox="0 0 ${WIDTH} 110" role="img" aria-label="timeline">${[...lanes, ...axis, ...dots].join('')}</svg>`;
};

/** A histogram of latencies with the p50 and p99 marked. */
const latencySvg = (values: readonly number[], p50?: number, p99?: number): string => {
  if (values.length === 0) return '<p class="muted">No latency measured for this loop.</p>';
  const height = 140;
  const base = height - 25;
  const left = 40;
  const max = Math.max(...values, 1);
  const bins = Math.min(20, Math.max(5, Math.ceil(Math.sqrt(values.length))));
  const size = max / bins;
  const counts = Array.from({ length: bins }, () => 0);
  for (const v of values) {
    const bin = Math.min(bins - 1, Math.floor(v / size));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const top = Math.max(...counts, 1);
  const barWidth = (WIDTH - left - 10) / bins;
  const x = (ms: number) => left + ((WIDTH - left - 10) * ms) / max;
  const bars = counts.map((n, i) => {
    const h = ((height - 40) * n) / top;
    const range = `${Math.round(i * size)}-${Math.round((i + 1) * size)} ms: ${n}`;
    return `<rect class="bar" x="${(left + i * barWidth + 1).toFixed(1)}" y="${(base - h).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}"><title>${range}</title></rect>`;
  });
  const marks = (
    [
      ['p50', p50],
      ['p99', p99],
    ] as const
  ).flatMap(([name, v], i) => {
    if (v === undefined) return [];
    const at = x(v).toFixed(1);
    const anchor = x(v) > WIDTH * 0.8 ? ' text-anchor="end"' : '';
    return [
      `<line class="mark" x1="${at}" x2="${at}" y1="10" y2="${base}"/><text class="mark-label" x="${at}" y="${10 + i * 12}"${anchor}>${name} ${v} ms</text>`,
    ];
  });
  const axis = [
    `<line class="rule" x1="${left}" x2="${WIDTH - 10}" y1="${base}" y2="${base}"/>`,
    `<text class="axis" x="${left}" y="${height - 8}">0 ms</text>`,
    `<text class="axis" x="${WIDTH - 10}" y="${height - 8}" text-anchor="end">${Math.round(max)} ms</text>`,
    `<text class="axis" x="4" y="20">${top}</text>`,
  ];
  return `<svg class="latency" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="latency distribution">${[...bars, ...marks, ...axis].join('')}</svg>
<p class="muted">${values.length} measurements.</p>`;
};

/** The settlement's journal: a settlement credit (owed to the seller) is a credit on its account, the deposit the other side. */
const journalTable = (report: DemoReport): string => {
  const journal = report.journal;
  if (!journal) return '<p class="fail">No journal was posted.</p>';
  const lines = journal.lines.filter((l) => l.amount !== 0);
  const rows: Row[] = lines.map((l) => [
    html(l.account),
    html(l.description),
    money(Math.max(0, -l.amount)),
    money(Math.max(0, l.amount)),
  ]);
  rows.push({
    cells: [
      html(journal.depositAccount),
      `Amazon settlement ${html(journal.settlementId)} deposit`,
      money(Math.max(0, journal.totalAmount)),
      money(Math.max(0, -journal.totalAmount)),
    ],
    className: 'deposit',
  });
  const debit = lines.reduce((s, l) => s + Math.max(0, -l.amount), 0) + Math.max(0, journal.totalAmount);
  const credit = lines.reduce((s, l) => s + Math.max(0, l.amount), 0) + Math.max(0, -journal.totalAmount);
  const foot = `<tfoot><tr><td colspan="2">total</td><td class="num">${money(debit)}</td><td class="num">${money(credit)}</td></tr></tfoot>`;
  const state = journal.balanced ? 'balanced' : '<span class="fail">not balanced</span>';
  return `<p>Settlement ${html(journal.settlementId)}, ${html(journal.currency)}: ${state}.</p>
${tableOf(['account', 'description', 'debit', 'credit'], rows, ['debit', 'credit'], foot)}`;
};

/** The exceptions a loop raised, each type's runbook entry copied in. */
const exceptionsOf = (report: DemoReport, loop: LoopNumber, runbook: string): string => {
  const exceptions = report.exceptions.filter((e) => e.loop === loop);
  if (exceptions.length === 0) return '<p class="muted">None raised.</p>';
  const rows = exceptions.map((e) =>
    [e.type, e.key, e.owner, e.status, String(e.count), seconds(e.atMs), e.runbook].map(html),
  );
  const entries = [...new Set(exceptions.map((e) => e.type))].map((type) => {
    const anchor = type.toLowerCase();
    const summary = exceptions.find((e) => e.type === type)?.summary ?? '';
    const entry = runbookEntry(runbook, anchor) ?? 'RUNBOOK.md has no entry for this type.';
    return `<details class="runbook"><summary>RUNBOOK.md#${html(anchor)}: ${html(summary)}</summary><pre>${html(entry)}</pre></details>`;
  });
  return `${tableOf(['type', 'key', 'owner', 'status', 'count', 'at', 'runbook'], rows, ['count', 'at'])}\n${entries.join('')}`;
};

const loopSection = (report: DemoReport, loop: LoopNumber, runbook: string): string => {
  const summary = report.loops.find((l) => l.number === loop);
  const invariants = report.invariants.filter((i) => i.loop === loop);
  const held = invariants.length > 0 && invariants.every((i) => i.held);
  const timeline = report.timelines[loop] ?? [];
  const counts = `${summary?.eventsIn ?? 0} events in, ${summary?.effectsOut ?? 0} effects out, exceptions: ${exceptionsByType(summary?.exceptions ?? {})}`;
  const entries = timeline.map((e) => ({ cells: [seconds(e.atMs), e.kind, html(e.text)], className: e.kind }));
  return `<section class="loop" id="loop-${loop}">
<h2>${verdict(held)} ${loop} ${html(LOOP_NAMES[loop])}</h2>
<p class="muted">${html(counts)}.</p>
<ul class="invariants">${invariants.map((i) => invariantItem(i, false)).join('') || '<li class="fail">no invariant was checked</li>'}</ul>
<h3>Timeline</h3>
${timelineSvg(timeline, report.durationMs)}
<details><summary>${timeline.length} entries</summary>${tableOf(['at', 'kind', 'what'], entries, ['at'])}</details>
<h3>Latency</h3>
${latencySvg(report.latencies[loop] ?? [], summary?.p50Ms, summary?.p99Ms)}
<h3>Exceptions</h3>
${exceptionsOf(report, loop, runbook)}
${loop === 9 ? `<h3>Journal</h3>\n${journalTable(report)}` : ''}
</section>`;
};

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:980px;padding:16px;color:#1d232a}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #d5dbe1;padding-bottom:4px}
h3{font-size:15px;margin-bottom:4px}table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border-bottom:1px solid #e6eaee;padding:3px 6px;text-align:left;vertical-align:top}
.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#65707c}.ok{color:#17803d}.fail{color:#b42318}
nav a{margin-right:10px}code,pre{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
pre{white-space:pre-wrap;background:#f6f8fa;padding:8px}ul.invariants{padding-left:18px}
svg{width:100%;height:auto;background:#fbfcfd;border:1px solid #e6eaee}
circle.event{fill:#2563eb}circle.effect{fill:#16a34a}circle.exception{fill:#dc2626}
.lane,.axis,.mark-label{font-size:10px;fill:#65707c}.rule{stroke:#c9d1d9}.tick{stroke:#eef1f4}
rect.bar{fill:#60a5fa}.mark{stroke:#b45309;stroke-dasharray:3 2}.mark-label{fill:#b45309}
tr.exception td{color:#b42318}tr.deposit td{font-weight:600}tfoot td{font-weight:600;border-top:2px solid #c9d1d9}
details{margin:4px 0}summary{cursor:pointer}`;

/** The report as a complete HTML document; `runbook` is RUNBOOK.md's text, whose entries are copied in. */
export const renderDemoHtml = (report: DemoReport, runbook: string): string => {
  const dead = report.deadLetters.filter((d) => d.depth !== 0);
  const summary = report.loops.map((l) => [
    `<a href="#loop-${l.number}">${html(l.loop)}</a>`,
    String(l.eventsIn),
    String(l.effectsOut),
    html(exceptionsByType(l.exceptions)),
    String(l.p50Ms ?? '-'),
    String(l.p99Ms ?? '-'),
  ]);
  const numeric = ['events in', 'effects out', 'p50 ms', 'p99 ms'];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>scayle-hub demo: seed ${report.seed}</title><style>${STYLE}</style></head>
<body>
<h1>scayle-hub: a trading day through every loop</h1>
<p>Seed ${report.seed}, ${report.orders} SCAYLE orders, started ${html(report.startedAt)}, ${seconds(report.durationMs)}.
<b class="${report.ok ? 'ok' : 'fail'}">${report.ok ? 'Every invariant held.' : 'An invariant failed.'}</b>
Replay with <code>npx hub demo --orders ${report.orders} --seed ${report.seed}</code>.</p>
<nav>${LOOPS.map((n) => `<a href="#loop-${n}">${n}</a>`).join('')}</nav>
<h2>Summary</h2>
${tableOf(['loop', 'events in', 'effects out', 'exceptions', 'p50 ms', 'p99 ms'], summary, numeric)}
<h2>Invariants</h2>
<ul class="invariants">${report.invariants.map((i) => invariantItem(i, true)).join('')}</ul>
<p class="muted">Dead-letter queues at the end: ${dead.length === 0 ? 'all empty' : html(dead.map((d) => `${d.queue} ${d.depth}`).join(', '))}.</p>
${LOOPS.map((n) => loopSection(report, n, runbook)).join('\n')}
</body></html>
`;
};

/** RUNBOOK.md of this checkout ('' when it cannot be read: the report then says an entry is missing). */
export const readRunbook = (): string => {
  try {
    return readFileSync(new URL('../../RUNBOOK.md', import.meta.url), 'utf8');
  } catch {
    return '';
  }
};
