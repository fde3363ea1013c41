import { z } from 'zod';
import type { LedgerEntry, SystemName } from '../adapters/aws/ledger-repository';
import type { ErpGateway } from '../ports';
import { TimeoutError, UpstreamRejectedError } from '../runtime/errors';

/** At most this many orders are read live in one request: a SKU can name many orders, each costing peer calls. */
export const MAX_LIVE_ORDERS = 10;

/** The ids of one order chain (an Amazon order and the SCAYLE order it became) as each system knows it. */
export const liveStatusRequestSchema = z.object({
  scayle: z
    .object({ orderId: z.string().min(1), shopKey: z.string().min(1), countryCode: z.string().min(1) })
    .optional(),
  /** OrderWise's status read takes its numeric order id; without it the order is found by its external reference. */
  orderwise: z
    .object({
      orderNumber: z.string().min(1).optional(),
      orderId: z.number().int().positive().optional(),
      externalReference: z.string().min(1).optional(),
    })
    .refine((ow) => ow.orderId !== undefined || ow.externalReference !== undefined, {
      message: 'needs orderId or externalReference',
    })
    .optional(),
  amazon: z.object({ amazonOrderId: z.string().min(1) }).optional(),
});

/** The ids of one order chain to read live. */
export type LiveStatusRequest = z.output<typeof liveStatusRequestSchema>;

/** The event of the ops-status function: the order chains a trace found. */
export const liveStatusEventSchema = z.object({ orders: z.array(liveStatusRequestSchema).max(MAX_LIVE_ORDERS) });

/** What one system says of an order now; `error` when it could not be asked (the status is then `unknown`). */
export const systemStatusSchema = z.object({
  system: z.enum(['scayle', 'orderwise', 'amazon']),
  id: z.string(),
  status: z.string(),
  detail: z.string().optional(),
  error: z.string().optional(),
});

/** What one system says of an order now. */
export type SystemStatus = z.output<typeof systemStatusSchema>;

/** The live status of one order chain: one line per system it is known to. */
export const liveOrderStatusSchema = z.object({
  request: liveStatusRequestSchema,
  systems: z.array(systemStatusSchema),
});

/** The live status of one order chain. */
export type LiveOrderStatus = z.output<typeof liveOrderStatusSchema>;

/** What the ops-status function answers. */
export const liveStatusResultSchema = z.object({ orders: z.array(liveOrderStatusSchema) });

/** The peers' reads live status needs; none returns personal data into the answer. */
export interface LiveStatusPorts {
  readonly scayle: {
    getOrder(
      shopKey: string,
      countryCode: string,
      orderId: string,
    ): Promise<{ status: string; items: readonly { status?: string | null }[] }>;
  };
  readonly orderwise: Pick<ErpGateway, 'findSalesOrder' | 'getSalesOrder'>;
  readonly amazon: {
    getOrder(amazonOrderId: string, options: { pii: false }): Promise<{ OrderStatus: string; LatestShipDate?: string }>;
  };
  /** How long one system may take, retries included, before its line says it timed out. */
  readonly timeoutMs: number;
}

type Reading = Pick<SystemStatus, 'status' | 'detail'>;

/** The line of a system that could not be asked. */
const failed = (system: SystemName, id: string, error: unknown): SystemStatus => {
  const { name, message } = error as Error;
  return { system, id, status: 'unknown', error: `${name}: ${message}`.slice(0, 300) };
};

/** How an OrderWise line names the order: its number, or the reference it is looked up by. */
const orderwiseId = (ids: NonNullable<LiveStatusRequest['orderwise']>): string =>
  ids.orderNumber ?? `ref ${ids.externalReference}`;

/** The answer for a request none of whose systems could be asked (e.g. the ops-status function was unreachable). */
export const unreadableStatus = (request: LiveStatusRequest, error: unknown): LiveOrderStatus => ({
  request,
  systems: [
    ...(request.scayle ? [failed('scayle', request.scayle.orderId, error)] : []),
    ...(request.orderwise ? [failed('orderwise', orderwiseId(request.orderwise), error)] : []),
    ...(request.amazon ? [failed('amazon', request.amazon.amazonOrderId, error)] : []),
  ],
});

const NOT_FOUND: Reading = { status: 'not found' };

/** `2 shipped, 1 open`: how many items are in each status, in the order the statuses first appear. */
const itemStatuses = (items: readonly { status?: string | null }[]): string => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.status ?? 'unknown', (counts.get(item.status ?? 'unknown') ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
};

/** Settles `read` within `ms`; a peer that hangs must not hold the whole answer. */
const within = async <T>(ms: number, what: string, read: () => Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([read(), deadline]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Asks SCAYLE, OrderWise and Amazon what they say of an order chain now: SCAYLE's order and item statuses,
 * OrderWise's sales order status (found by its reference when the ledger never learnt its id), Amazon's
 * OrderStatus and LatestShipDate (no personal data is asked for). Every system is asked at once and on its own
 * deadline; one that fails or times out gets a line with `error`, never failing the others. A 404 is an answer:
 * `not found`.
 */
export const makeLiveStatus =
  ({ scayle, orderwise, amazon, timeoutMs }: LiveStatusPorts) =>
  async (request: LiveStatusRequest): Promise<LiveOrderStatus> => {
    const ask = async (system: SystemName, id: string, read: () => Promise<Reading>): Promise<SystemStatus> => {
      try {
        return { system, id, ...(await within(timeoutMs, system, read)) };
      } catch (error) {
        if (error instanceof UpstreamRejectedError && error.status === 404) return { system, id, ...NOT_FOUND };
        return failed(system, id, error);
      }
    };
    const reads: Promise<SystemStatus>[] = [];
    if (request.scayle) {
      const { orderId, shopKey, countryCode } = request.scayle;
      reads.push(
        ask('scayle', orderId, async () => {
          const order = await scayle.getOrder(shopKey, countryCode, orderId);
          return { status: order.status, detail: `items: ${itemStatuses(order.items)}` };
        }),
      );
    }
    if (request.orderwise) {
      const { orderId, orderNumber, externalReference } = request.orderwise;
      reads.push(
        ask('orderwise', orderwiseId(request.orderwise), async () => {
          const id = orderId ?? (await orderwise.findSalesOrder(externalReference as string))?.orderId;
          if (id === undefined) return NOT_FOUND;
          const state = await orderwise.getSalesOrder(id);
          const detail = [
            ...(state.orderNumber !== orderNumber ? [`order ${state.orderNumber}`] : []),
            ...(state.subStatus ? [state.subStatus] : []),
            ...(state.cancellable ? ['cancellable'] : []),
          ];
          return { status: state.status, ...(detail.length > 0 ? { detail: detail.join(', ') } : {}) };
        }),
      );
    }
    if (request.amazon) {
      const { amazonOrderId } = request.amazon;
      reads.push(
        ask('amazon', amazonOrderId, async () => {
          const order = await amazon.getOrder(amazonOrderId, { pii: false });
          return {
            status: order.OrderStatus,
            ...(order.LatestShipDate ? { detail: `LatestShipDate ${order.LatestShipDate}` } : {}),
          };
        }),
      );
    }
    return { request, systems: await Promise.all(reads) };
  };

/** A string from a ledger entry's loop-owned data, or undefined. */
const text = (data: Record<string, unknown>, key: string): string | undefined => {
  const value = data[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The request one ledger head alone yields. */
const requestOf = (entry: LedgerEntry): LiveStatusRequest => {
  const scayleId = entry.ids.scayle;
  const shopKey = text(entry.data, entry.channel === 'scayle' ? 'shopKey' : 'scayleShopKey');
  const countryCode = text(entry.data, entry.channel === 'scayle' ? 'countryCode' : 'scayleCountryCode');
  const stored = Number(entry.data.orderwiseOrderId);
  const orderwiseOrderId = Number.isInteger(stored) && stored > 0 ? stored : undefined;
  return {
    ...(scayleId && shopKey && countryCode ? { scayle: { orderId: scayleId, shopKey, countryCode } } : {}),
    // OrderWise knows a SCAYLE order by its id as eCommerceOrderNumber, posted or not: ask even when the ledger has
    // no OrderWise id, so a sales order created behind the ledger's back shows.
    ...(scayleId || orderwiseOrderId
      ? {
          orderwise: {
            ...(entry.ids.orderwise ? { orderNumber: entry.ids.orderwise } : {}),
            ...(orderwiseOrderId ? { orderId: orderwiseOrderId } : {}),
            ...(scayleId ? { externalReference: scayleId } : {}),
          },
        }
      : {}),
    ...(entry.ids.amazon ? { amazon: { amazonOrderId: entry.ids.amazon } } : {}),
  };
};

/**
 * The order chains to read live for the ledger heads of a trace: an Amazon order and the SCAYLE order it became
 * are one chain (one request), each system's ids taken from the head that owns them. Only requests that can ask
 * something are returned.
 */
export const liveStatusRequests = (orders: readonly LedgerEntry[]): LiveStatusRequest[] => {
  const chains = new Map<string, LiveStatusRequest>();
  // SCAYLE heads last, so their shop and OrderWise ids win over what an Amazon head copied.
  const sorted = [...orders].sort((a, b) => Number(a.channel === 'scayle') - Number(b.channel === 'scayle'));
  for (const entry of sorted) {
    const key = entry.ids.scayle ?? entry.ids.amazon ?? entry.pk;
    const found = chains.get(key) ?? {};
    const next = requestOf(entry);
    chains.set(key, {
      ...found,
      ...next,
      ...(found.orderwise || next.orderwise ? { orderwise: { ...found.orderwise, ...next.orderwise } } : {}),
    } as LiveStatusRequest);
  }
  return [...chains.values()].filter((r) => r.scayle || r.orderwise || r.amazon);
};
