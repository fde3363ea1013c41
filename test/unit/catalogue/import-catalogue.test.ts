import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCatalogueImport } from '../../../local/commands/catalogue';
import { DEMO_CATALOGUE, demoCatalogueMap } from '../../../local/simulators/catalogue';
import type { CatalogueEntry } from '../../../shared/adapters/aws/catalogue-repository';
import {
  type CatalogueImportProblem,
  catalogueCsvOf,
  makeImportCatalogue,
  planCatalogueImport,
} from '../../../shared/use-cases/catalogue/import-catalogue';

const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';
const HEADER = 'scayle_variant_reference,scayle_variant_id,orderwise_stock_code,marketplace_id,amazon_seller_sku,asin';
const fixture = (name: string) =>
  readFileSync(path.resolve(import.meta.dirname, '../../fixtures/catalogue', name), 'utf8');
const GOOD = fixture('good.csv');
const BAD = fixture('bad.csv');
const csv = (...rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;
const where = (problems: readonly CatalogueImportProblem[]) =>
  [...problems]
    .sort((a, b) => a.line - b.line || (a.column ?? '').localeCompare(b.column ?? ''))
    .map((p) => `${p.line} ${p.column ?? '-'}`);

const GOOD_ENTRIES: CatalogueEntry[] = [
  {
    sku: 'SH-010-BLK-S',
    scayleVariantId: 100001,
    orderwiseVariantCode: 'OW010BLKS',
    amazon: {
      [UK]: { sellerSku: 'AMZ-010-BLK-S', asin: 'B007000037' },
      [DE]: { sellerSku: 'AMZ-010-BLK-S', asin: 'B007000037' },
    },
  },
  {
    sku: 'SH-010-BLK-M',
    scayleVariantId: 100002,
    orderwiseVariantCode: 'OW010BLKM',
    amazon: { [UK]: { sellerSku: 'AMZ-010-BLK-M', asin: 'B007000074' }, [DE]: { sellerSku: 'AMZ-010-BLK-M-DE' } },
  },
  { sku: 'SH-010-BLK-L', scayleVariantId: 100003, orderwiseVariantCode: 'OW010BLKL' },
  {
    sku: 'SH-010-BLK-XL',
    scayleVariantId: 100004,
    amazon: { [DE]: { sellerSku: 'AMZ-010-BLK-XL, DE', asin: 'B007000148' } },
  },
];

describe('planCatalogueImport', () => {
  it("merges a variant's lines for two marketplaces into one mapping", () => {
    const plan = planCatalogueImport(GOOD);
    expect(plan.problems).toEqual([]);
    expect(plan.entries).toStrictEqual(GOOD_ENTRIES);
    expect(plan.summary).toEqual({ variants: 4, added: 4, changed: 0, unchanged: 0, amazonListings: 5 });
  });

  it.each([
    ['good', GOOD],
    ['bad', BAD],
  ])('reads the %s file with a byte order mark and CRLF line ends as it reads it plain', (_, text) => {
    expect(planCatalogueImport(`\ufeff${text.replaceAll('\n', '\r\n')}`)).toEqual(planCatalogueImport(text));
  });

  it('reports every problem at its line and column, and a clash on both of its lines', () => {
    const { problems } = planCatalogueImport(BAD);
    expect(where(problems)).toEqual([
      '2 amazon_seller_sku',
      '2 orderwise_stock_code',
      '3 scayle_variant_reference',
      '4 scayle_variant_id',
      '5 marketplace_id',
      '6 marketplace_id',
      '7 amazon_seller_sku',
      '8 amazon_seller_sku',
      '9 orderwise_stock_code',
      '10 scayle_variant_id',
      '11 scayle_variant_id',
      '12 marketplace_id',
      '12 orderwise_stock_code',
      '13 marketplace_id',
      '13 orderwise_stock_code',
      '14 asin',
      '15 -',
    ]);
    const at = (line: number, column?: string) =>
      problems.filter((p) => p.line === line && p.column === column).map((p) => p.message);
    expect(at(5, 'marketplace_id')[0]).toMatch(/^XX123 is not a marketplace the hub knows/);
    expect(at(6, 'marketplace_id')).toEqual(['is required when amazon_seller_sku is given']);
    expect(at(7, 'amazon_seller_sku')).toEqual(['is required when marketplace_id is given']);
    expect(at(8, 'amazon_seller_sku')).toEqual([
      `SellerSKU AMZ-1 in ${UK} is given to SH-7 here and to SH-1 on line 2`,
    ]);
    expect(at(2, 'amazon_seller_sku')).toEqual([
      `SellerSKU AMZ-1 in ${UK} is given to SH-1 here and to SH-7 on line 8`,
    ]);
    expect(at(9, 'orderwise_stock_code')).toEqual(['stock code OW1 is given to SH-8 here and to SH-1 on line 2']);
    expect(at(11, 'scayle_variant_id')).toEqual(['SH-9 is given scayle_variant_id 100010 here and 100009 on line 10']);
    expect(at(13, 'marketplace_id')).toEqual([`SH-10 is listed for ${UK} here and again on line 12`]);
    expect(at(15)).toEqual(['has 3 values where the header has 6 columns']);
  });

  it('refuses one scayle_variant_id on two variants', () => {
    expect(where(planCatalogueImport(csv('SH-1,100001,OW1,,,', 'SH-2,100001,OW2,,,')).problems)).toEqual([
      '2 scayle_variant_id',
      '3 scayle_variant_id',
    ]);
  });

  it('names every header problem on line 1 and reads no rows under a wrong header', () => {
    const plan = planCatalogueImport(
      'sku,scayle_variant_id,scayle_variant_id,marketplace_id,amazon_seller_sku,asin\nSH-1,x,,,,\n',
    );
    expect(plan.problems).toEqual([
      { line: 1, message: expect.stringMatching(/^"sku" is not a catalogue column/) },
      { line: 1, column: 'scayle_variant_id', message: 'appears twice in the header' },
      { line: 1, column: 'scayle_variant_reference', message: 'is missing from the header' },
      { line: 1, column: 'orderwise_stock_code', message: 'is missing from the header' },
    ]);
    expect(plan.entries).toEqual([]);
  });

  it('accepts the columns in any order', () => {
    const plan = planCatalogueImport(
      'asin,amazon_seller_sku,marketplace_id,orderwise_stock_code,scayle_variant_id,scayle_variant_reference\n' +
        `B007000037,AMZ-1,${UK},OW1,100001,SH-1\n`,
    );
    expect(plan.problems).toEqual([]);
    expect(plan.entries).toEqual([
      {
        sku: 'SH-1',
        scayleVariantId: 100001,
        orderwiseVariantCode: 'OW1',
        amazon: { [UK]: { sellerSku: 'AMZ-1', asin: 'B007000037' } },
      },
    ]);
  });

  it('refuses an empty file and a quote left open', () => {
    expect(planCatalogueImport('\ufeff\n\n').problems).toEqual([
      { line: 1, message: 'the file is empty: a header row is required' },
    ]);
    expect(where(planCatalogueImport(csv('SH-1,100001,OW1,,,', 'SH-2,"100002,OW2,,,')).problems)).toEqual(['3 -']);
  });

  it('counts added, changed and unchanged variants against the stored map and writes only what differs', () => {
    const [small, medium, large, extraLarge] = GOOD_ENTRIES as [
      CatalogueEntry,
      CatalogueEntry,
      CatalogueEntry,
      CatalogueEntry,
    ];
    const existing = new Map<string, CatalogueEntry>([
      // As DynamoDB returns it: other key order, an absent ASIN stored as undefined.
      [
        medium.sku,
        {
          amazon: { [DE]: { sellerSku: 'AMZ-010-BLK-M-DE', asin: undefined }, [UK]: medium.amazon?.[UK] as never },
          orderwiseVariantCode: 'OW010BLKM',
          scayleVariantId: 100002,
          sku: medium.sku,
        },
      ],
      [large.sku, { ...large, orderwiseVariantCode: 'OW010BLKL-OLD' }],
      // The file drops the UK listing: that is a change.
      [extraLarge.sku, { ...extraLarge, amazon: { ...extraLarge.amazon, [UK]: { sellerSku: 'AMZ-010-BLK-XL' } } }],
      ['SH-999', { sku: 'SH-999', orderwiseVariantCode: 'OW999' }],
    ]);
    const plan = planCatalogueImport(GOOD, existing);
    expect(plan.problems).toEqual([]);
    expect(plan.summary).toEqual({ variants: 4, added: 1, changed: 2, unchanged: 1, amazonListings: 5 });
    expect(plan.writes.map((e) => e.sku)).toEqual([small.sku, large.sku, extraLarge.sku]);
  });

  it('names the SellerSKUs a changed variant leaves and no variant maps afterwards, for their listings to go', () => {
    const existing = new Map<string, CatalogueEntry>([
      [
        'SH-1',
        {
          sku: 'SH-1',
          orderwiseVariantCode: 'OW1',
          amazon: { [UK]: { sellerSku: 'AMZ-1' }, [DE]: { sellerSku: 'AMZ-1' } },
        },
      ],
      ['SH-2', { sku: 'SH-2', orderwiseVariantCode: 'OW2', amazon: { [UK]: { sellerSku: 'AMZ-2' } } }],
      ['SH-3', { sku: 'SH-3', orderwiseVariantCode: 'OW3', amazon: { [UK]: { sellerSku: 'AMZ-3' } } }],
    ]);
    // SH-1 moves to a new SellerSKU in the UK and leaves DE; SH-2 and SH-3 swap SellerSKUs.
    const plan = planCatalogueImport(
      csv(`SH-1,,OW1,${UK},AMZ-1-NEW,`, `SH-2,,OW2,${UK},AMZ-3,`, `SH-3,,OW3,${UK},AMZ-2,`),
      existing,
    );
    expect(plan.problems).toEqual([]);
    expect(plan.retired).toEqual([
      { marketplaceId: UK, sellerSku: 'AMZ-1', sku: 'SH-1' },
      { marketplaceId: DE, sellerSku: 'AMZ-1', sku: 'SH-1' },
    ]);
  });

  it('refuses a stock code or SellerSKU the stored map keeps on a variant the file leaves alone', () => {
    const existing = new Map<string, CatalogueEntry>([
      ['SH-OLD', { sku: 'SH-OLD', orderwiseVariantCode: 'OW1', amazon: { [UK]: { sellerSku: 'AMZ-1' } } }],
    ]);
    const moved = planCatalogueImport(csv(`SH-NEW,,OW1,${UK},AMZ-1,`), existing);
    expect(moved.problems).toEqual([
      {
        line: 2,
        column: 'orderwise_stock_code',
        message:
          'stock code OW1 belongs to SH-OLD in the catalogue, which this file leaves as it is: add SH-OLD to the file with its new mapping',
      },
      {
        line: 2,
        column: 'amazon_seller_sku',
        message: expect.stringMatching(/^SellerSKU AMZ-1 in .* belongs to SH-OLD/),
      },
    ]);
    // Moving both in one file is fine: the old variant is re-mapped too.
    expect(planCatalogueImport(csv(`SH-NEW,,OW1,${UK},AMZ-1,`, 'SH-OLD,,OW2,,,'), existing).problems).toEqual([]);
  });
});

describe('catalogueCsvOf', () => {
  it('round-trips the demo catalogue in two marketplaces through planCatalogueImport', () => {
    const entries: CatalogueEntry[] = demoCatalogueMap([UK, DE]);
    const plan = planCatalogueImport(catalogueCsvOf(entries));
    expect(plan.problems).toEqual([]);
    expect(plan.entries).toEqual(entries);
    expect(plan.summary.amazonListings).toBe(2 * DEMO_CATALOGUE.filter((v) => v.amazon).length);
  });

  it('quotes values with commas, quotes, line breaks or edge spaces so they come back as they were', () => {
    const entries: CatalogueEntry[] = [
      {
        sku: 'SH "quoted", 1',
        orderwiseVariantCode: ' OW,1 ',
        amazon: { [UK]: { sellerSku: 'AMZ\n1' }, [DE]: { sellerSku: 'AMZ "2"' } },
      },
      { sku: 'SH-2' },
    ];
    const text = catalogueCsvOf(entries);
    expect(text.split('\n')[1]).toBe(`"SH ""quoted"", 1",," OW,1 ",${UK},"AMZ`);
    expect(planCatalogueImport(text)).toMatchObject({ problems: [], entries });
  });
});

describe('catalogueCsvOf against formula injection', () => {
  it('writes values a spreadsheet would run as formulas inert, and the import reads them back as they were', () => {
    const entries: CatalogueEntry[] = [{ sku: '=HYPERLINK("x")', amazon: { [UK]: { sellerSku: '-SKU+1' } } }];
    const text = catalogueCsvOf(entries);

    expect(text.split('\n')[1]).toBe(`"'=HYPERLINK(""x"")",,,${UK},'-SKU+1,`);
    expect(planCatalogueImport(text)).toMatchObject({ problems: [], entries });
  });
});

describe('makeImportCatalogue', () => {
  const storedMap = (...entries: CatalogueEntry[]) => {
    const written: CatalogueEntry[][] = [];
    const importCatalogue = makeImportCatalogue({
      catalogue: {
        all: async () => entries,
        putAll: async (batch) => {
          written.push([...batch]);
        },
      },
    });
    return { importCatalogue, written };
  };

  it('only reports on a dry run, naming the SKUs an import would write', async () => {
    const { importCatalogue, written } = storedMap(GOOD_ENTRIES[0] as CatalogueEntry);
    const report = await importCatalogue(GOOD, { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, written: false, problems: [] });
    expect(report.skus).toEqual(['SH-010-BLK-M', 'SH-010-BLK-L', 'SH-010-BLK-XL']);
    expect(written).toEqual([]);
  });

  it('writes nothing from a file with a problem, even the lines without one', async () => {
    const { importCatalogue, written } = storedMap();
    const report = await importCatalogue(BAD, { dryRun: false });
    expect(report.written).toBe(false);
    expect(report.problems.length).toBeGreaterThan(0);
    expect(written).toEqual([]);
  });

  it('writes the new and changed variants in one putAll and returns their SKUs', async () => {
    const { importCatalogue, written } = storedMap(GOOD_ENTRIES[0] as CatalogueEntry);
    const report = await importCatalogue(GOOD, { dryRun: false });
    expect(report).toMatchObject({ written: true, skus: ['SH-010-BLK-M', 'SH-010-BLK-L', 'SH-010-BLK-XL'] });
    expect(written).toEqual([GOOD_ENTRIES.slice(1)]);
  });
});

describe('describeCatalogueImport', () => {
  it('prints each problem as line and column, then the summary and that nothing was written', () => {
    const report = {
      dryRun: false,
      written: false,
      problems: [
        { line: 12, column: 'amazon_seller_sku' as const, message: 'is required when marketplace_id is given' },
        { line: 15, message: 'has 3 values where the header has 6 columns' },
      ],
      summary: { variants: 3, added: 1, changed: 1, unchanged: 1, amazonListings: 4 },
      skus: [],
      retired: [],
    };
    expect(describeCatalogueImport(report, 'stage dev')).toEqual([
      'line 12, amazon_seller_sku: is required when marketplace_id is given',
      'line 15: has 3 values where the header has 6 columns',
      '3 variants: 1 added, 1 changed, 1 unchanged; 4 Amazon listings',
      '2 problems: nothing was written to stage dev (an import writes the whole file or nothing)',
    ]);
  });

  it('says which SellerSKUs an import takes down on Amazon', () => {
    const report = {
      dryRun: true,
      written: false,
      problems: [],
      summary: { variants: 1, added: 0, changed: 1, unchanged: 0, amazonListings: 1 },
      skus: ['SH-1'],
      retired: [{ marketplaceId: UK, sellerSku: 'AMZ-1', sku: 'SH-1' }],
    };
    expect(describeCatalogueImport(report, 'stage dev').slice(-1)).toEqual([
      `1 SellerSKUs no longer mapped to any variant would be taken down on Amazon: AMZ-1@${UK} (was SH-1)`,
    ]);
  });
});
