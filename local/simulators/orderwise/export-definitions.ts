/**
 * The tenant's export definitions (`POST /owapi/system/export-definition/{id}`) [O mechanism §2.3; A each
 * definition]: SQL run with the parameters posted as a JSON array of `{name, value}` [O], dates read and written as
 * the SQL Server's zone-less local times [A facts SERVER_TIME_ZONE]. A tenant can be mis-set on purpose (a definition
 * missing, columns named otherwise), as a real one may be, for `hub doctor` to find.
 */
import { TZDate } from '@date-fns/tz';
import type { Context } from 'hono';
import { z } from 'zod';
import type { SimEnv } from '../sim-server';
import { type DespatchExportOrder, despatchExportXml } from './export-templates';
import { EXPORT_DEFINITIONS, type ExportPurpose, type FREE_STOCK_COLUMNS, SERVER_TIME_ZONE } from './facts';
import { toDecimal } from './money';
import { describe, type SimSalesOrder } from './sales-orders';

/** What the export definitions read: the simulator's orders, stock and despatches. */
export interface ExportSources {
  orders(): Iterable<SimSalesOrder>;
  /** Stocked variants ordered by `vad_id`, with their free stock and when it last changed (ISO-8601). */
  stockRows(): { variantId: number; variantCode: string; freeStock: number; lastChanged: string }[];
  /** Deliveries despatched at or after `from` (epoch ms), grouped per order, oldest first. */
  despatchedSince(from: number): DespatchExportOrder[];
}

/** How this tenant's definitions differ from the ones the hub's go-live checklist asks for. */
export interface ExportMisconfiguration {
  /** Definitions the tenant never created (their ids answer 404). */
  readonly missing?: readonly ExportPurpose[];
  /** Columns the tenant's SQL names otherwise: `{vasq_free_stock_quantity: 'free_stock'}`. */
  readonly renameColumns?: Readonly<Record<string, string>>;
}

const ZONED = /(?:[zZ]|[+-]\d{2}:?\d{2})$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/** A `datetime` parameter as SQL Server converts a string: a date, a local date and time, or one with a zone. */
const instantOf = (text: string): number | undefined => {
  if (ZONED.test(text)) {
    const parsed = Date.parse(text);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  const match = LOCAL.exec(text);
  if (!match) return undefined;
  const [, y = '', mo = '', d = '', h = '0', mi = '0', s = '0', ms = '0'] = match;
  return new TZDate(+y, +mo - 1, +d, +h, +mi, +s, +ms.padEnd(3, '0'), SERVER_TIME_ZONE).getTime();
};

/** An instant as SQL Server's `FOR JSON` writes a `datetime`: local, with milliseconds, no zone. */
const localTime = (iso: string): string => {
  const t = new TZDate(Date.parse(iso), SERVER_TIME_ZONE);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}T${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}.${p(t.getMilliseconds(), 3)}`;
};

const dateParameter = z.string().transform((text, ctx) => {
  const instant = instantOf(text.trim());
  if (instant === undefined)
    ctx.addIssue({ code: 'custom', message: 'is not a date, e.g. 2026-11-23 or 2026-11-23 10:00:00' });
  return instant ?? 0;
});

/** The parameters each definition's SQL declares. */
const PARAMETERS = {
  salesOrderByRef: z.object({ '@ref': z.coerce.string().min(1) }),
  freeStockChangedSince: z.object({ '@since': dateParameter }),
  freeStockPage: z.object({
    '@afterId': z.coerce.number().int().min(0).default(0),
    '@limit': z.coerce.number().int().min(1).max(5000).default(1000),
  }),
  despatchesSince: z.object({ '@since': dateParameter }),
  salesOrderTotals: z.object({ '@orderId': z.coerce.number().int().positive() }),
} satisfies Record<ExportPurpose, z.ZodType>;

/** The posted parameters [O]: `[{"name": "@since", "value": "…"}]`, as an object by name. */
const parameterListSchema = z
  .array(z.object({ name: z.string().min(1), value: z.union([z.string(), z.number()]) }))
  .transform((list) => Object.fromEntries(list.map((p) => [p.name, p.value])));

/** The export definitions of one tenant. */
export class ExportDefinitions {
  #misconfiguration: ExportMisconfiguration = {};

  constructor(
    private readonly sources: ExportSources,
    private readonly ids: Readonly<Record<ExportPurpose, number>> = EXPORT_DEFINITIONS,
  ) {}

  /** Mis-sets the tenant from now on (an empty object sets it right again). */
  misconfigure(misconfiguration: ExportMisconfiguration): void {
    this.#misconfiguration = misconfiguration;
  }

  /** The definition ids by purpose, as the tenant's OrderWise administrator would hand them over. */
  get definitionIds(): Readonly<Record<ExportPurpose, number>> {
    return this.ids;
  }

  /** Answers `POST /system/export-definition/{id}`. */
  async run(c: Context<SimEnv>): Promise<Response> {
    const id = c.req.param('id');
    const purpose = (Object.keys(this.ids) as ExportPurpose[]).find((p) => String(this.ids[p]) === id);
    if (!purpose || this.#misconfiguration.missing?.includes(purpose))
      return c.json({ error: 'Export definition not found' }, 404);
    const list = parameterListSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!list.success) return c.json({ error: 'Invalid parameters: expected a list of {name, value}' }, 400);
    const params = PARAMETERS[purpose].safeParse(list.data);
    if (!params.success) return c.json({ error: `Invalid parameters: ${describe(params.error)}` }, 400);
    if (purpose === 'despatchesSince') {
      const { '@since': from } = params.data as z.output<(typeof PARAMETERS)['despatchesSince']>;
      // [A] This definition answers the despatch export XML, not JSON rows (facts.ts).
      return c.body(despatchExportXml(this.sources.despatchedSince(from)), 200, {
        'content-type': 'application/xml; charset=utf-8',
      });
    }
    return c.json(this.#rows(purpose, params.data).map((row) => this.#renamed(row)));
  }

  #rows(purpose: Exclude<ExportPurpose, 'despatchesSince'>, params: object): Record<string, unknown>[] {
    const stock = () =>
      this.sources.stockRows().map(
        (v) =>
          ({
            vad_id: v.variantId,
            vad_variant_code: v.variantCode,
            vasq_free_stock_quantity: v.freeStock,
            last_changed: localTime(v.lastChanged),
            changedAt: Date.parse(v.lastChanged),
          }) satisfies Record<(typeof FREE_STOCK_COLUMNS)[number], unknown> & { changedAt: number },
      );
    const withoutSortKey = ({ changedAt: _, ...row }: ReturnType<typeof stock>[number]) => row;
    const orders = [...this.sources.orders()];
    switch (purpose) {
      case 'salesOrderByRef': {
        const { '@ref': ref } = params as z.output<(typeof PARAMETERS)['salesOrderByRef']>;
        return orders
          .filter((o) => o.eCommerceOrderNumber === ref)
          .map((o) => ({
            orderId: o.orderId,
            orderNumber: o.orderNumber,
            eCommerceOrderNumber: o.eCommerceOrderNumber,
            orderStatus: o.orderStatus,
          }));
      }
      case 'freeStockChangedSince': {
        const { '@since': from } = params as z.output<(typeof PARAMETERS)['freeStockChangedSince']>;
        return stock()
          .filter((row) => row.changedAt > from)
          .sort((a, b) => a.changedAt - b.changedAt || a.vad_id - b.vad_id)
          .map(withoutSortKey);
      }
      case 'freeStockPage': {
        const p = params as z.output<(typeof PARAMETERS)['freeStockPage']>;
        return stock()
          .filter((row) => row.vad_id > p['@afterId'])
          .slice(0, p['@limit'])
          .map(withoutSortKey);
      }
      case 'salesOrderTotals': {
        const { '@orderId': orderId } = params as z.output<(typeof PARAMETERS)['salesOrderTotals']>;
        return orders
          .filter((o) => o.orderId === orderId)
          .map((o) => ({
            orderId: o.orderId,
            orderNumber: o.orderNumber,
            totalGross: toDecimal(o.totalGrossMinor),
            totalTax: toDecimal(o.totalTaxMinor),
          }));
      }
    }
  }

  #renamed(row: Record<string, unknown>): Record<string, unknown> {
    const rename = this.#misconfiguration.renameColumns;
    if (!rename) return row;
    return Object.fromEntries(Object.entries(row).map(([column, value]) => [rename[column] ?? column, value]));
  }
}
