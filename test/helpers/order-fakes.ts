import { setTimeout as wait } from 'node:timers/promises';
import { type ExceptionItem, exceptionId } from '../../shared/adapters/aws/exceptions-repository';
import {
  type Channel,
  IllegalTransitionError,
  type LedgerEntry,
  type LedgerRepository,
  ledgerKey,
  type SystemName,
  type TransitionRequest,
} from '../../shared/adapters/aws/ledger-repository';
import type { ShopCountry } from '../../shared/adapters/scayle/shops';
import { EXCEPTION_TYPES, type ExceptionType, runbookAnchor } from '../../shared/domain/exception-types';
import { canTransition, type OrderStatus } from '../../shared/domain/order-status';
import type { SalesOrder } from '../../shared/domain/sales-order';
import type {
  CatalogueLookup,
  CommerceGateway,
  DeliveryAddress,
  ErpGateway,
  ErpOrderRef,
  ErpOrderState,
  ExceptionSink,
  OrderLedger,
} from '../../shared/ports';
import type { Clock } from '../../shared/runtime/clock';
import { ConditionFailedError, TimeoutError, UpstreamError, UpstreamRejectedError } from '../../shared/runtime/errors';
import type { AmazonOrderMessage } from '../../shared/schemas/queue-messages';
import type { ScayleOrder, ScayleOrderCreate } from '../../shared/schemas/scayle';
import { type LocateOrder, makeLocateOrder } from '../../shared/use-cases/locate-scayle-order';
import { FakeClock } from './fake-clock';

/** 2025-03-01T10:00:00Z, the morning every fake starts at. */
export const MORNING = Date.parse('2025-03-01T10:00:00.000Z');

/**
 * The order ledger in memory with the conditional semantics of `LedgerRepository`: an order is created once
 * (a second create throws `ConditionFailedError` with the stored entry) and moves only along the state machine,
 * only from the status the caller expects and, when the caller asks, only if no worker's lease is live.
 */
export class FakeLedger implements OrderLedger {
  readonly #entries = new Map<string, LedgerEntry>();
  /** Runs once, before the next transition: another worker acting between our read and our write. */
  beforeNextTransition: (() => Promise<unknown>) | undefined;

  constructor(private readonly clock: Clock = new FakeClock(MORNING)) {}

  async create(input: Parameters<LedgerRepository['create']>[0]): Promise<LedgerEntry> {
    const pk = ledgerKey(input.channel, input.orderId);
    const stored = this.#entries.get(pk);
    if (stored) throw new ConditionFailedError<LedgerEntry>(`order ${pk} is already on the ledger`, stored);
    const at = this.#now();
    const entry: LedgerEntry = {
      pk,
      channel: input.channel,
      orderId: input.orderId,
      status: 'received',
      ids: { [input.channel]: input.orderId, ...input.ids },
      attempts: 0,
      createdAt: at,
      updatedAt: at,
      history: [{ at, from: null, to: 'received', ...(input.note ? { note: input.note } : {}) }],
      data: input.data ?? {},
    };
    this.#entries.set(pk, entry);
    return entry;
  }

  async releaseLease(channel: Channel, orderId: string, leaseId: string): Promise<void> {
    const pk = ledgerKey(channel, orderId);
    const stored = this.#entries.get(pk);
    if (stored?.leaseId !== leaseId) return;
    const { leaseUntil: _until, leaseId: _id, ...rest } = stored;
    this.#entries.set(pk, rest);
  }

  async get(channel: Channel, orderId: string): Promise<LedgerEntry | undefined> {
    return this.#entries.get(ledgerKey(channel, orderId));
  }

  async transition(channel: Channel, orderId: string, request: TransitionRequest): Promise<LedgerEntry> {
    const interleaved = this.beforeNextTransition;
    this.beforeNextTransition = undefined;
    await interleaved?.();
    if (request.from !== request.to && !canTransition(request.from, request.to)) {
      throw new IllegalTransitionError(`an order cannot move from ${request.from} to ${request.to}`);
    }
    const pk = ledgerKey(channel, orderId);
    const stored = this.#entries.get(pk);
    const leased =
      request.lease !== undefined && stored?.leaseUntil !== undefined && stored.leaseUntil >= request.lease.now;
    if (stored?.status !== request.from || leased) {
      throw new ConditionFailedError<LedgerEntry>(
        `order ${pk} is ${stored ? stored.status : 'not on the ledger'}, not ${request.from}`,
        stored,
      );
    }
    const at = this.#now();
    // A lease lives exactly as long as the order is pending: taken with the move in, dropped with the move out.
    const { leaseUntil, leaseId, ...rest } = stored;
    const lease = request.to === 'pending' ? (request.lease?.until ?? leaseUntil) : undefined;
    const holder = request.to === 'pending' ? (request.lease?.id ?? leaseId) : undefined;
    const next: LedgerEntry = {
      ...rest,
      status: request.to,
      updatedAt: at,
      history: [
        ...stored.history,
        { at, from: request.from, to: request.to, ...(request.note ? { note: request.note } : {}) },
      ],
      ids: { ...stored.ids, ...request.ids },
      data: { ...stored.data, ...request.data },
      attempts: stored.attempts + (request.countAttempt ? 1 : 0),
      ...(request.reason === undefined ? {} : { reason: request.reason }),
      ...(lease === undefined ? {} : { leaseUntil: lease }),
      ...(holder === undefined ? {} : { leaseId: holder }),
    };
    this.#entries.set(pk, next);
    return next;
  }

  async listByStatus(status: OrderStatus, range: { from?: string; to?: string } = {}): Promise<LedgerEntry[]> {
    const from = range.from ?? '0';
    const to = range.to ?? '9';
    return [...this.#entries.values()]
      .filter((e) => e.status === status && e.updatedAt >= from && e.updatedAt <= to)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
  }

  async findByReference(system: SystemName, id: string): Promise<LedgerEntry | undefined> {
    return [...this.#entries.values()].find((e) => e.ids[system] === id);
  }

  /** The statuses an order went through, oldest first. */
  async statusesOf(orderId: string): Promise<OrderStatus[]> {
    return ((await this.get('scayle', orderId))?.history ?? []).map((step) => step.to);
  }

  #now(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

/** How the next create of the fake ERP goes wrong. */
export type CreateFault =
  /** The order is created but the answer never arrives. */
  | 'timeout-after-commit'
  /** An earlier attempt committed after our look-up, so the create is refused as a duplicate. */
  | 'duplicate-of-earlier-attempt'
  /** Refused as a duplicate although no order exists: nothing to resolve it with. */
  | 'duplicate-unexplained'
  /** A 503: nothing was created. */
  | 'unavailable';

interface FakeErpOrder {
  readonly ref: ErpOrderRef;
  readonly salesOrder: SalesOrder;
  readonly delivery: DeliveryAddress;
  totalGrossMinor: number;
  totalTaxMinor: number;
}

/**
 * OrderWise in memory. Unlike the simulator it never refuses a duplicate on its own, so a second create for the
 * same SCAYLE order shows up as a second sales order; refusals and lost answers are switched on per create.
 */
export class FakeErp implements ErpGateway {
  readonly calls = { find: 0, create: 0, get: 0 };
  readonly #orders: FakeErpOrder[] = [];
  readonly #faults: CreateFault[] = [];
  readonly #enteredWaiters: { count: number; resolve: () => void }[] = [];
  #gate: Promise<void> | undefined;
  #totalsUnavailable: string | undefined;

  /** @param createDelayMs how long every create takes, to widen races. */
  constructor(private readonly createDelayMs = 0) {}

  /** Every sales order created, in order. */
  get salesOrders(): readonly FakeErpOrder[] {
    return this.#orders;
  }

  /** The sales orders created for one SCAYLE order. */
  ordersFor(externalReference: string): FakeErpOrder[] {
    return this.#orders.filter((o) => o.salesOrder.externalReference === externalReference);
  }

  /** Makes the next create fail in the given way. */
  failNextCreate(fault: CreateFault): void {
    this.#faults.push(fault);
  }

  /** Changes the totals OrderWise holds for an order, as an edit in OrderWise would. */
  reprice(orderNumber: string, totalGrossMinor: number, totalTaxMinor: number): void {
    const order = this.#orders.find((o) => o.ref.orderNumber === orderNumber);
    if (!order) throw new Error(`no fake sales order ${orderNumber}`);
    order.totalGrossMinor = totalGrossMinor;
    order.totalTaxMinor = totalTaxMinor;
  }

  /** Holds every create at its start until the returned function is called. */
  holdCreates(): () => void {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#gate = promise;
    return () => {
      this.#gate = undefined;
      resolve();
    };
  }

  /** Resolves once `count` creates have started. */
  createsStarted(count: number): Promise<void> {
    if (this.calls.create >= count) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#enteredWaiters.push({ count, resolve });
    return promise;
  }

  async findSalesOrder(externalReference: string): Promise<ErpOrderRef | undefined> {
    this.calls.find++;
    return this.ordersFor(externalReference)[0]?.ref;
  }

  async createSalesOrder(order: SalesOrder, delivery: DeliveryAddress): Promise<ErpOrderRef> {
    this.calls.create++;
    for (const waiter of this.#enteredWaiters.filter((w) => w.count <= this.calls.create)) waiter.resolve();
    await this.#gate;
    if (this.createDelayMs > 0) await wait(this.createDelayMs);
    const fault = this.#faults.shift();
    if (fault === 'unavailable') throw new UpstreamError('OrderWise createSalesOrder answered 503', 503);
    if (fault === 'duplicate-of-earlier-attempt') this.#commit(order, delivery);
    if (fault === 'duplicate-of-earlier-attempt' || fault === 'duplicate-unexplained') {
      throw new UpstreamRejectedError('OrderWise createSalesOrder answered 409', 409, {
        error: 'Duplicate eCommerceOrderNumber',
      });
    }
    const ref = this.#commit(order, delivery);
    if (fault === 'timeout-after-commit') throw new TimeoutError('OrderWise createSalesOrder timed out after 8000 ms');
    return ref;
  }

  async getSalesOrder(orderId: number): Promise<ErpOrderState> {
    this.calls.get++;
    const order = this.#orders.find((o) => o.ref.orderId === orderId);
    if (!order) throw new UpstreamRejectedError('OrderWise getOrderStatus answered 404', 404);
    return {
      ...order.ref,
      externalReference: order.salesOrder.externalReference,
      status: 'Awaiting despatch',
      cancellable: true,
      cancelled: false,
      ...(this.#totalsUnavailable
        ? {}
        : { totals: { grossMinor: order.totalGrossMinor, taxMinor: order.totalTaxMinor } }),
    };
  }

  async salesOrderTotals(orderId: number): ReturnType<ErpGateway['salesOrderTotals']> {
    const { orderNumber, totals } = await this.getSalesOrder(orderId);
    return totals ? { orderNumber, totals } : { orderNumber, unavailable: this.#totalsUnavailable as string };
  }

  /** From now on OrderWise answers no totals, for this reason (a tenant whose status call carries none). */
  withholdTotals(reason: string): void {
    this.#totalsUnavailable = reason;
  }

  async cancelSalesOrder(): Promise<'cancelled' | 'too-late'> {
    // Cancellation rules belong to OrderWise: cancel-order.test.ts runs them against the simulator instead.
    throw new Error('the fake ERP does not cancel');
  }

  async amendSalesOrderLines(): Promise<'amended' | 'too-late'> {
    // Like cancelling: withdraw-items.test.ts runs the amendment against the simulator.
    throw new Error('the fake ERP does not amend');
  }

  #commit(salesOrder: SalesOrder, delivery: DeliveryAddress): ErpOrderRef {
    const orderId = this.#orders.length + 1;
    const ref = { orderId, orderNumber: `SO${String(orderId).padStart(6, '0')}` };
    this.#orders.push({
      ref,
      salesOrder,
      delivery,
      totalGrossMinor: salesOrder.totalGrossMinor,
      totalTaxMinor: salesOrder.totalTaxMinor,
    });
    return ref;
  }
}

/** The dev stage's SCAYLE shop countries. */
/** The queue message of an Amazon order notification: Unshipped, seen now. */
export const amazonOrderMessageOf = (
  amazonOrderId: string,
  marketplaceId: string,
  clock: Clock,
  overrides: Partial<AmazonOrderMessage> = {},
): AmazonOrderMessage => ({
  amazonOrderId,
  eventId: 'notification#n-1',
  source: 'notification',
  marketplaceId,
  orderStatus: 'Unshipped',
  seenAt: new Date(clock.now()).toISOString(),
  ...overrides,
});

/** The order SCAYLE makes of an external order create: every unit an item, available, as created. */
export const externalOrderOf = (body: ScayleOrderCreate, id: number): ScayleOrder =>
  ({
    id,
    publicKey: body.publicKey,
    status: 'payment_reserved',
    currencyCode: body.currencyCode,
    createdAt: body.confirmedAt,
    cost: { ...body.cost, appliedFees: [], appliedReductions: [] },
    items: body.items.map((unit, i) => ({
      id: i + 1,
      status: 'available',
      variant: { id: 1, referenceKey: unit.variant.referenceKey },
      price: unit.price,
    })),
  }) as ScayleOrder;

export const DEV_SHOP_COUNTRIES: readonly ShopCountry[] = [
  { shopKey: 'ac', countryCode: 'DE' },
  { shopKey: 'ac', countryCode: 'GB' },
];

/** SCAYLE in memory: orders per shop and country, and the reference keys stored on them. */
export class FakeCommerce implements CommerceGateway {
  readonly calls = { getOrder: 0, setOrderReference: 0 };
  /** Reference keys by SCAYLE order id. */
  readonly references = new Map<string, string>();
  readonly #orders = new Map<string, ScayleOrder>();
  #referenceFailure: Error | undefined;

  /** Puts an order into shop `shopKey`, country `countryCode`. */
  add(order: ScayleOrder, shopKey = 'ac', countryCode = 'DE'): void {
    this.#orders.set(`${shopKey}/${countryCode}/${order.id}`, order);
  }

  /**
   * Withdraws units of an order in SCAYLE, as out of stock or a customer's cancellation would (status `cancelled`);
   * without ids, every unit, and the order's status becomes `cancellation_completed`.
   */
  withdraw(orderId: number | string, itemIds?: readonly number[]): void {
    for (const [key, order] of this.#orders) {
      if (!key.endsWith(`/${orderId}`)) continue;
      const items = order.items.map((item) =>
        !itemIds || itemIds.includes(item.id)
          ? { ...item, status: 'cancelled', cancelledAt: '2025-03-01T11:00:00Z' }
          : item,
      );
      this.#orders.set(key, { ...order, items, ...(itemIds ? {} : { status: 'cancellation_completed' }) });
    }
  }

  /** Makes the next `setOrderReference` fail with `error`. */
  failNextReference(error: Error): void {
    this.#referenceFailure = error;
  }

  async getOrder(shopKey: string, countryCode: string, orderId: string): Promise<ScayleOrder> {
    const order = await this.findOrder(shopKey, countryCode, orderId);
    if (!order) throw new UpstreamRejectedError('SCAYLE getOrder answered 404', 404);
    return order;
  }

  async findOrder(shopKey: string, countryCode: string, orderId: string): Promise<ScayleOrder | undefined> {
    this.calls.getOrder++;
    return this.#orders.get(`${shopKey}/${countryCode}/${orderId}`);
  }

  /** The use cases' order locator over this fake, with the shop countries of the dev stage. */
  locate(shops: readonly ShopCountry[] = DEV_SHOP_COUNTRIES): LocateOrder {
    return makeLocateOrder({ commerce: this, shops });
  }

  async setOrderReference(shopKey: string, countryCode: string, orderId: string, referenceKey: string) {
    this.calls.setOrderReference++;
    const failure = this.#referenceFailure;
    this.#referenceFailure = undefined;
    if (failure) throw failure;
    if (!this.#orders.has(`${shopKey}/${countryCode}/${orderId}`)) {
      throw new UpstreamRejectedError('SCAYLE setOrderReference answered 404', 404);
    }
    this.references.set(orderId, referenceKey);
  }
}

/** The catalogue map in memory; `map` fixes a missing mapping. */
export class FakeCatalogue implements CatalogueLookup {
  readonly #codes: Map<string, string>;

  constructor(codes: Record<string, string> = {}) {
    this.#codes = new Map(Object.entries(codes));
  }

  map(sku: string, stockCode: string): void {
    this.#codes.set(sku, stockCode);
  }

  async stockCodes(skus: readonly string[]): Promise<ReadonlyMap<string, string>> {
    return new Map(
      skus.flatMap((sku) => {
        const code = this.#codes.get(sku);
        return code ? [[sku, code] as const] : [];
      }),
    );
  }
}

/** The exceptions list in memory, counting repeats like `ExceptionsRepository` and owned as the catalogue says. */
export class FakeExceptions implements ExceptionSink {
  readonly #items = new Map<string, ExceptionItem>();

  constructor(private readonly clock: Clock = new FakeClock(MORNING)) {}

  async raise(type: ExceptionType, key: string, details: Record<string, unknown> = {}): Promise<ExceptionItem> {
    const id = exceptionId(type, key);
    const previous = this.#items.get(id);
    const at = new Date(this.clock.now()).toISOString();
    const item: ExceptionItem = {
      id,
      type,
      key,
      owner: EXCEPTION_TYPES[type].owner,
      status: 'open',
      count: (previous?.count ?? 0) + 1,
      firstSeenAt: previous?.firstSeenAt ?? at,
      lastSeenAt: at,
      summary: EXCEPTION_TYPES[type].summary,
      runbook: runbookAnchor(type),
      details,
    };
    this.#items.set(id, item);
    return item;
  }

  /** Resolves the exception of (type, key) if it is open, as the repository's `resolveOpen`. */
  async resolveOpen(type: ExceptionType, key: string): Promise<void> {
    const item = this.#items.get(exceptionId(type, key));
    if (item?.status === 'open') this.#items.set(item.id, { ...item, status: 'resolved' });
  }

  /** Every exception raised, optionally of one type. */
  list(type?: ExceptionType): ExceptionItem[] {
    return [...this.#items.values()].filter((item) => !type || item.type === type);
  }
}
