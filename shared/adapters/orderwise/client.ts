import { z } from 'zod';
import { fromDecimal, toDecimal } from '../../domain/money';
import type { SalesOrder, SalesOrderLine } from '../../domain/sales-order';
import { type AuthProvider, HttpClient, type RetryPolicy } from '../../http/client';
import type { DeliveryAddress, ErpGateway, ErpOrderRef, ErpOrderState } from '../../ports';
import type { Clock } from '../../runtime/clock';
import { UpstreamRejectedError, ValidationError } from '../../runtime/errors';
import { parseWith } from '../../runtime/validation';
import { type DespatchExportOrder, parseDespatchExport } from './export-format';

/**
 * Everything about OrderWise's OW API that no public source confirms ([A] in ../shared/reference/orderwise.md),
 * in one place so it is easy to correct against a customer's instance.
 */
export const ORDERWISE_ASSUMPTIONS = {
  /** Export definition that returns the sales orders with a given `eCommerceOrderNumber` (parameter `@ref`). */
  salesOrderByRefExport: 'SalesOrderByEcomRef',
  /**
   * Export definition returning the free stock of every variant whose stock changed since `@since`: the pull safety
   * net behind pushed exports. Rows have the columns of the pushed stock export (`vad_id`, `vad_variant_code`,
   * `vasq_free_stock_quantity`, `last_changed`). Absolute quantities, not movements: replaying a row is harmless,
   * where replaying a movement would count it twice.
   */
  stockChangedExport: 'FreeStockChangedSince',
  /**
   * Export definition paging through the free stock of all variants by `vad_id` (`@afterId`, `@limit`), same
   * columns, ordered by `vad_id`: the full reconcile reads it instead of one `GET /stock/{id}/free-stock` per variant.
   */
  freeStockPageExport: 'FreeStockPage',
  /**
   * Export definition returning every delivery (package) despatched at or after `@since`, grouped per order: the
   * pull safety net behind pushed despatch exports. It answers the XML of the pushed despatch export (same template,
   * so push and pull share one parser) rather than JSON rows.
   */
  despatchesSinceExport: 'DespatchesSince',
  /** The cancel call. */
  cancelPath: (orderId: number) => `sales/order/${orderId}/cancel`,
  /**
   * The call that replaces the lines of some stock codes on an open sales order (body `{orderLines}` as in the
   * create, quantity 0 removes the code), answering 409 once picking has started: how units SCAYLE withdrew after
   * confirmation come off the order.
   */
  amendLinesPath: (orderId: number) => `sales/order/${orderId}/lines`,
  /** Tax rates go as percents (`19` for 19 %), as OrderWise's tax rate value list reads them. */
  taxRateAsPercent: true,
  /**
   * A parcel-shop delivery: the collection point's name and id go as the first address line (the carrier label
   * reads it), the customer's carrier number in the order's special instructions.
   */
  collectionPointLine: (point: { key: string; type?: string; description?: string }) =>
    [point.description, `(${[point.type, point.key].filter(Boolean).join(' ')})`].filter(Boolean).join(' '),
  /** Statuses in which an order can be cancelled without a return. */
  cancellableStatuses: ['Awaiting authorisation', 'Awaiting despatch', 'On hold'],
  /** A sub-status that means picking has started, even though the status still reads "Awaiting despatch". */
  pickingSubStatus: 'Picking in progress',
  cancelledStatus: 'Cancelled',
  /** OrderWise's `systemOrderType` for a normal order. [O] */
  systemOrderTypeOrder: 1,
} as const;

/** A VAT rate (a fraction inside the hub) in the form OrderWise takes. */
const taxRate = (fraction: number): number =>
  ORDERWISE_ASSUMPTIONS.taxRateAsPercent ? Math.round(fraction * 1_000_000) / 10_000 : fraction;

/** One sales order line as OrderWise takes it. [A] Prices are sent, not looked up (SCAYLE owns prices). */
const orderLine = (line: SalesOrderLine) => ({
  variantCode: line.variantCode,
  quantity: line.quantity,
  calculateLineSystemPrice: false,
  unitPriceGross: toDecimal(line.unitGrossMinor),
  discountGross: toDecimal(line.discountMinor),
  taxRate: taxRate(line.taxRate),
  // SCAYLE taxes and rounds each unit; sending the amount keeps OrderWise from re-rounding per line.
  taxAmount: toDecimal(line.lineTaxMinor),
});

/** Credentials of the OW API user (secret `orderwise-api`). */
export const orderwiseCredentialsSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

const orderRefSchema = z.looseObject({
  orderId: z.number().int(),
  orderNumber: z.union([z.string(), z.number()]).transform(String),
});

const orderStatusSchema = orderRefSchema.extend({
  eCommerceOrderNumber: z.union([z.string(), z.number()]).transform(String),
  orderStatus: z.string(),
  subStatus: z.string().nullish(),
  totalGross: z.string(),
  totalTax: z.string(),
});

const stockRowSchema = z.looseObject({
  vad_id: z.number().int(),
  vad_variant_code: z.union([z.string(), z.number()]).transform(String),
  vasq_free_stock_quantity: z.number().int(),
  last_changed: z.iso.datetime({ offset: true }),
});

/** OrderWise's free stock of one variant and when it last changed, as the stock export definitions return it. */
export interface FreeStockRow {
  readonly variantId: number;
  readonly variantCode: string;
  readonly freeStock: number;
  readonly changedAt: string;
}

/** Settings of the OrderWise client. */
export interface OrderwiseClientOptions {
  /** `https://{instance}.orderwisecloud.com/owapi` */
  readonly baseUrl: string;
  readonly sessionId: number;
  readonly customerAccount: string;
  readonly credentials: () => Promise<z.output<typeof orderwiseCredentialsSchema>>;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly clock?: Clock;
}

/** OW API token flow [O]: `GET /token/gettoken` with Basic credentials answers a quoted token; re-minted on 401. */
class OrderwiseAuth implements AuthProvider {
  #token: Promise<string> | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly credentials: OrderwiseClientOptions['credentials'],
  ) {}

  async headers(): Promise<Record<string, string>> {
    this.#token ??= this.#mint().catch((error) => {
      this.#token = undefined;
      throw error;
    });
    return { authorization: `Bearer ${await this.#token}` };
  }

  invalidate(): void {
    this.#token = undefined;
  }

  async #mint(): Promise<string> {
    const { username, password } = await this.credentials();
    const response = await this.http.send<unknown>({
      operation: 'getToken',
      method: 'GET',
      path: 'token/gettoken',
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
    });
    const token = typeof response.body === 'string' ? response.body.replace(/^"|"$/g, '') : undefined;
    if (!token)
      throw new UpstreamRejectedError('OrderWise getToken answered without a token', response.status, response.body);
    return token;
  }
}

/**
 * The OrderWise OW API client behind the `ErpGateway` port: token flow, sales order create with
 * `eCommerceOrderNumber`, the look-up by that reference, status and cancel. Money leaves the hub here as
 * two-decimal strings.
 */
export class OrderwiseClient implements ErpGateway {
  readonly #http: HttpClient;

  constructor(private readonly options: OrderwiseClientOptions) {
    const base = {
      peer: 'OrderWise',
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs ?? 8_000,
      retry: options.retry,
      clock: options.clock,
    };
    const auth = new OrderwiseAuth(new HttpClient(base), options.credentials);
    this.#http = new HttpClient({ ...base, auth });
  }

  async findSalesOrder(externalReference: string): Promise<ErpOrderRef | undefined> {
    const body = await this.#runExport(ORDERWISE_ASSUMPTIONS.salesOrderByRefExport, { '@ref': externalReference });
    const rows = parseWith(z.array(orderRefSchema), body, 'OrderWise export rows');
    const [first] = rows;
    return first ? { orderId: first.orderId, orderNumber: first.orderNumber } : undefined;
  }

  async createSalesOrder(order: SalesOrder, delivery: DeliveryAddress): Promise<ErpOrderRef> {
    const point = delivery.collectionPoint;
    const lines = point ? [ORDERWISE_ASSUMPTIONS.collectionPointLine(point), ...delivery.lines] : delivery.lines;
    const response = await this.#http.send<unknown>({
      operation: 'createSalesOrder',
      method: 'POST',
      path: 'sales/order',
      query: { session_id: this.options.sessionId },
      json: {
        customer: { accountNumber: this.options.customerAccount },
        orderHeader: {
          orderDate: order.orderDate,
          eCommerceOrderNumber: order.externalReference,
          systemOrderType: ORDERWISE_ASSUMPTIONS.systemOrderTypeOrder,
          currencyCode: order.currency,
          ...(point?.customerKey
            ? { specialInstructions: `Collection point ${point.key}, customer number ${point.customerKey}` }
            : {}),
        },
        customerDeliveryAddress: {
          deliveryName: delivery.company ? `${delivery.name}, ${delivery.company}` : delivery.name,
          address1: lines[0] ?? '',
          address2: lines[1] ?? '',
          address3: lines[2] ?? '',
          town: delivery.town,
          postcode: delivery.postcode,
          countryCode: delivery.countryCode,
          email: delivery.email ?? '',
          telephone: delivery.telephone ?? '',
        },
        orderLines: order.lines.map(orderLine),
        deliveryCharges: order.shipping.map((fee) => ({
          code: fee.key,
          gross: toDecimal(fee.grossMinor),
          taxRate: taxRate(fee.taxRate),
          taxAmount: toDecimal(fee.taxMinor),
        })),
        orderDiscounts: order.vouchers.map((voucher) => ({
          code: voucher.key,
          gross: toDecimal(voucher.grossMinor),
          taxRate: taxRate(voucher.taxRate),
          taxAmount: toDecimal(voucher.taxMinor),
        })),
      },
    });
    return parseWith(orderRefSchema, response.body, 'OrderWise sales order');
  }

  /**
   * Replaces the lines of the given stock codes on an open sales order (a line of quantity 0 removes its code);
   * resolves `too-late` when OrderWise refuses because picking or despatch has started. Replacing, not
   * subtracting, makes a repeat harmless.
   */
  async amendSalesOrderLines(orderId: number, lines: readonly SalesOrderLine[]): Promise<'amended' | 'too-late'> {
    const response = await this.#http.send<unknown>({
      operation: 'amendSalesOrderLines',
      method: 'PUT',
      path: ORDERWISE_ASSUMPTIONS.amendLinesPath(orderId),
      json: { orderLines: lines.map(orderLine) },
      idempotent: true,
      accept: [409],
    });
    return response.status === 409 ? 'too-late' : 'amended';
  }

  async getSalesOrder(orderId: number): Promise<ErpOrderState> {
    const response = await this.#http.send<unknown>({
      operation: 'getOrderStatus',
      method: 'GET',
      path: `sales/order/${orderId}/status`,
    });
    const body = parseWith(orderStatusSchema, response.body, 'OrderWise order status');
    const status = body.orderStatus;
    const picking = body.subStatus === ORDERWISE_ASSUMPTIONS.pickingSubStatus;
    return {
      orderId: body.orderId,
      orderNumber: body.orderNumber,
      externalReference: body.eCommerceOrderNumber,
      status,
      ...(body.subStatus ? { subStatus: body.subStatus } : {}),
      cancellable: (ORDERWISE_ASSUMPTIONS.cancellableStatuses as readonly string[]).includes(status) && !picking,
      cancelled: status === ORDERWISE_ASSUMPTIONS.cancelledStatus,
      totalGrossMinor: fromDecimal(body.totalGross),
      totalTaxMinor: fromDecimal(body.totalTax),
    };
  }

  async cancelSalesOrder(orderId: number): Promise<'cancelled' | 'too-late'> {
    const response = await this.#http.send<unknown>({
      operation: 'cancelSalesOrder',
      method: 'PUT',
      path: ORDERWISE_ASSUMPTIONS.cancelPath(orderId),
      accept: [409],
    });
    return response.status === 409 ? 'too-late' : 'cancelled';
  }

  /** Free stock of every variant changed since `since` (the pull behind pushed exports). */
  async stockChangedSince(since: string): Promise<FreeStockRow[]> {
    return this.#stockExport(ORDERWISE_ASSUMPTIONS.stockChangedExport, { '@since': since });
  }

  /** One page of every variant's free stock, ordered by variant id, after `afterId`. */
  async freeStockPage(afterId: number, limit: number): Promise<FreeStockRow[]> {
    return this.#stockExport(ORDERWISE_ASSUMPTIONS.freeStockPageExport, { '@afterId': afterId, '@limit': limit });
  }

  /**
   * Every delivery despatched at or after `since`, grouped per order (the pull behind pushed despatch exports).
   * @throws ValidationError naming the order and field when the export is not a valid despatch export.
   */
  async despatchesSince(since: string): Promise<DespatchExportOrder[]> {
    const definition = ORDERWISE_ASSUMPTIONS.despatchesSinceExport;
    const body = await this.#runExport(definition, { '@since': since }, 'application/xml');
    if (typeof body !== 'string') {
      throw new ValidationError(`invalid OrderWise ${definition} export: expected XML, got JSON`, [
        { field: '(root)', message: 'expected the despatch export XML' },
      ]);
    }
    return parseDespatchExport(body);
  }

  async #stockExport(definition: string, parameters: Record<string, string | number>): Promise<FreeStockRow[]> {
    const body = await this.#runExport(definition, parameters);
    return parseWith(z.array(stockRowSchema), body, `OrderWise ${definition} rows`).map((row) => ({
      variantId: row.vad_id,
      variantCode: row.vad_variant_code,
      freeStock: row.vasq_free_stock_quantity,
      changedAt: row.last_changed,
    }));
  }

  /** Runs an export definition with its SQL parameters and answers its body: parsed JSON, else the text. */
  async #runExport(
    definition: string,
    parameters: Record<string, string | number>,
    accept = 'application/json',
  ): Promise<unknown> {
    const response = await this.#http.send<unknown>({
      operation: 'runExport',
      method: 'POST',
      path: `system/export-definition/${definition}`,
      json: parameters,
      headers: { accept },
      // An export reads and changes nothing, so it is safe to repeat.
      idempotent: true,
    });
    return response.body;
  }
}
