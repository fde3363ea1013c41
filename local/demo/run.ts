/**
 * The trading day: every act starts at once (web orders, stock, catalogue, Amazon orders and their settlement),
 * then loop 4 is checked over every parcel and the money check runs over the day. Each act waits with the day's
 * one deadline, so a broken loop is reported as an invariant that did not hold, never as a hang.
 */
import type { ExceptionItem } from '../../shared/adapters/aws/exceptions-repository';
import type { LocalHub } from '../hub/hub';
import { depth, queuesOf } from '../hub/inspect';
import { followAmazonOrders, placeAmazonOrders } from './amazon-act';
import { runCatalogueAct } from './catalogue-act';
import type { DayContext } from './context';
import {
  DayLog,
  type InvariantResult,
  LOOP_NAMES,
  LOOPS,
  type LoopNumber,
  percentile,
  type TimelineEntry,
} from './day-log';
import { checkDespatches } from './despatch';
import { runMoneyCheck } from './money-check';
import { runOrdersAct } from './orders-act';
import { planDay } from './plan';
import { type DemoJournal, runSettlementAct } from './settlement-act';
import { runStockAct } from './stock-act';

/** The seed of `hub demo` when none is given: the same day every time. */
export const DEFAULT_SEED = 2026;
/** SCAYLE shop orders in `hub demo` when no number is given. */
export const DEFAULT_ORDERS = 60;
/** How long the day waits, in all, for what it expects before it calls an invariant broken. */
const DEFAULT_PATIENCE_MS = 90_000;

/** What `runDemo` is asked for. */
export interface DemoOptions {
  /** SCAYLE shop orders (default 60); Amazon orders and restocked SKUs scale with it. */
  readonly orders?: number;
  /** Seeds every choice of the day (default 2026): the same seed replays the same day. */
  readonly seed?: number;
  /** How long the day waits for what it expects before it reports an invariant broken (default 90 s). */
  readonly patienceMs?: number;
}

/** One row of the summary table. */
export interface LoopSummary {
  readonly number: LoopNumber;
  /** `<number> <name>`, e.g. `1 SCAYLE order -> OrderWise`. */
  readonly loop: string;
  readonly eventsIn: number;
  readonly effectsOut: number;
  /** Exceptions raised, by type. */
  readonly exceptions: Readonly<Record<string, number>>;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

/** An exception raised during the day, with the loop it belongs to. */
export interface DemoException {
  readonly loop: LoopNumber;
  readonly type: string;
  readonly key: string;
  readonly owner: string;
  readonly status: string;
  readonly count: number;
  readonly atMs: number;
  readonly summary: string;
  readonly runbook: string;
}

/** What a demo run produced. */
export interface DemoReport {
  readonly seed: number;
  readonly orders: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly loops: readonly LoopSummary[];
  readonly invariants: readonly InvariantResult[];
  /** True when every loop has an invariant and every invariant held. */
  readonly ok: boolean;
  readonly timelines: Readonly<Record<LoopNumber, readonly TimelineEntry[]>>;
  readonly latencies: Readonly<Record<LoopNumber, readonly number[]>>;
  readonly exceptions: readonly DemoException[];
  readonly journal?: DemoJournal;
  /** Messages left in each dead-letter queue at the end. */
  readonly deadLetters: readonly { readonly queue: string; readonly depth: number }[];
}

/** The loop an exception belongs to, by its type and, where two loops raise one type, by its key or details. */
const loopOfException = (e: Pick<ExceptionItem, 'type' | 'key' | 'details'>): LoopNumber => {
  const amazonOrderKey = /^\d{3}-\d{7}-\d{7}$/.test(e.key) || e.key.includes(':');
  switch (e.type) {
    case 'SKU_UNMAPPED':
    case 'ORDER_REJECTED':
      return amazonOrderKey ? 6 : 1;
    case 'ORDER_WEBHOOK_MISSED':
      return 1;
    case 'ORDER_TOTAL_MISMATCH':
      return e.details.differences ? 10 : amazonOrderKey ? 6 : 1;
    case 'CANCEL_TOO_LATE':
      return 2;
    case 'STOCK_DRIFT':
      return 3;
    case 'PAYLOAD_REJECTED':
      return e.key.startsWith('orderwise-stock')
        ? 3
        : e.key.startsWith('orderwise-despatch')
          ? 4
          : e.key.startsWith('amazon')
            ? 6
            : 1;
    case 'FULFILMENT_UNACKED':
      return 4;
    case 'AMAZON_LISTING_REJECTED':
      return e.details.loop === 'catalogue' ? 8 : 5;
    case 'CARRIER_UNMAPPED':
    case 'AMAZON_CONFIRMATION_UNACKED':
      return 7;
    case 'LISTING_BLOCKED':
      return 8;
    case 'SETTLEMENT_UNMAPPED_TYPE':
    case 'SETTLEMENT_UNBALANCED':
    case 'SETTLEMENT_UNREADABLE':
      return 9;
    case 'GHOST_ORDER':
    case 'LATE_SHIPMENT_RISK':
      return 11;
  }
};

/** Runs one act; an act that throws fails its loops' day instead of the whole demo. */
const guarded = async <T>(
  ctx: DayContext,
  loops: readonly LoopNumber[],
  act: () => Promise<T>,
): Promise<T | undefined> => {
  try {
    return await act();
  } catch (error) {
    for (const loop of loops) ctx.log.check(loop, 'the scripted day ran to its end', false, String(error));
    return undefined;
  }
};

/**
 * A scripted, seeded trading day through every loop on a running local hub (started with `DEMO_HUB_OPTIONS`):
 * drives each loop through its real trigger, waits for the effects, checks the business invariants, and
 * returns the summary, invariants, timelines, latencies, exceptions and the settlement's journal.
 */
export const runDemo = async (hub: LocalHub, options: DemoOptions = {}): Promise<DemoReport> => {
  const plan = planDay({ seed: options.seed ?? DEFAULT_SEED, orders: options.orders ?? DEFAULT_ORDERS });
  const log = new DayLog();
  const ctx: DayContext = {
    hub,
    plan,
    log,
    deadline: log.startedAt + (options.patienceMs ?? DEFAULT_PATIENCE_MS),
    despatches: [],
  };
  // Amazon orders first: they race the ghost window, the web shop's orders race nothing.
  const placing = guarded(ctx, [6, 7, 9, 11], () => placeAmazonOrders(ctx));
  const [orders, , , , journal] = await Promise.all([
    placing.then(() => guarded(ctx, [1, 2], () => runOrdersAct(ctx))),
    guarded(ctx, [3, 5], () => runStockAct(ctx)),
    guarded(ctx, [8], () => runCatalogueAct(ctx)),
    placing.then((placed) => placed && guarded(ctx, [6, 7, 11], () => followAmazonOrders(ctx, placed))),
    placing.then((placed) => placed && guarded(ctx, [9], () => runSettlementAct(ctx, placed))),
  ]);
  await guarded(ctx, [4], () => checkDespatches(ctx));
  await guarded(ctx, [10], () => runMoneyCheck(ctx, orders?.amendedOrderId));

  const raised = await hub.exceptions.list();
  const exceptions = raised
    .map(
      (e): DemoException => ({
        loop: loopOfException(e),
        type: e.type,
        key: e.key,
        owner: e.owner,
        status: e.status,
        count: e.count,
        atMs: Math.max(0, Date.parse(e.firstSeenAt) - log.startedAt),
        summary: e.summary,
        runbook: e.runbook,
      }),
    )
    .sort((a, b) => a.atMs - b.atMs);
  // The monitors' exceptions are their effects, already on their timeline.
  for (const e of raised.filter((x) => loopOfException(x) !== 11))
    log.exception(loopOfException(e), `${e.type} ${e.key} raised for ${e.owner}`, e.firstSeenAt);
  const deadLetters = await Promise.all(
    queuesOf(hub, 'Dlq').map(async (q) => ({
      queue: q.name,
      depth: await depth(hub.engines.sqs, q.url).catch(() => -1),
    })),
  );

  const loops = LOOPS.map((number): LoopSummary => {
    const recorded = log.of(number);
    const byType: Record<string, number> = {};
    for (const e of exceptions.filter((x) => x.loop === number)) byType[e.type] = (byType[e.type] ?? 0) + 1;
    return {
      number,
      loop: `${number} ${LOOP_NAMES[number]}`,
      eventsIn: recorded.eventsIn,
      effectsOut: recorded.effectsOut,
      exceptions: byType,
      p50Ms: percentile(recorded.latenciesMs, 50),
      p99Ms: percentile(recorded.latenciesMs, 99),
    };
  });
  const every = <T>(of: (loop: LoopNumber) => T) =>
    Object.fromEntries(LOOPS.map((n) => [n, of(n)])) as Record<LoopNumber, T>;
  const invariants = [...log.invariants].sort((a, b) => a.loop - b.loop);
  return {
    seed: plan.seed,
    orders: plan.orders,
    startedAt: new Date(log.startedAt).toISOString(),
    durationMs: Date.now() - log.startedAt,
    loops,
    invariants,
    ok: LOOPS.every((n) => invariants.some((i) => i.loop === n)) && invariants.every((i) => i.held),
    timelines: every((n) => log.of(n).timeline),
    latencies: every((n) => log.of(n).latenciesMs),
    exceptions,
    ...(journal ? { journal } : {}),
    deadLetters,
  };
};
