import { TZDate } from '@date-fns/tz';
import { z } from 'zod';

/**
 * How one tenant's OrderWise answers: everything about the OW API that no public source confirms ([A] in
 * ../shared/reference/orderwise.md), configurable per stage (stage config `orderwise.profile`, env
 * `ORDERWISE_PROFILE`) and checked on the tenant by `hub doctor`. The defaults are the reference's best reading:
 * [O] where a public client shows it, [A] where nothing does.
 */

/** An export definition as the OW API addresses it: by the id the tenant's OrderWise gave it (or its name). [O] */
const definitionId = z.union([z.number().int().positive(), z.string().min(1)]);

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** A path below the OW API base with `{orderId}` where the sales order's id goes. */
const orderPath = z
  .string()
  .regex(/^[\w/-]*\{orderId\}[\w/-]*$/, 'must be a path with {orderId}, e.g. sales/order/{orderId}/cancel');

/** A column the hub reads from an export definition's JSON rows. */
const column = z.string().min(1);

/** The tenant profile's schema; every field has the reference's default, so a tenant sets only what differs. */
export const orderwiseProfileSchema = z.object({
  /**
   * The export definitions the hub runs (`POST /system/export-definition/{id}`), each created in the tenant's
   * OrderWise from the SQL in the README's go-live checklist. [O mechanism; A each definition]
   */
  exportDefinitions: z
    .object({
      /** Sales orders by `eCommerceOrderNumber` (`@ref`): rows `{orderId, orderNumber}`. The look-up before a create. */
      salesOrderByRef: definitionId.default('SalesOrderByEcomRef'),
      /** Free stock of every variant changed since `@since`: rows of `stockColumns`. */
      freeStockChangedSince: definitionId.default('FreeStockChangedSince'),
      /** Free stock of all variants by variant id (`@afterId`, `@limit`): rows of `stockColumns`. */
      freeStockPage: definitionId.default('FreeStockPage'),
      /** Deliveries despatched since `@since`, answered as the pushed despatch export's XML. */
      despatchesSince: definitionId.default('DespatchesSince'),
      /**
       * Totals of one sales order (`@orderId`): one row `{totalGross, totalTax}` as decimal strings or numbers. Only
       * needed when the status call answers no totals: without either the money check records orders as unchecked.
       */
      salesOrderTotals: definitionId.optional(),
    })
    .prefault({}),
  /**
   * How SQL parameters travel: `name-value-array` `[{"name":"@since","value":"…"}]` as the one public client posts
   * them [O "OTT PO Fetch", a Laravel OrderWiseClient], or a JSON `object` `{"@since": "…"}` [A].
   */
  exportParameters: z.enum(['name-value-array', 'object']).default('name-value-array'),
  /**
   * How date parameters (`@since`) are written and how zone-less times in rows are read: `date` (`2026-12-08`, as
   * the public client sends them [O]; a whole day is read again each run, which the pulls tolerate), `datetime`
   * (`2026-12-08T10:15:00`, no zone) or `iso-8601` (`2026-12-08T10:15:00.000Z`), in `timeZone` (OrderWise's SQL Server
   * clock; a UK ERP, so `Europe/London` unless the tenant's server runs on UTC [A]).
   */
  dates: z
    .object({
      format: z.enum(['date', 'datetime', 'iso-8601']).default('datetime'),
      timeZone: z
        .string()
        .refine(isTimeZone, 'must be an IANA time zone such as Europe/London')
        .default('Europe/London'),
    })
    .prefault({}),
  /** Columns of the free-stock export rows: OrderWise's database names [O vad_id, vad_variant_code, vasq_…; A last_changed]. */
  stockColumns: z
    .object({
      variantId: column.default('vad_id'),
      variantCode: column.default('vad_variant_code'),
      freeStock: column.default('vasq_free_stock_quantity'),
      changedAt: column.default('last_changed'),
    })
    .prefault({}),
  /** Status words of a sales order [O `orderStatus`, `subStatus`, "Awaiting despatch", "On hold"; A the others]. */
  statuses: z
    .object({
      /** Statuses in which an order can be cancelled, or its lines amended, without a return. */
      cancellable: z
        .array(z.string().min(1))
        .min(1)
        .default(['Awaiting authorisation', 'Awaiting despatch', 'On hold']),
      cancelled: z.string().min(1).default('Cancelled'),
      /** A sub-status meaning picking has started although the status still reads "Awaiting despatch". */
      pickingSubStatus: z.string().min(1).default('Picking in progress'),
    })
    .prefault({}),
  /** Calls no public client shows [A]: cancel (`PUT`, 409 once picking started) and line amends (`PUT {orderLines}`). */
  paths: z
    .object({
      cancel: orderPath.default('sales/order/{orderId}/cancel'),
      amendLines: orderPath.default('sales/order/{orderId}/lines'),
    })
    .prefault({}),
  /** Tax rates as percents (`19`), as OrderWise's tax rate value list reads them, or fractions (`0.19`) [A]. */
  taxRates: z.enum(['percent', 'fraction']).default('percent'),
  /** `systemOrderType` of a normal sales order [O: 1 Order, 2 Quote, 3 Paused, 4 Credit, 5 Schedule, 6 Bulk]. */
  systemOrderType: z.number().int().positive().default(1),
  /**
   * A parcel-shop delivery [A]: the collection point goes as the first address line (the carrier label reads it) and
   * the customer's carrier number in the special instructions. Placeholders `{description}`, `{type}`, `{key}`,
   * `{customerKey}`; an empty pair of brackets left by a missing value is dropped.
   */
  collectionPoint: z
    .object({
      addressLine: z.string().min(1).default('{description} ({type} {key})'),
      specialInstructions: z.string().min(1).default('Collection point {key}, customer number {customerKey}'),
    })
    .prefault({}),
});

/** A tenant's OrderWise profile, defaults applied. */
export type OrderwiseProfile = z.output<typeof orderwiseProfileSchema>;

/** The profile of a tenant that configured nothing: the reference's reading. */
export const DEFAULT_ORDERWISE_PROFILE: OrderwiseProfile = orderwiseProfileSchema.parse({});

/** The SQL parameters of an export run, in the tenant's form. */
export const exportParameters = (
  profile: OrderwiseProfile,
  parameters: Readonly<Record<string, string | number>>,
): unknown =>
  profile.exportParameters === 'object'
    ? parameters
    : Object.entries(parameters).map(([name, value]) => ({ name, value }));

/** A template of the profile with its `{placeholders}` filled; a missing value leaves no stray space or brackets. */
export const fillTemplate = (template: string, values: Readonly<Record<string, string | undefined>>): string =>
  template
    .replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '')
    .replace(/\(\s*\)/g, '')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
    .replace(/\s{2,}/g, ' ')
    .trim();

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An hour: the most any zone's clocks go back, and so the most a zone-less time can be read wrong. */
const HOUR_MS = 3_600_000;

/** An instant's wall-clock fields in a zone. */
const wallClock = (epochMs: number, zone: string) => {
  const t = new TZDate(epochMs, zone);
  const date = `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
  return { date, time: `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}` };
};

/**
 * An instant (ISO-8601) as the tenant's `@since` parameters are written. `datetime` is ISO-8601 without a zone
 * (`2026-12-08T10:15:00`), the one form SQL Server reads the same whatever the login's DATEFORMAT (a
 * `2026-03-04 10:15:00` is 3 April to a British login). In a zone with summer time the time is written an hour
 * early: the hour the clocks go back comes twice, and a `@since` inside it must not skip what was written in its
 * first pass. Reading an hour again is harmless to the pulls (absolute figures, deduplicated despatches).
 */
export const formatDateParameter = (profile: OrderwiseProfile, iso: string): string => {
  if (profile.dates.format === 'iso-8601') return new Date(iso).toISOString();
  const zone = profile.dates.timeZone;
  const instant = Date.parse(iso);
  const wall = wallClock(hasSummerTime(zone, instant) ? instant - HOUR_MS : instant, zone);
  return profile.dates.format === 'date' ? wall.date : `${wall.date}T${wall.time}`;
};

/** Whether a zone's offset differs between January and July of the instant's year (it has summer time). */
const hasSummerTime = (zone: string, epochMs: number): boolean => {
  const year = new Date(epochMs).getUTCFullYear();
  const offset = (month: number) => new TZDate(year, month, 1, zone).getTimezoneOffset();
  return offset(0) !== offset(6);
};

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/**
 * A time read from a row as an ISO-8601 instant: one with a zone as it says; a naive one (SQL Server's datetime has
 * no zone) in the tenant's time zone. A wall-clock time the zone has twice (the hour the clocks go back) is read as
 * the earlier: a change dated an hour late would look newer than a real later change and make it seem stale,
 * where one dated early is at worst applied again. Undefined when it is not a time at all.
 */
export const readRowTime = (profile: OrderwiseProfile, text: string): string | undefined => {
  const naive = NAIVE.exec(text.trim());
  if (naive) {
    const [, y = '', mo = '', d = '', h = '0', mi = '0', s = '0', ms = '0'] = naive;
    const zone = profile.dates.timeZone;
    const later = new TZDate(+y, +mo - 1, +d, +h, +mi, +s, +ms.padEnd(3, '0'), zone).getTime();
    const same = (a: number, b: number) => JSON.stringify(wallClock(a, zone)) === JSON.stringify(wallClock(b, zone));
    return new Date(same(later - HOUR_MS, later) ? later - HOUR_MS : later).toISOString();
  }
  const parsed = Date.parse(text);
  return /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) && Number.isFinite(parsed) ? new Date(parsed).toISOString() : undefined;
};
