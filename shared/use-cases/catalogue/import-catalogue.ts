/**
 * Importing the catalogue map from a CSV file.
 *
 * ## Catalogue CSV format
 *
 * UTF-8 (a byte order mark is ignored), comma separated, LF or CRLF line ends, values quoted with `"` where they
 * contain a comma, a quote or a line break. Blank lines are skipped and spaces around values are trimmed.
 *
 * The first line is a header naming these six columns, in any order; a missing, unknown or repeated column
 * refuses the file:
 *
 * | column                     | value                                                                           |
 * |----------------------------|---------------------------------------------------------------------------------|
 * | `scayle_variant_reference` | required: the SCAYLE variant reference key (the hub's SKU)                      |
 * | `scayle_variant_id`        | optional: the SCAYLE variant id, a whole number                                 |
 * | `orderwise_stock_code`     | optional: the OrderWise stock code; without one the variant's stock is not synced |
 * | `marketplace_id`           | optional: an Amazon marketplace id the hub knows, e.g. `A1F83G8C2ARO7P` (UK)     |
 * | `amazon_seller_sku`        | the SellerSKU in that marketplace; required when `marketplace_id` is given      |
 * | `asin`                     | optional: the ASIN in that marketplace, 10 capital letters or digits            |
 *
 * One line per variant per marketplace: a variant listed in two marketplaces has two lines, which merge into one
 * mapping; a variant not listed on Amazon has one line with the three Amazon columns empty. The variant columns
 * (`scayle_variant_id`, `orderwise_stock_code`) may be repeated on each of a variant's lines or given on one of
 * them; two different values are a conflict.
 *
 * ```csv
 * scayle_variant_reference,scayle_variant_id,orderwise_stock_code,marketplace_id,amazon_seller_sku,asin
 * SH-010-BLK-M,100003,OW010BLKM,A1F83G8C2ARO7P,AMZ-010-BLK-M,B007000111
 * SH-010-BLK-M,100003,OW010BLKM,A1PA6795UKMFR9,AMZ-010-BLK-M,B007000111
 * SH-010-BLK-L,100004,OW010BLKL,,,
 * ```
 *
 * The file is refused, line by line, when: a value is missing or malformed; a SellerSKU has no marketplace or a
 * marketplace no SellerSKU; a variant is listed twice for one marketplace; one variant gets two different variant
 * ids or stock codes; one SellerSKU in a marketplace, one OrderWise stock code or one SCAYLE variant id belongs to
 * two variants, in the file or in the stored map for a variant the file does not mention.
 *
 * An import replaces each variant in the file as a whole (a marketplace left out of the file is no longer listed
 * for that variant) and leaves variants not in the file as they are. A file with any problem writes nothing; a
 * write that stops half way (DynamoDB throttling, a crash) is completed by running the same import again.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { CatalogueEntry, CatalogueRepository } from '../../adapters/aws/catalogue-repository';
import { MARKETPLACE_CURRENCIES } from '../../domain/marketplaces';
import { fromInertCell, toCsv } from '../../runtime/csv';

/** The columns of a catalogue CSV, in the order `catalogueCsvOf` writes them. */
export const CATALOGUE_CSV_COLUMNS = [
  'scayle_variant_reference',
  'scayle_variant_id',
  'orderwise_stock_code',
  'marketplace_id',
  'amazon_seller_sku',
  'asin',
] as const;

/** One column of a catalogue CSV. */
export type CatalogueCsvColumn = (typeof CATALOGUE_CSV_COLUMNS)[number];

/** Why a catalogue file cannot be imported as it is: the 1-based line in the file (header = 1) and the column. */
export interface CatalogueImportProblem {
  readonly line: number;
  readonly column?: CatalogueCsvColumn;
  readonly message: string;
}

/** What an import does to the stored map. */
export interface CatalogueImportSummary {
  /** Variants in the file. */
  readonly variants: number;
  /** Variants the stored map does not have yet. */
  readonly added: number;
  /** Variants whose stored mapping the file changes. */
  readonly changed: number;
  /** Variants the file maps as they are already stored. */
  readonly unchanged: number;
  /** Variant-marketplace pairs listed on Amazon in the file. */
  readonly amazonListings: number;
}

/** A SellerSKU the import moves a variant away from, which no variant maps afterwards. */
export interface RetiredSellerSku {
  readonly marketplaceId: string;
  readonly sellerSku: string;
  /** The SCAYLE SKU it was mapped to. */
  readonly sku: string;
}

/** A catalogue file checked against the stored map. */
export interface CatalogueImportPlan {
  /** Every variant the file maps, in file order; only to be written when `problems` is empty. */
  readonly entries: readonly CatalogueEntry[];
  /** The entries that are new or differ from the stored map: what an import writes. */
  readonly writes: readonly CatalogueEntry[];
  /**
   * SellerSKUs a changed variant no longer names and no variant maps after the import: a listing there has no SKU
   * match any more, so the catalogue loop takes it down.
   */
  readonly retired: readonly RetiredSellerSku[];
  /** In line order. */
  readonly problems: readonly CatalogueImportProblem[];
  readonly summary: CatalogueImportSummary;
}

const blankAsAbsent = (value: unknown) => (value === '' ? undefined : value);
const optionalText = z.preprocess(blankAsAbsent, z.string().optional());
const MARKETPLACE_IDS = Object.keys(MARKETPLACE_CURRENCIES);

const rowSchema = z
  .object({
    scayle_variant_reference: z.string().min(1, 'is required'),
    scayle_variant_id: z.preprocess(
      blankAsAbsent,
      z
        .string()
        .regex(/^[1-9]\d{0,14}$/, 'must be a whole number above 0')
        .transform(Number)
        .optional(),
    ),
    orderwise_stock_code: optionalText,
    marketplace_id: z.preprocess(
      blankAsAbsent,
      z
        .string()
        .refine((id) => MARKETPLACE_IDS.includes(id), {
          error: (issue) => `${issue.input} is not a marketplace the hub knows (${MARKETPLACE_IDS.join(', ')})`,
        })
        .optional(),
    ),
    amazon_seller_sku: optionalText,
    asin: z.preprocess(
      blankAsAbsent,
      z
        .string()
        .regex(/^[A-Z0-9]{10}$/, 'must be 10 capital letters or digits')
        .optional(),
    ),
  })
  .superRefine((row, ctx) => {
    if (row.amazon_seller_sku && !row.marketplace_id)
      ctx.addIssue({
        code: 'custom',
        path: ['marketplace_id'],
        message: 'is required when amazon_seller_sku is given',
      });
    if (row.marketplace_id && !row.amazon_seller_sku)
      ctx.addIssue({
        code: 'custom',
        path: ['amazon_seller_sku'],
        message: 'is required when marketplace_id is given',
      });
    if (row.asin && !row.marketplace_id)
      ctx.addIssue({ code: 'custom', path: ['marketplace_id'], message: 'is required when asin is given' });
  });

type Row = z.output<typeof rowSchema> & { readonly line: number };
type Listing = Row & { readonly amazon_seller_sku: string };
/** One variant's lines so far: the first to give its variant id, its stock code and its line per marketplace. */
interface Variant {
  id?: Row;
  code?: Row;
  readonly listings: Map<string, Listing>;
}

/** The header's problems: every column present exactly once, nothing else. */
const headerProblems = (header: readonly string[]): CatalogueImportProblem[] => {
  const known: readonly string[] = CATALOGUE_CSV_COLUMNS;
  const problems: CatalogueImportProblem[] = [];
  for (const [i, name] of header.entries()) {
    if (!known.includes(name))
      problems.push({ line: 1, message: `"${name}" is not a catalogue column (${CATALOGUE_CSV_COLUMNS.join(', ')})` });
    else if (header.indexOf(name) < i)
      problems.push({ line: 1, column: name as CatalogueCsvColumn, message: 'appears twice in the header' });
  }
  for (const column of CATALOGUE_CSV_COLUMNS)
    if (!header.includes(column)) problems.push({ line: 1, column, message: 'is missing from the header' });
  return problems;
};

/**
 * The file's records with their line numbers, and the problems csv-parse found (a broken quote, a line with more
 * or fewer values than the header). A record spanning lines (a quoted line break) counts at the line it ends on.
 */
const readRecords = (csvText: string) => {
  const problems: CatalogueImportProblem[] = [];
  let header: string[] | undefined;
  const skip = (error: CsvError | undefined) => {
    if (!error) return undefined;
    const values = Array.isArray(error.record) ? error.record.length : undefined;
    problems.push({
      line: typeof error.lines === 'number' ? error.lines : 1,
      message:
        error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' && header
          ? `has ${values} values where the header has ${header.length} columns`
          : error.message,
    });
    return undefined;
  };
  let records: { line: number; record: Record<string, string> }[] = [];
  try {
    records = parse<{ line: number; record: Record<string, string> }, Record<string, string>>(csvText, {
      bom: true,
      columns: (names: string[]) => {
        header = names;
        return names;
      },
      trim: true,
      // The catalogue export (and a careful spreadsheet) writes a formula-looking cell with a leading `'`.
      cast: (value) => fromInertCell(value),
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: skip,
      on_record: (record, context) => ({ line: context.lines, record }),
    });
  } catch (error) {
    // What skip_records_with_error cannot step over, such as a quote still open at the end of the file.
    if (!(error instanceof CsvError)) throw error;
    skip(error);
  }
  return { header, records, problems };
};

/** Reads the rows of a catalogue CSV, each validated on its own. */
const readRows = (csvText: string): { rows: Row[]; problems: CatalogueImportProblem[] } => {
  const { header, records, problems } = readRecords(csvText);
  if (!header) return { rows: [], problems: [{ line: 1, message: 'the file is empty: a header row is required' }] };
  const refused = headerProblems(header);
  // Rows read under a wrong header only repeat the header's problem.
  if (refused.length > 0) return { rows: [], problems: refused };
  const rows: Row[] = [];
  for (const { line, record } of records) {
    const parsed = rowSchema.safeParse(record);
    if (parsed.success) rows.push({ ...parsed.data, line });
    else
      for (const issue of parsed.error.issues)
        problems.push({ line, column: issue.path[0] as CatalogueCsvColumn, message: issue.message });
  }
  return { rows, problems };
};

/** A stable text of a mapping, so two mappings compare by value whatever their key order or absent fields. */
const canonical = (entry: CatalogueEntry): string =>
  JSON.stringify([
    entry.sku,
    entry.scayleVariantId ?? null,
    entry.orderwiseVariantCode ?? null,
    Object.entries(entry.amazon ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([marketplaceId, { sellerSku, asin }]) => [marketplaceId, sellerSku, asin ?? null]),
  ]);

/**
 * Checks a catalogue CSV (format above) and merges its lines into one mapping per variant. `existing`, the stored
 * map by SKU, decides what counts as added, changed or unchanged, and catches a stock code, SellerSKU or variant id
 * the file gives to one variant while the stored map keeps it on another the file does not mention.
 */
export const planCatalogueImport = (
  csvText: string,
  existing: ReadonlyMap<string, CatalogueEntry> = new Map(),
): CatalogueImportPlan => {
  const { rows, problems } = readRows(csvText);

  /** Two lines give one key to two different variants (or one variant two values): a problem on each line. */
  const conflict = (column: CatalogueCsvColumn, first: Row, second: Row, say: (self: Row, other: Row) => string) => {
    problems.push(
      { line: first.line, column, message: say(first, second) },
      { line: second.line, column, message: say(second, first) },
    );
  };
  const inFile = new Set(rows.map((row) => row.scayle_variant_reference));
  /** Keys another variant holds in the stored map, when the file leaves that variant as it is. */
  const heldElsewhere = (keysOf: (entry: CatalogueEntry) => string[]) =>
    new Map(
      [...existing.values()]
        .filter((entry) => !inFile.has(entry.sku))
        .flatMap((entry) => keysOf(entry).map((key) => [key, entry.sku] as const)),
    );
  const stored = {
    scayle_variant_id: heldElsewhere((e) => (e.scayleVariantId === undefined ? [] : [String(e.scayleVariantId)])),
    orderwise_stock_code: heldElsewhere((e) => (e.orderwiseVariantCode ? [e.orderwiseVariantCode] : [])),
    amazon_seller_sku: heldElsewhere((e) => Object.entries(e.amazon ?? {}).map(([m, a]) => `${m} ${a.sellerSku}`)),
  };
  const claimed = {
    scayle_variant_id: new Map<string, Row>(),
    orderwise_stock_code: new Map<string, Row>(),
    amazon_seller_sku: new Map<string, Row>(),
  };
  /** One variant per key across the file and the stored map; the first line to claim a key checks the stored map. */
  const claim = (column: keyof typeof claimed, key: string | undefined, row: Row, what: string) => {
    if (key === undefined) return;
    const holder = claimed[column].get(key);
    if (!holder) {
      claimed[column].set(key, row);
      const storedOn = stored[column].get(key);
      if (storedOn)
        problems.push({
          line: row.line,
          column,
          message: `${what} belongs to ${storedOn} in the catalogue, which this file leaves as it is: add ${storedOn} to the file with its new mapping`,
        });
    } else if (holder.scayle_variant_reference !== row.scayle_variant_reference)
      conflict(
        column,
        holder,
        row,
        (self, other) =>
          `${what} is given to ${self.scayle_variant_reference} here and to ${other.scayle_variant_reference} on line ${other.line}`,
      );
  };

  const variants = new Map<string, Variant>();
  for (const row of rows) {
    const sku = row.scayle_variant_reference;
    const variant: Variant = variants.get(sku) ?? { listings: new Map() };
    variants.set(sku, variant);
    if (row.scayle_variant_id !== undefined) {
      if (!variant.id) variant.id = row;
      else if (variant.id.scayle_variant_id !== row.scayle_variant_id)
        conflict(
          'scayle_variant_id',
          variant.id,
          row,
          (self, other) =>
            `${sku} is given scayle_variant_id ${self.scayle_variant_id} here and ${other.scayle_variant_id} on line ${other.line}`,
        );
    }
    if (row.orderwise_stock_code !== undefined) {
      if (!variant.code) variant.code = row;
      else if (variant.code.orderwise_stock_code !== row.orderwise_stock_code)
        conflict(
          'orderwise_stock_code',
          variant.code,
          row,
          (self, other) =>
            `${sku} is given stock code ${self.orderwise_stock_code} here and ${other.orderwise_stock_code} on line ${other.line}`,
        );
    }
    claim('scayle_variant_id', row.scayle_variant_id?.toString(), row, `scayle_variant_id ${row.scayle_variant_id}`);
    claim('orderwise_stock_code', row.orderwise_stock_code, row, `stock code ${row.orderwise_stock_code}`);
    const { marketplace_id: marketplaceId, amazon_seller_sku: sellerSku } = row;
    if (marketplaceId && sellerSku) {
      const listed = variant.listings.get(marketplaceId);
      if (listed)
        conflict(
          'marketplace_id',
          listed,
          row,
          (_, other) => `${sku} is listed for ${marketplaceId} here and again on line ${other.line}`,
        );
      else variant.listings.set(marketplaceId, { ...row, amazon_seller_sku: sellerSku });
      claim('amazon_seller_sku', `${marketplaceId} ${sellerSku}`, row, `SellerSKU ${sellerSku} in ${marketplaceId}`);
    }
  }

  const entries = [...variants].map(
    ([sku, variant]): CatalogueEntry => ({
      sku,
      ...(variant.id ? { scayleVariantId: variant.id.scayle_variant_id } : {}),
      ...(variant.code ? { orderwiseVariantCode: variant.code.orderwise_stock_code } : {}),
      ...(variant.listings.size > 0
        ? {
            amazon: Object.fromEntries(
              [...variant.listings].map(([marketplaceId, listing]) => [
                marketplaceId,
                { sellerSku: listing.amazon_seller_sku, ...(listing.asin ? { asin: listing.asin } : {}) },
              ]),
            ),
          }
        : {}),
    }),
  );
  const added = entries.filter((entry) => !existing.has(entry.sku));
  const changed = entries.filter((entry) => {
    const before = existing.get(entry.sku);
    return before !== undefined && canonical(before) !== canonical(entry);
  });
  const writes = entries.filter((entry) => added.includes(entry) || changed.includes(entry));
  const after = new Map(existing);
  for (const entry of entries) after.set(entry.sku, entry);
  const mapped = new Set(
    [...after.values()].flatMap((e) => Object.entries(e.amazon ?? {}).map(([m, { sellerSku }]) => `${m} ${sellerSku}`)),
  );
  const retired = changed.flatMap((entry) =>
    Object.entries(existing.get(entry.sku)?.amazon ?? {})
      .filter(([marketplaceId, { sellerSku }]) => !mapped.has(`${marketplaceId} ${sellerSku}`))
      .map(([marketplaceId, { sellerSku }]) => ({ marketplaceId, sellerSku, sku: entry.sku })),
  );
  return {
    entries,
    writes,
    retired,
    problems: problems.sort((a, b) => a.line - b.line),
    summary: {
      variants: entries.length,
      added: added.length,
      changed: changed.length,
      unchanged: entries.length - writes.length,
      amazonListings: [...variants.values()].reduce((sum, v) => sum + v.listings.size, 0),
    },
  };
};

/**
 * The catalogue map as a catalogue CSV (format above): one line per variant per marketplace, in entry order. A cell
 * a spreadsheet would take for a formula is written with a leading `'`, which the import takes off again.
 */
export const catalogueCsvOf = (entries: readonly CatalogueEntry[]): string => {
  const rows: (string | number | undefined)[][] = [];
  for (const entry of entries) {
    const variant = [entry.sku, entry.scayleVariantId, entry.orderwiseVariantCode];
    const listings = Object.entries(entry.amazon ?? {});
    if (listings.length === 0) rows.push([...variant, '', '', '']);
    for (const [marketplaceId, { sellerSku, asin }] of listings)
      rows.push([...variant, marketplaceId, sellerSku, asin]);
  }
  return toCsv(CATALOGUE_CSV_COLUMNS, rows);
};

/** What importing the catalogue reads and writes. */
export interface ImportCataloguePorts {
  readonly catalogue: Pick<CatalogueRepository, 'all' | 'putAll'>;
}

/** The outcome of `hub catalogue import`. */
export interface CatalogueImportReport {
  readonly dryRun: boolean;
  /** The file's changes are stored: false on a dry run and whenever the file has a problem (nothing is written). */
  readonly written: boolean;
  readonly problems: readonly CatalogueImportProblem[];
  readonly summary: CatalogueImportSummary;
  /** The SKUs whose mapping is new or changed: written when `written`, for a listing sync to follow. */
  readonly skus: readonly string[];
  /** SellerSKUs left without a variant (see `CatalogueImportPlan.retired`), for their listings to be taken down. */
  readonly retired: readonly RetiredSellerSku[];
}

/**
 * Imports a catalogue CSV into the catalogue map, all or nothing: the file is checked against the whole stored map
 * (one scan) and written only when it has no problem and it is not a dry run; only new and changed variants are
 * written. A SellerSKU or stock code that moves leaves its old alias item behind, which the repository's look-ups
 * ignore because the variant no longer names it. The repository writes aliases before variants, so a write that
 * stops half way is completed by running the import again: a variant found unchanged has its aliases already.
 */
export const makeImportCatalogue =
  ({ catalogue }: ImportCataloguePorts) =>
  async (csvText: string, { dryRun }: { dryRun: boolean }): Promise<CatalogueImportReport> => {
    const existing = new Map((await catalogue.all()).map((entry) => [entry.sku, entry]));
    const plan = planCatalogueImport(csvText, existing);
    const written = !dryRun && plan.problems.length === 0;
    if (written && plan.writes.length > 0) await catalogue.putAll(plan.writes);
    return {
      dryRun,
      written,
      problems: plan.problems,
      summary: plan.summary,
      skus: plan.writes.map((e) => e.sku),
      retired: plan.retired,
    };
  };
