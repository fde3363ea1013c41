import type { LedgerEntry } from '../shared/adapters/aws/ledger-repository';
import { OrderEventsQueue } from '../shared/adapters/aws/order-events-queue';
import { makeRetryOrder } from '../shared/use-cases/retry-order';
import { type LocalHub, startHub } from './hub/hub';
import { depth, queuesOf } from './hub/inspect';
import { DEMO_CATALOGUE } from './simulators/catalogue';

/** One row of the demo summary. */
export interface LoopSummary {
  readonly loop: string;
  readonly eventsIn: number;
  readonly effectsOut: number;
  readonly exceptions: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

/** A business invariant the demo checks, and whether it held. */
export interface InvariantResult {
  readonly invariant: string;
  readonly held: boolean;
  readonly detail: string;
}

/** What a demo run produced. */
export interface DemoReport {
  readonly loops: readonly LoopSummary[];
  readonly invariants: readonly InvariantResult[];
  readonly ok: boolean;
}

const percentile = (values: number[], p: number): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

const waitFor = async <T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

const reachedAt = (entry: LedgerEntry, status: string) => entry.history.find((h) => h.to === status)?.at;

/**
 * A scripted trading day through every loop the hub has today (the SCAYLE -> OrderWise order loop with its
 * cancellations and money check): orders whose webhooks arrive more than once while OrderWise stumbles, an
 * order with an unmapped SKU fixed and retried, a cancellation in time and one too late, and the daily money
 * check. Checks the business invariants at the end.
 */
export const runDemo = async (hub: LocalHub, options: { orders?: number } = {}): Promise<DemoReport> => {
  const { simulators, ledger, exceptions } = hub;
  const count = options.orders ?? 60;
  const exceptionsBefore = (await exceptions.list()).reduce((sum, e) => sum + e.count, 0);
  await fetch(`${hub.urls.orderwise}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ createSalesOrder: { errorRate: 0.1, timeoutAfterCommitRate: 0.05 } }),
  });
  const orders = await simulators.scayle.createOrders({ random: count, duplicates: 2 });
  const unmapped = DEMO_CATALOGUE.find((v) => !v.orderwise);
  const [flaggedOrder] = await simulators.scayle.createOrders({
    orders: [{ items: [{ sku: unmapped?.sku as string, quantity: 1 }] }],
  });
  const all = [...orders, flaggedOrder].map((o) => String(o?.id));

  const settled = async (id: string) => {
    const entry = await ledger.get('scayle', id);
    return entry && ['acknowledged', 'flagged'].includes(entry.status) ? entry : undefined;
  };
  await waitFor(async () => ((await Promise.all(all.map(settled))).every(Boolean) ? true : undefined), 120_000);
  await fetch(`${hub.urls.orderwise}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });

  // Ecommerce fixes the mapping and retries the flagged order.
  await hub.catalogue.put({
    sku: unmapped?.sku as string,
    orderwiseVariantCode: DEMO_CATALOGUE.find((v) => v.orderwise)?.orderwise?.variantCode as string,
  });
  await makeRetryOrder({
    ledger,
    queue: new OrderEventsQueue(hub.engines.sqs, hub.outputs.OrderEventsQueueUrl as string),
  })(String(flaggedOrder?.id));

  // One cancellation in time, one after picking started.
  const [inTime, tooLate] = orders.slice(0, 2).map((o) => String(o.id));
  const late = await ledger.get('scayle', tooLate as string);
  simulators.orderwise.setStatus(late?.ids.orderwise as string, 'Awaiting despatch', 'Picking in progress');
  await simulators.scayle.cancelOrder(Number(inTime), 'order-cancelled');
  await simulators.scayle.cancelOrder(Number(tooLate), 'order-canceled');
  await waitFor(async () => {
    const [a, b, c] = await Promise.all([
      ledger.get('scayle', inTime as string),
      ledger.get('scayle', tooLate as string),
      ledger.get('scayle', String(flaggedOrder?.id)),
    ]);
    return a?.status === 'cancelled' && b?.status === 'return_required' && c?.status === 'acknowledged'
      ? true
      : undefined;
  }, 60_000);

  // The daily money check, on demand.
  const reconciliation = [...hub.functions.entries()].find(([id]) => id.startsWith('OrdersOrderReconciliation'))?.[1];
  const check = await reconciliation?.invoke({
    from: new Date(Date.now() - 3_600_000).toISOString(),
    to: new Date(Date.now() + 60_000).toISOString(),
  });
  const checkResult = (check?.ok ? check.result : undefined) as { checked: number; mismatches: number } | undefined;

  const entries = (await Promise.all(all.map((id) => ledger.get('scayle', id)))).filter((e): e is LedgerEntry =>
    Boolean(e),
  );
  const latencies = entries.flatMap((e) => {
    const acknowledged = reachedAt(e, 'acknowledged');
    return acknowledged ? [Date.parse(acknowledged) - Date.parse(e.createdAt)] : [];
  });
  const owOrders = simulators.orderwise.orders();
  const exceptionsAfter = (await exceptions.list()).reduce((sum, e) => sum + e.count, 0);
  const dlqDepths = await Promise.all(queuesOf(hub, 'Dlq').map((q) => depth(hub.engines.sqs, q.url)));

  const duplicates = all.filter((id) => owOrders.filter((o) => o.eCommerceOrderNumber === id).length > 1);
  const missing = entries.filter(
    (e) =>
      ['acknowledged', 'cancelled', 'return_required'].includes(e.status) &&
      !owOrders.some((o) => o.eCommerceOrderNumber === e.orderId),
  );
  const invariants: InvariantResult[] = [
    {
      invariant: 'one OrderWise sales order per SCAYLE order',
      held: duplicates.length === 0,
      detail: duplicates.length ? `duplicated: ${duplicates.join(', ')}` : `${owOrders.length} sales orders`,
    },
    {
      invariant: 'every posted order exists in OrderWise',
      held: missing.length === 0,
      detail: missing.length ? `missing: ${missing.map((e) => e.orderId).join(', ')}` : 'all present',
    },
    {
      invariant: 'every order ends acknowledged, cancelled or return_required',
      held:
        entries.length === all.length &&
        entries.every((e) => ['acknowledged', 'cancelled', 'return_required'].includes(e.status)),
      detail: [...Map.groupBy(entries, (e) => e.status)].map(([status, list]) => `${status} ${list.length}`).join(', '),
    },
    {
      invariant: 'no dead letters',
      held: dlqDepths.every((d) => d === 0),
      detail: `DLQ depths ${dlqDepths.join(', ')}`,
    },
    {
      invariant: 'the money check agrees',
      held: checkResult?.mismatches === 0,
      detail: checkResult ? `${checkResult.checked} checked, ${checkResult.mismatches} mismatches` : 'did not run',
    },
  ];
  const loops: LoopSummary[] = [
    {
      loop: '1 SCAYLE order -> OrderWise',
      eventsIn: all.length * 2 - 1,
      effectsOut: owOrders.length,
      exceptions: exceptionsAfter - exceptionsBefore,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    },
    {
      loop: '2 SCAYLE cancel -> OrderWise',
      eventsIn: 2,
      effectsOut: owOrders.filter((o) => o.orderStatus === 'Cancelled').length,
      exceptions: (await exceptions.list({ type: 'CANCEL_TOO_LATE' })).length,
    },
    {
      loop: '10 money check',
      eventsIn: 1,
      effectsOut: checkResult?.checked ?? 0,
      exceptions: checkResult?.mismatches ?? 0,
    },
  ];
  return { loops, invariants, ok: invariants.every((i) => i.held) };
};

/** The summary table and invariants as text. */
export const renderDemoReport = (report: DemoReport): string => {
  const rows = [
    ['loop', 'events in', 'effects out', 'exceptions', 'p50 ms', 'p99 ms'],
    ...report.loops.map((l) => [
      l.loop,
      String(l.eventsIn),
      String(l.effectsOut),
      String(l.exceptions),
      String(l.p50Ms ?? '-'),
      String(l.p99Ms ?? '-'),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const table = rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '))
    .join('\n');
  const checks = report.invariants.map((i) => `${i.held ? 'ok  ' : 'FAIL'}  ${i.invariant} (${i.detail})`).join('\n');
  return `${table}\n\n${checks}\n\n${report.ok ? 'all invariants hold' : 'an invariant failed'}\n`;
};

/** `hub demo`: starts a local hub, runs the trading day, prints the report, stops the hub. */
export const demo = async (options: { orders?: number } = {}): Promise<boolean> => {
  const hub = await startHub({ timeCompression: 360 });
  try {
    const report = await runDemo(hub, options);
    process.stdout.write(renderDemoReport(report));
    return report.ok;
  } finally {
    await hub.stop();
  }
};
