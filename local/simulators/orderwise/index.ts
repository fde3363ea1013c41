/**
 * A faithful OrderWise OW API for the local hub, written from OrderWise's public traces (../shared/reference/
 * orderwise.md): the token flow, sales order create with `eCommerceOrderNumber` (409 on a duplicate in a session),
 * the look-up export, status, cancel and line amends while the status allows, free stock, per variant and through the
 * free-stock export definitions, despatches through the `DespatchesSince` export definition, and HTTP exports pushed
 * as `ExportData` form posts. What it takes to be true about OrderWise lives in ./facts.ts, the export XML in
 * ./export-templates.ts. It imports nothing of the hub (shared/, lib/), so it can disagree with the hub.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { DEMO_CATALOGUE } from '../catalogue';
import { type SimEnv, Simulator } from '../sim-server';
import { ExportDefinitions, type ExportMisconfiguration } from './export-definitions';
import {
  type DespatchExportDelivery,
  type DespatchExportOrder,
  despatchExportXml,
  stockExportXml,
} from './export-templates';
import {
  CANCELLED_STATUS,
  DEFAULT_ORDERWISE_USER,
  DUPLICATE_ORDER_ERROR,
  EXPORT_DEFINITIONS,
  type ExportPurpose,
  FULLY_DESPATCHED_STATUS,
  NEW_ORDER_STATUS,
  ORDERWISE_STATUSES,
  OW_API_BASE,
  orderNumberOf,
  PARTLY_DESPATCHED_STATUS,
  RATE_LIMITS,
  ROUTES,
} from './facts';
import { fromDecimal, toDecimal } from './money';
import {
  describe,
  isCancellable,
  lineSchema,
  moneySchema,
  retotal,
  type SimSalesOrder,
  salesOrderSchema,
  taxOf,
  toLine,
} from './sales-orders';

export type { ExportMisconfiguration } from './export-definitions';
export type { DespatchExportDelivery, DespatchExportOrder, StockExportRow } from './export-templates';
export type { ExportPurpose, OrderwiseStatus } from './facts';
export { DEFAULT_ORDERWISE_USER, ORDERWISE_STATUSES } from './facts';
export type { SimSalesOrder } from './sales-orders';

/** Options of the OrderWise simulator. */
export interface OrderwiseSimulatorOptions {
  readonly username?: string;
  readonly password?: string;
  readonly sessionId?: number;
  readonly seed?: number;
  /**
   * Whether the status call answers the order's totals (`totalGross`, `totalNet`, `totalTax`). No source shows them
   * there [A]; by default it does not, and the totals come from the `salesOrderTotals` export definition.
   */
  readonly statusTotals?: boolean;
}

/** The variants OrderWise stocks, ordered by `vad_id` (the key `FreeStockPage` pages by). */
const stockedVariants = DEMO_CATALOGUE.flatMap((v) => (v.orderwise ? [v.orderwise] : [])).sort(
  (a, b) => a.variantId - b.variantId,
);

/**
 * The simulated OrderWise, not yet listening: the OW API under `/owapi`, the control surface under `/_sim`, and
 * helpers for tests and the local hub (stock changes, despatches, status moves) that act as OrderWise users would.
 */
export const createOrderwiseSimulator = (options: OrderwiseSimulatorOptions = {}) => {
  const user = {
    username: options.username ?? DEFAULT_ORDERWISE_USER.username,
    password: options.password ?? DEFAULT_ORDERWISE_USER.password,
  };
  const knownCodes = new Set(DEMO_CATALOGUE.flatMap((v) => (v.orderwise ? [v.orderwise.variantCode] : [])));
  let orders = new Map<number, SimSalesOrder>();
  let stock = new Map<string, number>();
  let tokens = new Set<string>();
  let nextOrderId = 1;
  /** When each variant's free stock last changed (ISO-8601): the `last_changed` column of stock rows. */
  let lastChanged = new Map<string, string>();
  let exportsTo: { stockUrl?: string; despatchUrl?: string; username: string; password: string } | undefined;
  const pushed: { kind: 'stock' | 'despatch'; status: number }[] = [];

  const reset = () => {
    orders = new Map();
    tokens = new Set();
    nextOrderId = 1;
    pushed.length = 0;
    stock = new Map(
      DEMO_CATALOGUE.flatMap((v) =>
        v.orderwise ? [[v.orderwise.variantCode, v.initialStock] as [string, number]] : [],
      ),
    );
    const now = new Date().toISOString();
    lastChanged = new Map([...stock.keys()].map((code) => [code, now]));
  };
  reset();

  const sim = new Simulator({
    name: 'orderwise',
    seed: options.seed,
    rateLimits: RATE_LIMITS,
    errors: {
      throttled: (c) => c.json({ error: 'Too many requests' }, 429),
      injected: (c, _op, status) => c.json({ error: 'An error has occurred.' }, status as 500),
    },
    state: () => ({
      orders: [...orders.values()].map(({ body: _body, ...order }) => order),
      stock: Object.fromEntries(stock),
    }),
    reset,
  });

  const authed = (name: string, handler: (c: Context<SimEnv>) => Response | Promise<Response>) =>
    sim.operation(name, (c) => {
      const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
      if (!token || !tokens.has(token))
        return c.json({ error: 'Authorization has been denied for this request.' }, 401);
      return handler(c);
    });
  const findById = (c: Context<SimEnv>) => orders.get(Number(c.req.param('id') ?? ''));
  const statusOf = (order: SimSalesOrder) => ({
    orderId: order.orderId,
    orderNumber: order.orderNumber,
    eCommerceOrderNumber: order.eCommerceOrderNumber,
    orderStatus: order.orderStatus,
    subStatus: order.subStatus,
    ...(options.statusTotals
      ? {
          totalGross: toDecimal(order.totalGrossMinor),
          totalNet: toDecimal(order.totalGrossMinor - order.totalTaxMinor),
          totalTax: toDecimal(order.totalTaxMinor),
        }
      : {}),
    lines: order.lines,
    deliveries: order.deliveries,
  });

  /** An order of a despatch export, carrying the given deliveries of it. */
  const exportOrderOf = (order: SimSalesOrder, deliveries: readonly DespatchExportDelivery[]): DespatchExportOrder => ({
    orderNumber: order.orderNumber,
    eCommerceOrderNumber: order.eCommerceOrderNumber,
    orderStatus: order.orderStatus,
    deliveries,
  });

  const firstDespatchOf = (order: DespatchExportOrder) =>
    Math.min(...order.deliveries.map((d) => Date.parse(d.deliveryDate)));
  /** The deliveries despatched at or after `from` (epoch ms), grouped per order, the oldest despatch first. */
  const despatchedSince = (from: number): DespatchExportOrder[] =>
    [...orders.values()]
      .map((order) =>
        exportOrderOf(
          order,
          order.deliveries.filter((d) => Date.parse(d.deliveryDate) >= from),
        ),
      )
      .filter((order) => order.deliveries.length > 0)
      .sort((a, b) => firstDespatchOf(a) - firstDespatchOf(b));

  const exportDefinitions = new ExportDefinitions({
    orders: () => orders.values(),
    stockRows: () =>
      stockedVariants.map((v) => ({
        variantId: v.variantId,
        variantCode: v.variantCode,
        freeStock: stock.get(v.variantCode) ?? 0,
        lastChanged: lastChanged.get(v.variantCode) ?? new Date(0).toISOString(),
      })),
    despatchedSince,
  });

  sim.app.get(
    `${OW_API_BASE}${ROUTES.getToken}`,
    sim.operation('getToken', (c) => {
      const expected = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
      if (c.req.header('authorization') !== expected) return c.json({ error: 'Invalid username or password' }, 401);
      const token = `ow-${tokens.size + 1}-${Date.now().toString(36)}`;
      tokens.add(token);
      return c.json(token);
    }),
  );

  sim.app.post(
    `${OW_API_BASE}${ROUTES.createSalesOrder}`,
    authed('createSalesOrder', async (c) => {
      const sessionId = Number(c.req.query('session_id'));
      if (!Number.isInteger(sessionId) || sessionId <= 0) return c.json({ error: 'session_id is required' }, 400);
      const parsed = salesOrderSchema.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) {
        return c.json(
          { error: `Invalid order: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` },
          400,
        );
      }
      const body = parsed.data;
      const ref = body.orderHeader.eCommerceOrderNumber;
      if ([...orders.values()].some((o) => o.sessionId === sessionId && o.eCommerceOrderNumber === ref)) {
        return c.json({ error: DUPLICATE_ORDER_ERROR }, 409);
      }
      const unknown = body.orderLines.find((l) => !knownCodes.has(l.variantCode));
      if (unknown) return c.json({ error: `Variant code ${unknown.variantCode} not found` }, 400);
      const lines = body.orderLines.map(toLine);
      const charges = body.deliveryCharges.map((d) => ({
        gross: fromDecimal(d.gross),
        tax: taxOf(fromDecimal(d.gross), d.taxRate, d.taxAmount),
      }));
      const discounts = body.orderDiscounts.map((d) => ({
        gross: fromDecimal(d.gross),
        tax: taxOf(fromDecimal(d.gross), d.taxRate, d.taxAmount),
      }));
      const total = (items: { gross: number; tax: number }[], key: 'gross' | 'tax') =>
        items.reduce((sum, item) => sum + item[key], 0);
      const extrasGrossMinor = total(charges, 'gross') - total(discounts, 'gross');
      const extrasTaxMinor = total(charges, 'tax') - total(discounts, 'tax');
      const orderId = nextOrderId++;
      const order: SimSalesOrder = {
        orderId,
        orderNumber: orderNumberOf(orderId),
        eCommerceOrderNumber: ref,
        sessionId,
        orderStatus: NEW_ORDER_STATUS,
        subStatus: null,
        totalGrossMinor: 0,
        totalTaxMinor: 0,
        lines,
        extrasGrossMinor,
        extrasTaxMinor,
        deliveries: [],
        body,
      };
      retotal(order);
      orders.set(orderId, order);
      return c.json({ orderId, orderNumber: order.orderNumber, eCommerceOrderNumber: ref }, 201);
    }),
  );

  sim.app.post(
    `${OW_API_BASE}${ROUTES.runExport}`,
    authed('runExport', (c) => exportDefinitions.run(c)),
  );

  sim.app.get(
    `${OW_API_BASE}${ROUTES.getOrderStatus}`,
    authed('getOrderStatus', (c) => {
      const order = findById(c);
      return order ? c.json(statusOf(order)) : c.json({ error: 'Sales order not found' }, 404);
    }),
  );

  sim.app.put(
    `${OW_API_BASE}${ROUTES.cancelSalesOrder}`,
    authed('cancelSalesOrder', (c) => {
      const order = findById(c);
      if (!order) return c.json({ error: 'Sales order not found' }, 404);
      if (order.orderStatus === CANCELLED_STATUS) return c.json(statusOf(order));
      if (!isCancellable(order))
        return c.json(
          { error: `Order cannot be cancelled: ${order.orderStatus}${order.subStatus ? ` (${order.subStatus})` : ''}` },
          409,
        );
      order.orderStatus = CANCELLED_STATUS;
      order.subStatus = null;
      return c.json(statusOf(order));
    }),
  );

  // [A] Lines of an open order replaced per stock code (quantity 0 removes the code), refused with 409 once picking
  // has started, as a cancel is (facts.ts ROUTES.amendSalesOrderLines).
  sim.app.put(
    `${OW_API_BASE}${ROUTES.amendSalesOrderLines}`,
    authed('amendSalesOrderLines', async (c) => {
      const order = findById(c);
      if (!order) return c.json({ error: 'Sales order not found' }, 404);
      const parsed = z
        .object({ orderLines: z.array(lineSchema.extend({ quantity: z.number().int().min(0) })).min(1) })
        .safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return c.json({ error: `Invalid lines: ${describe(parsed.error)}` }, 400);
      if (!isCancellable(order))
        return c.json(
          { error: `Order cannot be amended: ${order.orderStatus}${order.subStatus ? ` (${order.subStatus})` : ''}` },
          409,
        );
      const codes = new Set(parsed.data.orderLines.map((l) => l.variantCode));
      const unknown = [...codes].find((code) => !knownCodes.has(code));
      if (unknown) return c.json({ error: `Variant code ${unknown} not found` }, 400);
      order.lines = [
        ...order.lines.filter((l) => !codes.has(l.variantCode)),
        ...parsed.data.orderLines.filter((l) => l.quantity > 0).map(toLine),
      ];
      retotal(order);
      return c.json(statusOf(order));
    }),
  );

  sim.app.get(
    `${OW_API_BASE}${ROUTES.getFreeStock}`,
    authed('getFreeStock', (c) => {
      const variant = DEMO_CATALOGUE.find((v) => v.orderwise?.variantId === Number(c.req.param('variantId')));
      if (!variant?.orderwise) return c.json({ error: 'Variant not found' }, 404);
      return c.json({
        variantID: variant.orderwise.variantId,
        variantCode: variant.orderwise.variantCode,
        freeStockQty: stock.get(variant.orderwise.variantCode) ?? 0,
      });
    }),
  );

  /** Moves an order to another status (and sub-status), as the warehouse would. */
  const setStatus = (
    orderNumber: string,
    orderStatus: SimSalesOrder['orderStatus'],
    subStatus: string | null = null,
  ) => {
    const order = [...orders.values()].find((o) => o.orderNumber === orderNumber);
    if (!order) return undefined;
    order.orderStatus = orderStatus;
    order.subStatus = subStatus;
    return order;
  };
  sim.app.post('/_sim/orders/:orderNumber/status', async (c) => {
    const parsed = z
      .object({ orderStatus: z.enum(ORDERWISE_STATUSES), subStatus: z.string().nullish() })
      .safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: `orderStatus must be one of ${ORDERWISE_STATUSES.join(', ')}` }, 400);
    const order = setStatus(c.req.param('orderNumber') ?? '', parsed.data.orderStatus, parsed.data.subStatus ?? null);
    return order ? c.json(statusOf(order)) : c.json({ error: 'no such order' }, 404);
  });

  /** Changes an order's value in OrderWise, as a user editing a line would (for the money check). */
  const amendTotal = (orderNumber: string, totalGrossMinor: number) => {
    const order = [...orders.values()].find((o) => o.orderNumber === orderNumber);
    if (order) order.totalGrossMinor = totalGrossMinor;
    return order;
  };
  sim.app.post('/_sim/orders/:orderNumber/amend', async (c) => {
    const parsed = z.object({ totalGross: moneySchema }).safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: 'totalGross must be a decimal string' }, 400);
    const order = amendTotal(c.req.param('orderNumber') ?? '', fromDecimal(parsed.data.totalGross));
    return order ? c.json(statusOf(order)) : c.json({ error: 'no such order' }, 404);
  });

  /** Pushes an HTTP export to the hub the way OrderWise does: a form post with the XML in `ExportData`. */
  const push = async (kind: 'stock' | 'despatch', xml: string) => {
    const url = kind === 'stock' ? exportsTo?.stockUrl : exportsTo?.despatchUrl;
    if (!exportsTo || !url) return;
    const authorization = `Basic ${Buffer.from(`${exportsTo.username}:${exportsTo.password}`).toString('base64')}`;
    const status = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
      body: new URLSearchParams({ ExportData: xml }).toString(),
    })
      .then((r) => r.status)
      .catch(() => 0);
    pushed.push({ kind, status });
  };

  const stockRow = (variantCode: string, changedAt: string) => {
    const variant = DEMO_CATALOGUE.find((v) => v.orderwise?.variantCode === variantCode);
    return {
      variantId: variant?.orderwise?.variantId ?? 0,
      variantCode,
      freeStock: stock.get(variantCode) ?? 0,
      priceIncVat: toDecimal(variant?.priceMinor ?? 0),
      discontinued: false,
      changedAt,
    };
  };

  /**
   * Changes free stock (absolute `quantity` or a `delta`) at `changedAt` (ISO-8601, default now), which becomes the
   * variant's `last_changed`, and pushes a stock export with one row per variant changed.
   */
  const changeStock = async (
    changes: readonly { variantCode: string; quantity?: number; delta?: number; changedAt?: string }[],
    pushExport = true,
  ) => {
    const now = new Date().toISOString();
    for (const change of changes) {
      const before = stock.get(change.variantCode) ?? 0;
      stock.set(change.variantCode, Math.max(0, change.quantity ?? before + (change.delta ?? 0)));
      lastChanged.set(change.variantCode, change.changedAt ?? now);
    }
    const rowOf = (code: string) => stockRow(code, lastChanged.get(code) ?? now);
    if (pushExport) await push('stock', stockExportXml([...new Set(changes.map((c) => c.variantCode))].map(rowOf)));
    return changes.map((c) => rowOf(c.variantCode));
  };

  /**
   * Despatches (part of) an order: each delivery is a package with a courier and consignment numbers and the
   * lines it carries, despatched at its `deliveryDate` (ISO-8601 with a zone, default now); the order becomes
   * Partially despatched or Completed, and a despatch export is pushed.
   */
  const despatch = async (
    orderNumber: string,
    deliveries: readonly (Omit<DespatchExportDelivery, 'deliveryNumber' | 'deliveryDate'> & {
      deliveryDate?: string;
    })[],
    pushExport = true,
  ) => {
    const order = [...orders.values()].find((o) => o.orderNumber === orderNumber);
    if (!order) return undefined;
    const now = new Date().toISOString();
    const added = deliveries.map((delivery, i) => {
      for (const line of delivery.lines) {
        const orderLine = order.lines.find((l) => l.variantCode === line.variantCode);
        if (orderLine)
          orderLine.quantityDespatched = Math.min(orderLine.quantity, orderLine.quantityDespatched + line.quantity);
      }
      return {
        ...delivery,
        deliveryNumber: `${order.orderNumber}-D${order.deliveries.length + i + 1}`,
        deliveryDate: delivery.deliveryDate ?? now,
      };
    });
    order.deliveries.push(...added);
    order.orderStatus = order.lines.every((l) => l.quantityDespatched >= l.quantity)
      ? FULLY_DESPATCHED_STATUS
      : PARTLY_DESPATCHED_STATUS;
    order.subStatus = null;
    if (pushExport) await push('despatch', despatchExportXml([exportOrderOf(order, added)]));
    return order;
  };

  sim.app.post('/_sim/exports', async (c) => {
    const parsed = z
      .object({
        stockUrl: z.url().optional(),
        despatchUrl: z.url().optional(),
        username: z.string(),
        password: z.string(),
      })
      .safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success)
      return c.json({ error: 'username and password are required; stockUrl and despatchUrl are URLs' }, 400);
    exportsTo = parsed.data;
    return c.json({ stockUrl: exportsTo.stockUrl ?? null, despatchUrl: exportsTo.despatchUrl ?? null });
  });
  sim.app.post('/_sim/tenant', async (c) => {
    const parsed = z
      .object({
        missing: z.array(z.enum(Object.keys(EXPORT_DEFINITIONS) as [ExportPurpose, ...ExportPurpose[]])).optional(),
        renameColumns: z.record(z.string(), z.string()).optional(),
      })
      .safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: `Invalid tenant settings: ${describe(parsed.error)}` }, 400);
    exportDefinitions.misconfigure(parsed.data);
    return c.json(parsed.data);
  });
  sim.app.post('/_sim/stock', async (c) => {
    const parsed = z
      .object({
        changes: z
          .array(
            z.object({
              variantCode: z.string(),
              quantity: z.number().int().min(0).optional(),
              delta: z.number().int().optional(),
              changedAt: z.iso.datetime({ offset: true }).optional(),
            }),
          )
          .min(1),
        push: z.boolean().default(true),
      })
      .safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success)
      return c.json({ error: 'changes: [{variantCode, quantity | delta, changedAt?}] is required' }, 400);
    const unknown = parsed.data.changes.find((change) => !knownCodes.has(change.variantCode));
    if (unknown) return c.json({ error: `Variant code ${unknown.variantCode} not found` }, 400);
    return c.json({ rows: await changeStock(parsed.data.changes, parsed.data.push) });
  });
  sim.app.post('/_sim/despatch', async (c) => {
    const parsed = z
      .object({
        orderNumber: z.string(),
        deliveries: z
          .array(
            z.object({
              courierName: z.string().min(1),
              consignmentNumbers: z.array(z.string().min(1)).min(1),
              lines: z.array(z.object({ variantCode: z.string(), quantity: z.number().int().positive() })).min(1),
              deliveryDate: z.iso.datetime({ offset: true }).optional(),
            }),
          )
          .min(1),
        push: z.boolean().default(true),
      })
      .safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success)
      return c.json(
        {
          error:
            'orderNumber and deliveries: [{courierName, consignmentNumbers, lines, deliveryDate?}] are required; deliveryDate is ISO-8601 with a time zone',
        },
        400,
      );
    const order = await despatch(parsed.data.orderNumber, parsed.data.deliveries, parsed.data.push);
    return order ? c.json(statusOf(order)) : c.json({ error: 'no such order' }, 404);
  });

  return {
    sim,
    user,
    /** The export definitions' ids by purpose, as the tenant's administrator hands them to the hub. */
    exportDefinitionIds: exportDefinitions.definitionIds,
    /** Mis-sets the tenant's export definitions (`POST /_sim/tenant`); `{}` sets them right. */
    misconfigure: (misconfiguration: ExportMisconfiguration) => exportDefinitions.misconfigure(misconfiguration),
    amendTotal,
    changeStock,
    despatch,
    /** Where exports are pushed to; the hub sets this once it has the routes. */
    setExportTargets: (targets: typeof exportsTo) => {
      exportsTo = targets;
    },
    pushed: () => [...pushed],
    freeStock: (variantCode: string) => stock.get(variantCode) ?? 0,
    sessionId: options.sessionId ?? 1,
    setStatus,
    /** The sales orders as the simulator holds them. */
    orders: () => [...orders.values()],
    ordersByReference: (ref: string) => [...orders.values()].filter((o) => o.eCommerceOrderNumber === ref),
  };
};

/** Starts the OrderWise simulator on a free loopback port. */
export const startOrderwiseSimulator = async (options: OrderwiseSimulatorOptions = {}) => {
  const simulator = createOrderwiseSimulator(options);
  const server = await simulator.sim.start();
  return { ...simulator, ...server, apiUrl: `${server.url}${OW_API_BASE}` };
};
