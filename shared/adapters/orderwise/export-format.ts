import { createHash } from 'node:crypto';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { ValidationError } from '../../runtime/errors';
import { parseWith } from '../../runtime/validation';

/**
 * The XML of OrderWise HTTP exports, which OrderWise pushes as the form field `ExportData` (reference
 * orderwise.md §2.1, §2.4). Export templates are user-defined in OrderWise; the element names below follow
 * the real exports seen in public client code [O] plus what the hub needs [A] (a change time on stock rows, the
 * e-commerce order number and despatched lines on despatches). The customer's templates must produce these
 * names; the simulator builds them, the hub reads them.
 */

/** One stock row: [O] vad_id, vad_variant_code, vasq_free_stock_quantity, vafp_rsp_inc_vat, vas_discontinued_product; [A] last_changed. */
export interface StockExportRow {
  readonly variantId: number;
  readonly variantCode: string;
  readonly freeStock: number;
  readonly priceIncVat: string;
  readonly discontinued: boolean;
  /** ISO-8601: when OrderWise's free stock changed. */
  readonly changedAt: string;
}

/** One delivery (package) of a despatch: [O] deliveryNumber, deliveryDate, courierName, consignmentNumbers; [A] lines. */
export interface DespatchExportDelivery {
  readonly deliveryNumber: string;
  readonly deliveryDate: string;
  readonly courierName: string;
  readonly consignmentNumbers: readonly string[];
  readonly lines: readonly { readonly variantCode: string; readonly quantity: number }[];
}

/** One order of a despatch export: [O] orderNo, orderStatus, deliveries; [A] eCommerceOrderNumber. */
export interface DespatchExportOrder {
  readonly orderNumber: string;
  readonly eCommerceOrderNumber: string;
  readonly orderStatus: string;
  readonly deliveries: readonly DespatchExportDelivery[];
}

const builder = new XMLBuilder({ format: true, suppressEmptyNode: false });
const declaration = '<?xml version="1.0" encoding="utf-8"?>\n';

/** The XML of a stock export. */
export const buildStockExport = (rows: readonly StockExportRow[]): string =>
  declaration +
  builder.build({
    StockExport: {
      Variant: rows.map((row) => ({
        vad_id: row.variantId,
        vad_variant_code: row.variantCode,
        vasq_free_stock_quantity: row.freeStock,
        vafp_rsp_inc_vat: row.priceIncVat,
        vas_discontinued_product: row.discontinued ? 'True' : 'False',
        last_changed: row.changedAt,
      })),
    },
  });

/** The XML of a despatch export. */
export const buildDespatchExport = (orders: readonly DespatchExportOrder[]): string =>
  declaration +
  builder.build({
    orders: {
      order: orders.map((order) => ({
        orderNo: order.orderNumber,
        eCommerceOrderNumber: order.eCommerceOrderNumber,
        orderStatus: order.orderStatus,
        deliveries: order.deliveries.map((delivery) => ({
          deliveryNumber: delivery.deliveryNumber,
          deliveryDate: delivery.deliveryDate,
          courierName: delivery.courierName,
          consignmentNumbers: { consignmentNumber: [...delivery.consignmentNumbers] },
          lines: { line: delivery.lines.map((line) => ({ variantCode: line.variantCode, quantity: line.quantity })) },
        })),
      })),
    },
  });

// Reading exports: every element as a string (no number guessing: a variant code like `0012` stays `0012`), lists
// as arrays even with one entry, then zod decides what each field must be.
const repeated = new Set([
  'StockExport.Variant',
  'orders.order',
  // Each `<deliveries>` element is one delivery [O]; the name is plural in the real template.
  'orders.order.deliveries',
  'orders.order.deliveries.consignmentNumbers.consignmentNumber',
  'orders.order.deliveries.lines.line',
]);
const parser = new XMLParser({
  parseTagValue: false,
  ignoreAttributes: true,
  isArray: (_name, jpath) => repeated.has(String(jpath)),
});

/**
 * A document type declaration: OrderWise's exports carry none, so one is refused before anything is parsed. Without
 * one no entity but XML's five predefined ones (`&amp;` ...) can exist, which a courier name may well need; declared
 * entities are how XML bombs and file reads start.
 */
const DOCTYPE = /<!DOCTYPE|<!ENTITY/i;

const text = z.string().trim().min(1);
const wholeNumber = z
  .string()
  .trim()
  .regex(/^-?\d+$/, 'must be a whole number')
  .transform(Number);
const timestamp = z.iso.datetime({
  offset: true,
  message: 'must be ISO-8601 with a time zone, e.g. 2026-11-23T10:00:00Z',
});

const stockRowSchema = z.object({
  vad_id: wholeNumber,
  vad_variant_code: text,
  vasq_free_stock_quantity: wholeNumber,
  vafp_rsp_inc_vat: z.string().trim().default('0'),
  vas_discontinued_product: z
    .string()
    .trim()
    .default('False')
    .transform((v) => /^(true|1|yes)$/i.test(v)),
  last_changed: z.string().trim().pipe(timestamp),
});

const stockExportSchema = z.object({
  StockExport: z.object({ Variant: z.array(stockRowSchema).min(1, 'an export must carry at least one Variant') }),
});

/**
 * A wrapper element around a repeated child, e.g. `<lines><line/>…</lines>`, read as the list of children. An empty
 * wrapper (`<lines/>`, or what the builder writes for an empty list) reads as `''`, so it becomes an empty list.
 */
const wrapped = <T extends z.ZodType>(child: string, item: T) =>
  z
    .preprocess((value) => (value === '' ? {} : value), z.object({ [child]: z.array(item).default([]) }))
    .transform((wrapper) => wrapper[child] as z.output<T>[]);

const positiveWholeNumber = wholeNumber.pipe(z.number().positive('must be a positive whole number'));
const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
/** A despatch date as OrderWise gives it: a date-time with a zone, or a plain date; kept as given. */
const despatchDate = text.refine(
  (value) => isoDateTime.safeParse(value).success || isoDate.safeParse(value).success,
  'must be an ISO-8601 date-time with a time zone or a date, e.g. 2026-11-23T10:00:00Z or 2026-11-23',
);

const despatchDeliverySchema = z.object({
  deliveryNumber: text,
  deliveryDate: despatchDate,
  courierName: text,
  // A package may leave without a tracking number (a collection, the own van).
  consignmentNumbers: wrapped('consignmentNumber', text).default([]),
  lines: wrapped('line', z.object({ variantCode: text, quantity: positiveWholeNumber })).refine(
    (lines) => lines.length > 0,
    'a delivery must carry at least one line',
  ),
});

const despatchOrderSchema = z.object({
  orderNo: text,
  eCommerceOrderNumber: text,
  orderStatus: text,
  deliveries: z
    .array(despatchDeliverySchema, { error: 'required: an order must carry at least one delivery' })
    .min(1, 'an order must carry at least one delivery'),
});

const despatchExportSchema = z.object({ orders: wrapped('order', despatchOrderSchema) });

/**
 * Parses XML into a plain object, or throws a ValidationError saying where the XML is broken or why it is refused (a
 * DOCTYPE or entity declaration; anything the parser itself chokes on): never a plain error, so a sender's mistake is
 * a 400 with its body kept, not a 500.
 */
const readXml = (xml: string, what: string): unknown => {
  const refuse = (message: string) => new ValidationError(`${what} ${message}`, [{ field: '(root)', message }]);
  if (DOCTYPE.test(xml)) throw refuse('has a DOCTYPE or ENTITY declaration, which an export never carries');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw refuse(`is not well-formed XML: ${valid.err.msg} at line ${valid.err.line}`);
  try {
    return parser.parse(xml);
  } catch (error) {
    throw refuse(`could not be read as XML: ${(error as Error).message}`);
  }
};

/** Reads a pushed stock export. @throws ValidationError naming the row and field, e.g. `StockExport.Variant.3.last_changed`. */
export const parseStockExport = (xml: string): StockExportRow[] =>
  parseWith(stockExportSchema, readXml(xml, 'stock export'), 'stock export').StockExport.Variant.map((row) => ({
    variantId: row.vad_id,
    variantCode: row.vad_variant_code,
    freeStock: row.vasq_free_stock_quantity,
    priceIncVat: row.vafp_rsp_inc_vat,
    discontinued: row.vas_discontinued_product,
    changedAt: row.last_changed,
  }));

/**
 * Reads a despatch export (pushed, or answered by the `DespatchesSince` export definition): the mirror of
 * `buildDespatchExport`. An export without any `<order>` reads as no despatches.
 * @throws ValidationError naming the order and field, e.g. `orders.order.2.deliveries.0.lines.line.1.quantity`.
 */
export const parseDespatchExport = (xml: string): DespatchExportOrder[] =>
  parseWith(despatchExportSchema, readXml(xml, 'despatch export'), 'despatch export').orders.map((order) => ({
    orderNumber: order.orderNo,
    eCommerceOrderNumber: order.eCommerceOrderNumber,
    orderStatus: order.orderStatus,
    deliveries: order.deliveries,
  }));

/** The longest Step Functions execution name. */
const MAX_DESPATCH_ID_LENGTH = 80;

/**
 * A stable id of one package: `${orderNumber}-${deliveryNumber}`, usable as a Step Functions execution name and an
 * idempotency key. An id that is already 1-80 characters of `[A-Za-z0-9_-]` is used as it is; otherwise the other
 * characters become `_`, it is cut to fit and a hash of the unchanged id is appended, so two deliveries that only
 * differ in replaced characters or beyond the cut still get different ids.
 */
export const despatchIdOf = (order: DespatchExportOrder, delivery: DespatchExportDelivery): string => {
  const id = `${order.orderNumber}-${delivery.deliveryNumber}`;
  if (/^[A-Za-z0-9_-]+$/.test(id) && id.length <= MAX_DESPATCH_ID_LENGTH) return id;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 12);
  const readable = id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_DESPATCH_ID_LENGTH - hash.length - 1);
  return `${readable}-${hash}`;
};
