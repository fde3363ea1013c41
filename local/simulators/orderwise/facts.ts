/**
 * What the OrderWise simulator takes to be true about OrderWise, in one place so that each fact is easy to correct.
 * Tags as in ../shared/reference/orderwise.md: [V] vendor-verified, [O] observed in real third-party client code or
 * data, [A] assumption. OrderWise publishes no API reference (§2.1), so nothing here is [V]. Sources: the reference
 * (§ numbers) and the third-party clients it names: thelar/fbf-orderwise `admin/class-fbf-order-wise-api.php`
 * ("fbf-orderwise"), thelar/fbf-importer `includes/class-fbf-importer-owapi*.php` ("fbf-importer"),
 * mcpuishor/orderwise-api `src/Extract.php` ("Extract.php"), and a public TypeScript `OrderwiseAdapter` ("adapter").
 *
 * Export definitions and HTTP export templates are configured by each OrderWise tenant, not fixed by OrderWise: the
 * names below (and the element names in ./export-templates.ts) stand for a tenant configured the way the hub expects.
 * They are the simulator's own statement, written from the reference, not taken from the hub, so they can disagree.
 */
import type { RatePlan } from '../sim-server';

/** Path of the OW API below the instance's host (`https://{instance}.orderwisecloud.com/owapi`) [O §2.1]. */
export const OW_API_BASE = '/owapi';

/** The OW API user the simulator accepts unless told otherwise [A: a local demo user]. */
export const DEFAULT_ORDERWISE_USER = { username: 'hub', password: 'local-orderwise-password' };

/**
 * Statuses of a sales order. `Awaiting despatch`, `On hold`, `Partially despatched`, `Completed` are seen in a real
 * despatch export [O fbf-orderwise, §2.4]; `Awaiting authorisation` and `Cancelled` are [A §2.5].
 */
export const ORDERWISE_STATUSES = [
  'Awaiting authorisation',
  'Awaiting despatch',
  'Partially despatched',
  'Completed',
  'On hold',
  'Cancelled',
] as const;

/** A sales order status. */
export type OrderwiseStatus = (typeof ORDERWISE_STATUSES)[number];

/** The status of a sales order just created through the OW API [A]. */
export const NEW_ORDER_STATUS: OrderwiseStatus = 'Awaiting despatch';

/** Statuses after a despatch: some lines still open, or all lines despatched [O names §2.4, A transitions]. */
export const PARTLY_DESPATCHED_STATUS: OrderwiseStatus = 'Partially despatched';
export const FULLY_DESPATCHED_STATUS: OrderwiseStatus = 'Completed';

/** The status of a cancelled order [A §2.5]. */
export const CANCELLED_STATUS: OrderwiseStatus = 'Cancelled';

/** Statuses in which an order can be cancelled, or its lines amended, without a return [A §2.5]. */
export const CANCELLABLE_STATUSES: readonly OrderwiseStatus[] = [
  'Awaiting authorisation',
  'Awaiting despatch',
  'On hold',
];

/**
 * A `subStatus` meaning picking has started while the status still reads `Awaiting despatch`: cancel and amend are
 * refused from then on. `orderStatus` + `subStatus` exist in the OW API status call [O adapter]; this value is
 * [A: "Picking in progress" was not found anywhere, §2.4].
 */
export const PICKING_SUB_STATUS = 'Picking in progress';

/** The order number OrderWise gives the n-th sales order (`SO000001`) [A: order numbers are strings, §2.3]. */
export const orderNumberOf = (orderId: number) => `SO${String(orderId).padStart(6, '0')}`;

/**
 * The tenant's export definitions, run with `POST /owapi/system/export-definition/{id}`, each addressed by the id the
 * tenant's OrderWise gave it, with the SQL parameters as a JSON array of `{name, value}` [O mechanism, array form and
 * configured ids: "OTT PO Fetch" and a Laravel `OrderWiseClient`, §2.3; A each definition and its id below].
 */
export const EXPORT_DEFINITIONS = {
  /**
   * Sales orders by `eCommerceOrderNumber` (`@ref`), answering JSON rows `{orderId, orderNumber,
   * eCommerceOrderNumber, orderStatus}` [A §2.5].
   */
  salesOrderByRef: 101,
  /**
   * Free stock of every variant whose stock changed after `@since`, answering JSON rows {@link FREE_STOCK_COLUMNS},
   * oldest change first [A; §2.5 proposes movements, this tenant exports absolutes].
   */
  freeStockChangedSince: 102,
  /** Free stock of all variants paged by `vad_id` (`@afterId` default 0, `@limit` 1-5000 default 1000) [A]. */
  freeStockPage: 103,
  /**
   * Every delivery despatched at or after `@since`, grouped per order, answering the XML of the pushed despatch export
   * (same template, ./export-templates.ts) rather than JSON rows [A].
   */
  despatchesSince: 104,
  /** Totals of one sales order (`@orderId`): one row `{orderId, orderNumber, totalGross, totalTax}` [A]. */
  salesOrderTotals: 105,
} as const;

/** What an export definition is for. */
export type ExportPurpose = keyof typeof EXPORT_DEFINITIONS;

/**
 * OrderWise's SQL Server clock: `datetime` values carry no zone, so date parameters are read, and row times written,
 * as local times of this zone. [A: a UK ERP; the public client sends `@since` as `YYYY-MM-DD`, §2.3]
 */
export const SERVER_TIME_ZONE = 'Europe/London';

/**
 * Columns of the free-stock export definitions' rows: the OrderWise database names seen in a real stock export
 * [O Extract.php, §2.3/§2.4: vad_id, vad_variant_code, vasq_free_stock_quantity] plus when the stock last changed
 * [A last_changed].
 */
export const FREE_STOCK_COLUMNS = ['vad_id', 'vad_variant_code', 'vasq_free_stock_quantity', 'last_changed'] as const;

/** OW API routes the simulator serves, relative to {@link OW_API_BASE}; `:id` is the `orderId`. */
export const ROUTES = {
  /** [O §2.2] Basic credentials in, a JSON string (the token) out. */
  getToken: '/token/gettoken',
  /** [O §2.3] `?session_id=N`; answers 201 `{orderId, orderNumber, eCommerceOrderNumber}`. */
  createSalesOrder: '/sales/order',
  /** [O §2.3] */
  runExport: '/system/export-definition/:id',
  /** [O §2.3] `{orderNumber, eCommerceOrderNumber, orderStatus, subStatus, …}`. */
  getOrderStatus: '/sales/order/:id/status',
  /** `PUT`: cancels while the status allows (200), 409 once picking or despatch started [A §2.5: no client cancels]. */
  cancelSalesOrder: '/sales/order/:id/cancel',
  /**
   * `PUT {orderLines}` as in the create: replaces the lines of the stock codes sent (quantity 0 removes the code),
   * refused with 409 once picking has started, as a cancel is [A: not observed in any client].
   */
  amendSalesOrderLines: '/sales/order/:id/lines',
  /** [O fbf-importer, §2.3] `{freeStockQty, …}`. */
  getFreeStock: '/stock/:variantId/free-stock',
} as const;

/** A second order with the same `eCommerceOrderNumber` in one e-commerce session: 409 with this error [A §2.5]. */
export const DUPLICATE_ORDER_ERROR = 'Duplicate eCommerceOrderNumber';

/**
 * Usage plans per operation. [A] OrderWise publishes no limits; these keep a runaway client visible without shaping
 * normal traffic. Throttled calls answer 429 `{error}` [A]; HTTP codes seen are 200, 201, 204, 400, 401, 403, 500 [O].
 */
export const RATE_LIMITS: Readonly<Record<string, RatePlan>> = Object.fromEntries(
  ['getToken', 'createSalesOrder', 'runExport', 'getOrderStatus', 'cancelSalesOrder', 'getFreeStock'].map((op) => [
    op,
    { rate: 100, burst: 200 },
  ]),
);
