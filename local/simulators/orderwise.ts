import type { Context } from 'hono';
import { z } from 'zod';
import { ORDERWISE_ASSUMPTIONS } from '../../shared/adapters/orderwise/client';
import {
  buildDespatchExport,
  buildStockExport,
  type DespatchExportDelivery,
  type DespatchExportOrder,
} from '../../shared/adapters/orderwise/export-format';
import { fromDecimal, toDecimal } from '../../shared/domain/money';
import { DEMO_CATALOGUE } from './catalogue';
import { type SimEnv, Simulator } from './sim-server';

/** Options of the OrderWise simulator. */
export interface OrderwiseSimulatorOptions {
  readonly username?: string;
  readonly password?: string;
  readonly sessionId?: number;
  readonly seed?: number;
}

/** The OW API user the simulator accepts unless told otherwise. */
export const DEFAULT_ORDERWISE_USER = { username: 'hub', password: 'local-orderwise-password' };

/** Statuses of a sales order in the simulator. [A] only the middle four are observed in real exports. */
export const ORDERWISE_STATUSES = [
  'Awaiting authorisation',
  'Awaiting despatch',
  'Partially despatched',
  'Completed',
  'On hold',
  'Cancelled',
] as const;

const money = z.string().regex(/^-?\d+(\.\d{1,2})?$/, 'must be a decimal with at most two decimals');
const lineSchema = z.object({
  variantCode: z.string().min(1),
  quantity: z.number().int().positive(),
  calculateLineSystemPrice: z.boolean(),
  unitPriceGross: money.optional(),
  discountGross: money.optional(),
  taxRate: z.number().min(0).max(100).optional(),
  taxAmount: money.optional(),
});
const salesOrderSchema = z.object({
  customer: z.object({ accountNumber: z.string().min(1) }),
  orderHeader: z.object({
    orderDate: z.string().min(1),
    eCommerceOrderNumber: z.string().min(1),
    systemOrderType: z.number().int(),
    currencyCode: z.string().length(3).optional(),
  }),
  customerDeliveryAddress: z
    .object({
      deliveryName: z.string(),
      address1: z.string(),
      town: z.string(),
      postcode: z.string(),
      countryCode: z.string(),
    })
    .loose(),
  orderLines: z.array(lineSchema).min(1),
  deliveryCharges: z
    .array(z.object({ code: z.string(), gross: money, taxRate: z.number(), taxAmount: money.optional() }))
    .default([]),
  orderDiscounts: z
    .array(z.object({ code: z.string(), gross: money, taxRate: z.number(), taxAmount: money.optional() }))
    .default([]),
});

interface SimSalesOrder {
  orderId: number;
  orderNumber: string;
  eCommerceOrderNumber: string;
  sessionId: number;
  orderStatus: (typeof ORDERWISE_STATUSES)[number];
  subStatus: string | null;
  totalGrossMinor: number;
  totalTaxMinor: number;
  lines: {
    variantCode: string;
    quantity: number;
    quantityDespatched: number;
    lineGrossMinor: number;
    lineTaxMinor: number;
  }[];
  /** Delivery charges less order discounts: the part of the totals that is not lines. */
  extrasGrossMinor: number;
  extrasTaxMinor: number;
  deliveries: DespatchExportDelivery[];
  body: unknown;
}

/** The issues of a failed parse in one line, naming the parameters. */
const describe = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');

/** Parameters of the `FreeStockChangedSince` and `DespatchesSince` export definitions. */
const sinceParamsSchema = z.object({
  '@since': z.iso.datetime({ offset: true, error: 'must be ISO-8601 with a time zone, e.g. 2026-11-23T10:00:00Z' }),
});

/** Parameters of the `FreeStockPage` export definition: keyset paging by `vad_id`. */
const freeStockPageParamsSchema = z.object({
  '@afterId': z.number().int().min(0).default(0),
  '@limit': z.number().int().min(1).max(5000).default(1000),
});

/** The variants OrderWise stocks, ordered by `vad_id` (the key `FreeStockPage` pages by). */
const stockedVariants = DEMO_CATALOGUE.flatMap((v) => (v.orderwise ? [v.orderwise] : [])).sort(
  (a, b) => a.variantId - b.variantId,
);

/** VAT of a line: the amount sent, else OrderWise's own per-line calculation, rounded to the minor unit. */
const taxOf = (grossMinor: number, rate: number, sent?: string) =>
  sent === undefined ? grossMinor - Math.round((grossMinor * 100) / (100 + rate)) : fromDecimal(sent);

/** A sales order line as OrderWise stores it, priced from what was sent. */
const toLine = (l: z.output<typeof lineSchema>): SimSalesOrder['lines'][number] => {
  const gross = fromDecimal(l.unitPriceGross ?? '0') * l.quantity - fromDecimal(l.discountGross ?? '0');
  return {
    variantCode: l.variantCode,
    quantity: l.quantity,
    quantityDespatched: 0,
    lineGrossMinor: gross,
    lineTaxMinor: taxOf(gross, l.taxRate ?? 0, l.taxAmount),
  };
};

/** Whether an order can still change without a return: its status allows and picking has not started. */
const isCancellable = (order: SimSalesOrder) =>
  (ORDERWISE_ASSUMPTIONS.cancellableStatuses as readonly string[]).includes(order.orderStatus) &&
  order.subStatus !== ORDERWISE_ASSUMPTIONS.pickingSubStatus;

/** OrderWise computes an order's totals from its lines and charges, as the real one does. */
const retotal = (order: SimSalesOrder) => {
  order.totalGrossMinor = order.lines.reduce((sum, l) => sum + l.lineGrossMinor, order.extrasGrossMinor);
  order.totalTaxMinor = order.lines.reduce((sum, l) => sum + l.lineTaxMinor, order.extrasTaxMinor);
};

/**
 * A faithful OrderWise OW API for the local hub (../shared/reference/orderwise.md): the token flow, sales
 * order create with `eCommerceOrderNumber` (409 on a duplicate in a session), the look-up export, status,
 * cancel while the status allows, free stock, per variant and through the free-stock export definitions, and
 * despatches through the `DespatchesSince` export definition.
 * OrderWise computes its own totals from the lines, as the real one does, so a pricing disagreement shows up in
 * the money check.
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
    // [A] OrderWise publishes no limits; these keep a runaway client visible without shaping normal traffic.
    rateLimits: Object.fromEntries(
      ['getToken', 'createSalesOrder', 'runExport', 'getOrderStatus', 'cancelSalesOrder', 'getFreeStock'].map((op) => [
        op,
        { rate: 100, burst: 200 },
      ]),
    ),
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
    totalGross: toDecimal(order.totalGrossMinor),
    totalNet: toDecimal(order.totalGrossMinor - order.totalTaxMinor),
    totalTax: toDecimal(order.totalTaxMinor),
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

  /** A row of the free-stock export definitions: the columns of the pushed stock export the hub needs. */
  const freeStockRow = (variant: { variantCode: string; variantId: number }) => ({
    vad_id: variant.variantId,
    vad_variant_code: variant.variantCode,
    vasq_free_stock_quantity: stock.get(variant.variantCode) ?? 0,
    last_changed: lastChanged.get(variant.variantCode) ?? '',
  });

  sim.app.get(
    '/owapi/token/gettoken',
    sim.operation('getToken', (c) => {
      const expected = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
      if (c.req.header('authorization') !== expected) return c.json({ error: 'Invalid username or password' }, 401);
      const token = `ow-${tokens.size + 1}-${Date.now().toString(36)}`;
      tokens.add(token);
      return c.json(token);
    }),
  );

  sim.app.post(
    '/owapi/sales/order',
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
        return c.json({ error: 'Duplicate eCommerceOrderNumber' }, 409);
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
        orderNumber: `SO${String(orderId).padStart(6, '0')}`,
        eCommerceOrderNumber: ref,
        sessionId,
        orderStatus: 'Awaiting despatch',
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
    `/owapi/system/export-definition/:id`,
    authed('runExport', async (c) => {
      const id = c.req.param('id');
      if (id === ORDERWISE_ASSUMPTIONS.stockChangedExport) {
        const params = sinceParamsSchema.safeParse(await c.req.json().catch(() => undefined));
        if (!params.success) return c.json({ error: `Invalid parameters: ${describe(params.error)}` }, 400);
        const from = Date.parse(params.data['@since']);
        return c.json(
          stockedVariants
            .filter((v) => Date.parse(lastChanged.get(v.variantCode) ?? '') > from)
            .map(freeStockRow)
            .sort((a, b) => Date.parse(a.last_changed) - Date.parse(b.last_changed) || a.vad_id - b.vad_id),
        );
      }
      if (id === ORDERWISE_ASSUMPTIONS.despatchesSinceExport) {
        const params = sinceParamsSchema.safeParse(await c.req.json().catch(() => undefined));
        if (!params.success) return c.json({ error: `Invalid parameters: ${describe(params.error)}` }, 400);
        // [A] This definition answers the despatch export XML, not JSON rows (see ORDERWISE_ASSUMPTIONS).
        return c.body(buildDespatchExport(despatchedSince(Date.parse(params.data['@since']))), 200, {
          'content-type': 'application/xml; charset=utf-8',
        });
      }
      if (id === ORDERWISE_ASSUMPTIONS.freeStockPageExport) {
        const params = freeStockPageParamsSchema.safeParse((await c.req.json().catch(() => undefined)) ?? {});
        if (!params.success) return c.json({ error: `Invalid parameters: ${describe(params.error)}` }, 400);
        return c.json(
          stockedVariants
            .filter((v) => v.variantId > params.data['@afterId'])
            .slice(0, params.data['@limit'])
            .map(freeStockRow),
        );
      }
      if (id !== ORDERWISE_ASSUMPTIONS.salesOrderByRefExport)
        return c.json({ error: 'Export definition not found' }, 404);
      const params = z.object({ '@ref': z.string().min(1) }).safeParse(await c.req.json().catch(() => undefined));
      if (!params.success) return c.json({ error: 'Parameter @ref is required' }, 400);
      const rows = [...orders.values()]
        .filter((o) => o.eCommerceOrderNumber === params.data['@ref'])
        .map((o) => ({
          orderId: o.orderId,
          orderNumber: o.orderNumber,
          eCommerceOrderNumber: o.eCommerceOrderNumber,
          orderStatus: o.orderStatus,
        }));
      return c.json(rows);
    }),
  );

  sim.app.get(
    '/owapi/sales/order/:id/status',
    authed('getOrderStatus', (c) => {
      const order = findById(c);
      return order ? c.json(statusOf(order)) : c.json({ error: 'Sales order not found' }, 404);
    }),
  );

  sim.app.put(
    '/owapi/sales/order/:id/cancel',
    authed('cancelSalesOrder', (c) => {
      const order = findById(c);
      if (!order) return c.json({ error: 'Sales order not found' }, 404);
      if (order.orderStatus === 'Cancelled') return c.json(statusOf(order));
      if (!isCancellable(order))
        return c.json(
          { error: `Order cannot be cancelled: ${order.orderStatus}${order.subStatus ? ` (${order.subStatus})` : ''}` },
          409,
        );
      order.orderStatus = 'Cancelled';
      order.subStatus = null;
      return c.json(statusOf(order));
    }),
  );

  // [A] Lines of an open order replaced per stock code (quantity 0 removes the code), refused with 409 once picking
  // has started, as a cancel is (ORDERWISE_ASSUMPTIONS.amendLinesPath).
  sim.app.put(
    '/owapi/sales/order/:id/lines',
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
    '/owapi/stock/:variantId/free-stock',
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
    const parsed = z.object({ totalGross: money }).safeParse(await c.req.json().catch(() => undefined));
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
    if (pushExport) await push('stock', buildStockExport([...new Set(changes.map((c) => c.variantCode))].map(rowOf)));
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
      ? 'Completed'
      : 'Partially despatched';
    order.subStatus = null;
    if (pushExport) await push('despatch', buildDespatchExport([exportOrderOf(order, added)]));
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
  return { ...simulator, ...server, apiUrl: `${server.url}/owapi` };
};
