import { z } from 'zod';
import { fromDecimal, toDecimal } from '../../domain/money';
import type { SalesOrder, SalesOrderLine } from '../../domain/sales-order';
import { type AuthProvider, HttpClient, type RetryPolicy } from '../../http/client';
import type { DeliveryAddress, ErpGateway, ErpOrderRef, ErpOrderState, ErpTotals } from '../../ports';
import type { Clock } from '../../runtime/clock';
import { UpstreamRejectedError, ValidationError } from '../../runtime/errors';
import { parseWith } from '../../runtime/validation';
import { type DespatchExportOrder, parseDespatchExport } from './export-format';
import {
  DEFAULT_ORDERWISE_PROFILE,
  exportParameters,
  fillTemplate,
  formatDateParameter,
  type OrderwiseProfile,
  readRowTime,
} from './profile';

/** A VAT rate (a fraction inside the hub) in the form the tenant's OrderWise takes. */
const taxRate = (profile: OrderwiseProfile, fraction: number): number =>
  profile.taxRates === 'percent' ? Math.round(fraction * 1_000_000) / 10_000 : fraction;

/** One sales order line as OrderWise takes it. [A] Prices are sent, not looked up (SCAYLE owns prices). */
const orderLine = (profile: OrderwiseProfile, line: SalesOrderLine) => ({
  variantCode: line.variantCode,
  quantity: line.quantity,
  calculateLineSystemPrice: false,
  unitPriceGross: toDecimal(line.unitGrossMinor),
  discountGross: toDecimal(line.discountMinor),
  taxRate: taxRate(profile, line.taxRate),
  // SCAYLE taxes and rounds each unit; sending the amount keeps OrderWise from re-rounding per line.
  taxAmount: toDecimal(line.lineTaxMinor),
});

const regionNames = new Intl.DisplayNames(['en-GB'], { type: 'region', fallback: 'code' });

/** A country's English name (`DE` -> `Germany`), as OrderWise's address screens show it; the code when unknown. */
const countryName = (alpha2: string): string => regionNames.of(alpha2.toUpperCase()) ?? alpha2;

/** Credentials of the OW API user (secret `orderwise-api`). */
export const orderwiseCredentialsSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

const orderRefSchema = z.looseObject({
  orderId: z.number().int(),
  orderNumber: z.union([z.string(), z.number()]).transform(String),
});

const decimal = z.union([z.string(), z.number()]).transform(String);

/** A whole number as JSON or as SQL Server's JSON may write it, a numeric string; never null, a boolean or ''. */
const wholeNumber = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

/** The status call's answer [O names `orderNumber`, `eCommerceOrderNumber`, `orderStatus`, `subStatus`; A the totals]. */
const orderStatusSchema = orderRefSchema.extend({
  eCommerceOrderNumber: z.union([z.string(), z.number()]).transform(String),
  orderStatus: z.string(),
  subStatus: z.string().nullish(),
  // .NET answers a missing value as null as often as it leaves the field out.
  totalGross: decimal.nullish(),
  totalTax: decimal.nullish(),
});

const totalsRowSchema = z.looseObject({ totalGross: decimal, totalTax: decimal });

/** The token answer [O]: a JSON string (quoted token), or an object with `access_token` or `token`. */
const tokenSchema = z.union([
  z.string().min(1),
  z.looseObject({ access_token: z.string().min(1) }).transform((o) => o.access_token),
  z.looseObject({ token: z.string().min(1) }).transform((o) => o.token),
]);

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
  /** How this tenant's OrderWise answers; default {@link DEFAULT_ORDERWISE_PROFILE}. */
  readonly profile?: OrderwiseProfile;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly clock?: Clock;
}

/** OW API token flow [O]: `GET /token/gettoken` with Basic credentials answers the token; re-minted on 401. */
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
    const parsed = tokenSchema.safeParse(response.body);
    const token = parsed.success ? parsed.data.replace(/^"|"$/g, '') : undefined;
    if (!token)
      throw new UpstreamRejectedError('OrderWise getToken answered without a token', response.status, response.body);
    return token;
  }
}

/**
 * The OrderWise OW API client behind the `ErpGateway` port: token flow, sales order create with
 * `eCommerceOrderNumber`, the look-up by that reference, status, totals, cancel, line amends and the export
 * definitions, each the way the tenant's profile says. Money leaves the hub here as two-decimal strings.
 */
export class OrderwiseClient implements ErpGateway {
  readonly #http: HttpClient;
  readonly #auth: OrderwiseAuth;
  /** How this tenant's OrderWise answers. */
  readonly profile: OrderwiseProfile;

  constructor(private readonly options: OrderwiseClientOptions) {
    this.profile = options.profile ?? DEFAULT_ORDERWISE_PROFILE;
    const base = {
      peer: 'OrderWise',
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs ?? 8_000,
      retry: options.retry,
      clock: options.clock,
    };
    this.#auth = new OrderwiseAuth(new HttpClient(base), options.credentials);
    this.#http = new HttpClient({ ...base, auth: this.#auth });
  }

  /** Mints a token with the API user's credentials: proves the token flow alone, for `hub doctor`. */
  async checkToken(): Promise<void> {
    this.#auth.invalidate();
    await this.#auth.headers();
  }

  async findSalesOrder(externalReference: string): Promise<ErpOrderRef | undefined> {
    const rows = await this.salesOrdersByRef(externalReference);
    const [first] = rows;
    return first ? { orderId: first.orderId, orderNumber: first.orderNumber } : undefined;
  }

  /** The rows of the look-up export for an `eCommerceOrderNumber`, as the tenant's definition answers them. */
  async salesOrdersByRef(externalReference: string): Promise<z.output<typeof orderRefSchema>[]> {
    const definition = this.profile.exportDefinitions.salesOrderByRef;
    const body = await this.runExport(definition, { '@ref': externalReference });
    return parseWith(z.array(orderRefSchema), rowsOf(body), `OrderWise ${definition} export rows`);
  }

  async createSalesOrder(order: SalesOrder, delivery: DeliveryAddress): Promise<ErpOrderRef> {
    const { profile } = this;
    const point = delivery.collectionPoint;
    const lines = point
      ? [fillTemplate(profile.collectionPoint.addressLine, point), ...delivery.lines]
      : delivery.lines;
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
          systemOrderType: profile.systemOrderType,
          currencyCode: order.currency,
          ...(point?.customerKey
            ? { specialInstructions: fillTemplate(profile.collectionPoint.specialInstructions, point) }
            : {}),
        },
        customerDeliveryAddress: {
          deliveryName: delivery.company ? `${delivery.name}, ${delivery.company}` : delivery.name,
          address1: lines[0] ?? '',
          address2: lines[1] ?? '',
          address3: lines[2] ?? '',
          town: delivery.town,
          // [O] the observed create sends the county and the country's name beside its code; SCAYLE has no county.
          county: '',
          postcode: delivery.postcode,
          country: countryName(delivery.countryCode),
          countryCode: delivery.countryCode,
          email: delivery.email ?? '',
          telephone: delivery.telephone ?? '',
        },
        orderLines: order.lines.map((line) => orderLine(profile, line)),
        deliveryCharges: order.shipping.map((fee) => ({
          code: fee.key,
          gross: toDecimal(fee.grossMinor),
          taxRate: taxRate(profile, fee.taxRate),
          taxAmount: toDecimal(fee.taxMinor),
        })),
        orderDiscounts: order.vouchers.map((voucher) => ({
          code: voucher.key,
          gross: toDecimal(voucher.grossMinor),
          taxRate: taxRate(profile, voucher.taxRate),
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
      path: fillTemplate(this.profile.paths.amendLines, { orderId: String(orderId) }),
      json: { orderLines: lines.map((line) => orderLine(this.profile, line)) },
      idempotent: true,
      accept: [409],
    });
    return response.status === 409 ? 'too-late' : 'amended';
  }

  /** The status call's answer as it came, validated for the fields the hub reads. */
  async salesOrderStatus(orderId: number): Promise<z.output<typeof orderStatusSchema>> {
    const response = await this.#http.send<unknown>({
      operation: 'getOrderStatus',
      method: 'GET',
      path: `sales/order/${orderId}/status`,
      // [O] the one public client asks for the lines and the deliveries with the status.
      query: { include_lines: 'true', include_delivery: 'true' },
    });
    return parseWith(orderStatusSchema, response.body, 'OrderWise order status');
  }

  async getSalesOrder(orderId: number): Promise<ErpOrderState> {
    const body = await this.salesOrderStatus(orderId);
    const { statuses } = this.profile;
    const status = body.orderStatus;
    const picking = body.subStatus === statuses.pickingSubStatus;
    const totals = totalsOf(body);
    return {
      orderId: body.orderId,
      orderNumber: body.orderNumber,
      externalReference: body.eCommerceOrderNumber,
      status,
      ...(body.subStatus ? { subStatus: body.subStatus } : {}),
      cancellable: statuses.cancellable.includes(status) && !picking,
      cancelled: status === statuses.cancelled,
      ...(totals ? { totals } : {}),
    };
  }

  /**
   * A sales order's totals: from its status when OrderWise answers them there, else from the tenant's
   * `salesOrderTotals` export definition; `unavailable` says why neither could (the money check then records the
   * order as unchecked rather than failing).
   */
  async salesOrderTotals(
    orderId: number,
  ): Promise<{ orderNumber: string } & ({ totals: ErpTotals } | { unavailable: string })> {
    const status = await this.salesOrderStatus(orderId);
    const fromStatus = totalsOf(status);
    if (fromStatus) return { orderNumber: status.orderNumber, totals: fromStatus };
    const definition = this.profile.exportDefinitions.salesOrderTotals;
    if (definition === undefined)
      return {
        orderNumber: status.orderNumber,
        unavailable:
          'the status call answers no totalGross/totalTax and no salesOrderTotals export definition is configured (stage config orderwise.profile.exportDefinitions.salesOrderTotals)',
      };
    const rows = parseWith(
      z.array(totalsRowSchema),
      rowsOf(await this.runExport(definition, { '@orderId': orderId })),
      `OrderWise ${definition} export rows`,
    );
    const [row] = rows;
    if (!row)
      return {
        orderNumber: status.orderNumber,
        unavailable: `export definition ${definition} has no row for order ${orderId}`,
      };
    return {
      orderNumber: status.orderNumber,
      totals: { grossMinor: fromDecimal(row.totalGross), taxMinor: fromDecimal(row.totalTax) },
    };
  }

  async cancelSalesOrder(orderId: number): Promise<'cancelled' | 'too-late'> {
    const response = await this.#http.send<unknown>({
      operation: 'cancelSalesOrder',
      method: 'PUT',
      path: fillTemplate(this.profile.paths.cancel, { orderId: String(orderId) }),
      accept: [409],
    });
    return response.status === 409 ? 'too-late' : 'cancelled';
  }

  /** Free stock of every variant changed since `since` (ISO-8601; the pull behind pushed exports). */
  async stockChangedSince(since: string): Promise<FreeStockRow[]> {
    return this.#stockExport(this.profile.exportDefinitions.freeStockChangedSince, {
      '@since': formatDateParameter(this.profile, since),
    });
  }

  /** One page of every variant's free stock, ordered by variant id, after `afterId`. */
  async freeStockPage(afterId: number, limit: number): Promise<FreeStockRow[]> {
    return this.#stockExport(this.profile.exportDefinitions.freeStockPage, { '@afterId': afterId, '@limit': limit });
  }

  /**
   * Every delivery despatched at or after `since` (ISO-8601), grouped per order (the pull behind pushed despatch
   * exports).
   * @throws ValidationError naming the order and field when the export is not a valid despatch export.
   */
  async despatchesSince(since: string): Promise<DespatchExportOrder[]> {
    const definition = this.profile.exportDefinitions.despatchesSince;
    const body = await this.runExport(
      definition,
      { '@since': formatDateParameter(this.profile, since) },
      'application/xml',
    );
    if (typeof body !== 'string') {
      throw new ValidationError(`invalid OrderWise ${definition} export: expected XML, got JSON`, [
        { field: '(root)', message: 'expected the despatch export XML' },
      ]);
    }
    return parseDespatchExport(body);
  }

  async #stockExport(
    definition: string | number,
    parameters: Record<string, string | number>,
  ): Promise<FreeStockRow[]> {
    const columns = this.profile.stockColumns;
    const rowSchema = z
      .looseObject({
        [columns.variantId]: wholeNumber,
        [columns.variantCode]: z.union([z.string(), z.number()]).transform(String),
        // Never coerced: a NULL free stock (a variant without a stock row) must fail, not push 0 everywhere.
        [columns.freeStock]: wholeNumber,
        [columns.changedAt]: z.string().transform((text, ctx) => {
          const time = readRowTime(this.profile, text);
          if (time === undefined) ctx.addIssue({ code: 'custom', message: 'must be a date and time' });
          return time ?? '';
        }),
      })
      .transform((row) => ({
        variantId: row[columns.variantId] as number,
        variantCode: row[columns.variantCode] as string,
        freeStock: row[columns.freeStock] as number,
        changedAt: row[columns.changedAt] as string,
      }));
    return parseWith(
      z.array(rowSchema),
      rowsOf(await this.runExport(definition, parameters)),
      `OrderWise ${definition} export rows`,
    );
  }

  /**
   * Runs an export definition with its SQL parameters (in the tenant's form) and answers its body: parsed JSON,
   * else the text. Public for `hub doctor`, which runs each definition once to see its columns.
   */
  async runExport(
    definition: string | number,
    parameters: Readonly<Record<string, string | number>>,
    accept = 'application/json',
  ): Promise<unknown> {
    const response = await this.#http.send<unknown>({
      operation: 'runExport',
      method: 'POST',
      path: `system/export-definition/${encodeURIComponent(String(definition))}`,
      json: exportParameters(this.profile, parameters),
      headers: { accept },
      // An export reads and changes nothing, so it is safe to repeat.
      idempotent: true,
    });
    return response.body;
  }
}

/** Totals of a status answer, when it carries both. */
const totalsOf = (status: z.output<typeof orderStatusSchema>): ErpTotals | undefined =>
  status.totalGross != null && status.totalTax != null
    ? { grossMinor: fromDecimal(status.totalGross), taxMinor: fromDecimal(status.totalTax) }
    : undefined;

/** An export's rows: a JSON array, or the array under `data`, `rows` or `results` [O a public client reads all four]. */
export const rowsOf = (body: unknown): unknown => {
  if (Array.isArray(body) || typeof body !== 'object' || body === null) return body;
  const wrapped = body as Record<string, unknown>;
  return wrapped.data ?? wrapped.rows ?? wrapped.results ?? body;
};
