import type { CatalogueEntry } from '../adapters/aws/catalogue-repository';
import type { ExceptionItem } from '../adapters/aws/exceptions-repository';
import type { Channel, LedgerEntry, SystemName } from '../adapters/aws/ledger-repository';
import type { SettlementRecord } from '../adapters/aws/settlements-repository';
import {
  type LiveOrderStatus,
  type LiveStatusRequest,
  liveStatusRequests,
  MAX_LIVE_ORDERS,
  unreadableStatus,
} from './live-status';

/** One line of an id's story, in time order. */
export interface TraceEvent {
  readonly at: string;
  readonly source: 'ledger' | 'exception' | 'settlement';
  readonly text: string;
}

/** Everything the hub knows about one id. */
export interface Trace {
  readonly id: string;
  readonly orders: readonly LedgerEntry[];
  readonly exceptions: readonly ExceptionItem[];
  readonly settlement?: SettlementRecord;
  readonly catalogue?: CatalogueEntry;
  readonly events: readonly TraceEvent[];
  /** What each system says of the trace's orders now (the first MAX_LIVE_ORDERS chains), when live reads were asked for. */
  readonly now?: readonly LiveOrderStatus[];
}

/** What tracing reads. */
export interface TraceSources {
  readonly ledger: {
    get(channel: Channel, orderId: string): Promise<LedgerEntry | undefined>;
    findByReference(system: SystemName, id: string): Promise<LedgerEntry | undefined>;
  };
  readonly exceptions: { list(): Promise<ExceptionItem[]> };
  readonly settlements: { get(settlementId: string): Promise<SettlementRecord | undefined> };
  readonly catalogue: { get(sku: string): Promise<CatalogueEntry | undefined> };
  /** Reads the order chains' status in each system now; omitted, the trace tells the hub's records only. */
  readonly live?: (requests: readonly LiveStatusRequest[]) => Promise<readonly LiveOrderStatus[]>;
}

/**
 * The whole story of any id (SCAYLE order id, OrderWise order number, AmazonOrderId, SKU, settlement id):
 * the orders it names with every ledger transition, the exceptions that mention it or its orders, its
 * settlement record and its catalogue mapping, merged in time order; with `live`, what each system says of its
 * orders now. A live read that fails as a whole (the function unreachable) gives error lines, never a failed trace.
 */
export const makeTrace =
  ({ ledger, exceptions, settlements, catalogue, live }: TraceSources) =>
  async (id: string): Promise<Trace> => {
    const candidates = await Promise.all([
      ledger.get('scayle', id),
      ledger.get('amazon', id),
      ledger.findByReference('orderwise', id),
      ledger.findByReference('amazon', id),
      ledger.findByReference('scayle', id),
    ]);
    const found = candidates.filter((e): e is LedgerEntry => Boolean(e));
    // One chain, one trace: an Amazon order's head names its SCAYLE order and the SCAYLE order's head its Amazon one.
    const linked = await Promise.all(
      found.flatMap((e) => [
        e.channel !== 'scayle' && e.ids.scayle ? ledger.get('scayle', e.ids.scayle) : undefined,
        e.channel !== 'amazon' && e.ids.amazon ? ledger.get('amazon', e.ids.amazon) : undefined,
      ]),
    );
    const orders = [
      ...new Map([...found, ...linked.filter((e): e is LedgerEntry => Boolean(e))].map((e) => [e.pk, e])).values(),
    ];
    const related = new Set([
      id,
      ...orders.flatMap((o) => Object.values(o.ids).filter((v): v is string => Boolean(v))),
    ]);
    const mentions = (item: ExceptionItem) =>
      related.has(item.key) || [...related].some((r) => JSON.stringify(item.details).includes(`"${r}"`));
    const [allExceptions, settlement, mapping] = await Promise.all([
      exceptions.list(),
      settlements.get(id),
      catalogue.get(id),
    ]);
    const matching = allExceptions.filter(mentions);
    // One hop further: the orders an exception about this id names (e.g. the orders a SKU held up).
    const named = [
      ...new Set(matching.map((e) => e.details.orderId).filter((o): o is string => typeof o === 'string')),
    ];
    for (const entry of await Promise.all(named.map((orderId) => ledger.get('scayle', orderId)))) {
      if (entry && !orders.some((o) => o.pk === entry.pk)) orders.push(entry);
    }

    const events: TraceEvent[] = [
      ...orders.flatMap((order) =>
        order.history.map((step) => ({
          at: step.at,
          source: 'ledger' as const,
          text: `${order.pk} ${step.from ?? '(new)'} -> ${step.to}${step.note ? ` (${step.note})` : ''}`,
        })),
      ),
      ...matching.flatMap((e) => [
        { at: e.firstSeenAt, source: 'exception' as const, text: `${e.id} raised for ${e.owner}: ${e.summary}` },
        ...(e.count > 1 || e.status === 'resolved'
          ? [
              {
                at: e.lastSeenAt,
                source: 'exception' as const,
                text: `${e.id} seen ${e.count} times, ${e.status}${e.resolvedAt ? ` at ${e.resolvedAt}` : ''}`,
              },
            ]
          : []),
      ]),
      ...(settlement
        ? [
            {
              at: settlement.updatedAt,
              source: 'settlement' as const,
              text: `settlement ${settlement.settlementId} ${settlement.status} from ${settlement.sourceKey}`,
            },
          ]
        : []),
    ].sort((a, b) => a.at.localeCompare(b.at));
    const requests = live ? liveStatusRequests(orders).slice(0, MAX_LIVE_ORDERS) : [];
    const now =
      live && requests.length > 0
        ? await live(requests).catch((e: unknown) => requests.map((r) => unreadableStatus(r, e)))
        : [];
    return {
      id,
      orders,
      exceptions: matching,
      ...(settlement ? { settlement } : {}),
      ...(mapping ? { catalogue: mapping } : {}),
      events,
      ...(live ? { now } : {}),
    };
  };
