import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSettlementRows } from '../../../shared/adapters/settlement-file';
import { toDecimal } from '../../../shared/domain/money';
import {
  DEFAULT_ACCOUNT_MAPPING,
  DEFAULT_ACCOUNTS,
  parseAccountMapping,
} from '../../../shared/domain/settlement/account-mapping';
import {
  aggregateSettlement,
  renderJournalCsv,
  type SettlementJournal,
  toSettlementJson,
} from '../../../shared/domain/settlement/journal';
import { parseAmount, SettlementFormatError } from '../../../shared/domain/settlement/parse';

const fixture = (name: string) => new URL(`../../fixtures/settlement/${name}`, import.meta.url);

const journalOf = (name: string) => aggregateSettlement(readSettlementRows(createReadStream(fixture(name))));

const journalOfText = (text: string, chunkSize = text.length || 1) => {
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += chunkSize) chunks.push(text.slice(at, at + chunkSize));
  return aggregateSettlement(readSettlementRows(Readable.from(chunks)));
};

const linesSum = (journal: SettlementJournal) => journal.lines.reduce((sum, line) => sum + line.amount, 0);

const COLUMNS = readFileSync(fixture('amazon-de-2024-10-11.v2.txt'), 'utf8').split('\n', 1)[0]?.split('\t') ?? [];
const AMOUNT_COLUMN = COLUMNS.indexOf('amount');

/** A V2 line: the named columns filled, every other column empty. */
const line = (values: Record<string, string>) => COLUMNS.map((column) => values[column] ?? '').join('\t');

const summaryLine = (
  totalAmount: string,
  dates: readonly string[] = ['2024-10-09 14:28:38 UTC', '23.10.2024 14:28:39 UTC'],
) =>
  line({
    'settlement-id': '777',
    'settlement-start-date': dates[0] ?? '',
    'settlement-end-date': dates[1] ?? '',
    'deposit-date': '2024-10-25T16:28:39+02:00',
    'total-amount': totalAmount,
    currency: 'EUR',
  });

const detailLine = (transactionType: string, amountType: string, amountDescription: string, amount: string) =>
  line({
    'settlement-id': '777',
    'transaction-type': transactionType,
    'amount-type': amountType,
    'amount-description': amountDescription,
    amount,
  });

describe('aggregateSettlement on real files', () => {
  it.each([
    ['amazon-us-2024-10-09.v2.txt', '21574497411', 'USD', 197717, 327],
    ['amazon-de-2024-10-11.v2.txt', '23167452842', 'EUR', 19665, 102],
    ['amazon-uk-2024-10-18.v2.txt', '23208776292', 'GBP', 34660, 126],
  ])('balances %s: its lines sum to its total-amount, all mapped', async (name, id, currency, total, rows) => {
    const journal = await journalOf(name);
    expect(journal).toMatchObject({ settlementId: id, currency, totalAmount: total, rowCount: rows, balanced: true });
    expect(linesSum(journal)).toBe(total);
    expect(journal.unmapped).toEqual([]);
    expect(journal.lines.map((l) => l.account)).not.toContain(DEFAULT_ACCOUNTS.suspense);
  });

  it('reads the DE file’s comma decimals and dd.MM.yyyy dates', async () => {
    const journal = await journalOf('amazon-de-2024-10-11.v2.txt');
    expect(journal).toMatchObject({
      startDate: '2024-10-11T08:59:52Z',
      endDate: '2024-10-25T08:59:51Z',
      depositDate: '2024-10-27T08:59:51Z',
      totalAmount: 19665,
    });
    expect(journal.lines).toContainEqual({
      account: DEFAULT_ACCOUNTS.sales,
      description: 'Order / ItemPrice / Principal',
      amount: 65040,
    });
    expect(journal.lines).toContainEqual({
      account: DEFAULT_ACCOUNTS.reserve,
      description: 'other-transaction / other-transaction / Current Reserve Amount',
      amount: -32410,
    });
  });

  it('reads the UK file’s dd.MM.yyyy dates with point decimals', async () => {
    const journal = await journalOf('amazon-uk-2024-10-18.v2.txt');
    expect(journal.startDate).toBe('2024-10-18T08:59:44Z');
    expect(journal.lines).toContainEqual({
      account: DEFAULT_ACCOUNTS.reserve,
      description: 'other-transaction / other-transaction / Previous Reserve Amount Balance',
      amount: 35368,
    });
  });

  it('prints amounts in JSON as decimal strings with a point', async () => {
    const json = toSettlementJson(await journalOf('amazon-de-2024-10-11.v2.txt'));
    expect(json.totalAmount).toBe('196.65');
    expect(json.lines).toContainEqual({
      account: DEFAULT_ACCOUNTS.refunds,
      description: 'Refund / ItemPrice / Principal',
      amount: '-108.40',
    });
  });
});

describe('aggregateSettlement', () => {
  it('is unbalanced when the rows do not sum to total-amount', async () => {
    const text = [COLUMNS.join('\t'), summaryLine('10,00'), detailLine('Order', 'ItemPrice', 'Principal', '9,99')];
    const journal = await journalOfText(text.join('\n'));
    expect(journal.balanced).toBe(false);
    expect(linesSum(journal)).toBe(999);
  });

  it('puts unmapped kinds on the suspense account of the mapping it is given', async () => {
    const mapping = parseAccountMapping({
      depositAccount: '1200 Bank',
      suspenseAccount: '9999 Suspense',
      rules: [{ amountDescription: 'Principal', account: '4000 Sales' }],
    });
    const text = [
      COLUMNS.join('\t'),
      summaryLine('7.00'),
      detailLine('Order', 'ItemPrice', 'Principal', '10.00'),
      detailLine('Order', 'ItemFees', 'Commission', '-3.00'),
    ].join('\n');
    const journal = await aggregateSettlement(readSettlementRows(Readable.from([text])), mapping);
    expect(journal).toMatchObject({
      balanced: true,
      depositAccount: '1200 Bank',
      lines: [
        { account: '4000 Sales', description: 'Order / ItemPrice / Principal', amount: 1000 },
        { account: '9999 Suspense', description: 'Order / ItemFees / Commission', amount: -300 },
      ],
      unmapped: [{ transactionType: 'Order', amountType: 'ItemFees', amountDescription: 'Commission', amount: -300 }],
    });
  });

  const failure = async (lines: string[]) => {
    const error = await journalOfText(lines.join('\n')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SettlementFormatError);
    return (error as SettlementFormatError).message;
  };

  it('names the line of an amount that is not a number', async () => {
    const message = await failure([
      COLUMNS.join('\t'),
      summaryLine('1,00'),
      detailLine('Order', 'ItemPrice', 'Principal', '1,00'),
      detailLine('Order', 'ItemPrice', 'Tax', '12,3,4'),
    ]);
    expect(message).toBe("line 4: amount '12,3,4' is not a number");
  });

  it('names the summary row’s bad date, total or currency', async () => {
    expect(await failure([COLUMNS.join('\t'), summaryLine('1.00', ['31.02.2024 00:00:00 UTC', '2024-03-01'])])).toBe(
      "line 2: settlement-start-date '31.02.2024 00:00:00 UTC' is not a date",
    );
    expect(await failure([COLUMNS.join('\t'), summaryLine('1.0.0')])).toBe(
      "line 2: total-amount '1.0.0' is not a number",
    );
    expect(await failure([COLUMNS.join('\t'), summaryLine('1.00').replace('EUR', 'euro')])).toBe(
      "line 2: currency 'euro' is not an ISO 4217 code",
    );
  });

  it('refuses a file without a summary row', async () => {
    expect(await failure([COLUMNS.join('\t')])).toBe('line 2: no summary row: the file has no data rows');
    expect(await failure([COLUMNS.join('\t'), detailLine('Order', 'ItemPrice', 'Principal', '1.00')])).toMatch(
      /^line 2: no summary row/,
    );
  });

  it('refuses rows of another settlement joined into the file', async () => {
    const other = detailLine('Order', 'ItemPrice', 'Principal', '1.00').replace('777', '778');
    expect(await failure([COLUMNS.join('\t'), summaryLine('1.00'), other])).toBe(
      "line 3: settlement-id '778' differs from the summary row's '777'",
    );
  });
});

type Style = 'us' | 'de' | 'plain-us' | 'plain-de';

/** Writes minor units the way a US or DE file would, with or without thousands separators. */
const writeAmount = (minor: number, style: Style): string => {
  const [whole = '', cents = ''] = toDecimal(Math.abs(minor)).split('.');
  const sign = minor < 0 ? '-' : '';
  const grouped = (separator: string) => whole.replace(/\B(?=(\d{3})+$)/g, separator);
  switch (style) {
    case 'us':
      return `${sign}${grouped(',')}.${cents}`;
    case 'de':
      return `${sign}${grouped('.')},${cents}`;
    case 'plain-us':
      return `${sign}${whole}.${cents}`;
    case 'plain-de':
      return `${sign}${whole},${cents}`;
  }
};

const KNOWN_KINDS = [
  ['Order', 'ItemPrice', 'Principal'],
  ['Order', 'ItemPrice', 'Tax'],
  ['Order', 'ItemWithheldTax', 'MarketplaceFacilitatorVAT-Principal'],
  ['Order', 'ItemFees', 'Commission'],
  ['Order', 'Promotion', 'Shipping'],
  ['Refund', 'ItemPrice', 'Principal'],
  ['Refund', 'ItemFees', 'RefundCommission'],
  ['Liquidations', 'ItemFees', 'LiquidationsBrokerageFee'],
  ['ServiceFee', 'Cost of Advertising', 'TransactionTotalAmount'],
  ['other-transaction', 'other-transaction', 'Current Reserve Amount'],
] as const;

// Types the default mapping has no rule for, not even a wildcard one.
const UNKNOWN_KINDS = [
  ['Chargeback Refund', 'x-Chargeback', 'Principal'],
  ['Order_Retrocharge', 'Base Tax', 'x-Tax'],
  ['x-New Programme', 'x-Enrollment', 'x-Fee'],
] as const;

const rowArbitrary = fc.record({
  kind: fc.oneof(fc.constantFrom(...KNOWN_KINDS), fc.constantFrom(...UNKNOWN_KINDS)),
  minor: fc.integer({ min: -5_000_000, max: 5_000_000 }),
  style: fc.constantFrom<Style>('us', 'de', 'plain-us', 'plain-de'),
  // Fields kept after the amount column (0 = the row ends at amount) or extra fields beyond the header.
  shape: fc.oneof(fc.integer({ min: 0, max: COLUMNS.length - AMOUNT_COLUMN - 1 }), fc.constant(COLUMNS.length + 2)),
});

type GeneratedRow = typeof rowArbitrary extends fc.Arbitrary<infer R> ? R : never;

const reportArbitrary = fc
  .record({
    rows: fc.array(rowArbitrary, { maxLength: 60 }),
    offBy: fc.oneof(fc.constant(0), fc.integer({ min: -1000, max: 1000 })),
    totalStyle: fc.constantFrom<Style>('us', 'de', 'plain-us', 'plain-de'),
    dates: fc.constantFrom(
      ['11.10.2024 08:59:52 UTC', '25.10.2024 08:59:51 UTC'],
      ['2024-10-11 08:59:52 UTC', '2024-10-25T10:59:51+02:00'],
    ),
    newline: fc.constantFrom('\n', '\r\n'),
    chunkSize: fc.integer({ min: 1, max: 4096 }),
  })
  .chain((report) =>
    fc.record({
      report: fc.constant(report),
      shuffled: fc.shuffledSubarray(report.rows, { minLength: report.rows.length }),
    }),
  );

const sumOf = (rows: readonly GeneratedRow[]) => rows.reduce((sum, row) => sum + row.minor, 0);

const writeReport = (rows: readonly GeneratedRow[], total: string, dates: readonly string[], newline: string) =>
  [
    COLUMNS.join('\t'),
    summaryLine(total, dates),
    ...rows.map(({ kind, minor, style, shape }) => {
      const [transactionType, amountType, amountDescription] = kind;
      const fields = detailLine(transactionType, amountType, amountDescription, writeAmount(minor, style)).split('\t');
      const width = shape > COLUMNS.length ? shape : AMOUNT_COLUMN + 1 + shape;
      return [...fields, 'extra', 'extra'].slice(0, width).join('\t');
    }),
  ].join(newline) + newline;

describe('aggregateSettlement on generated reports', () => {
  it('balances iff the total equals the rows’ sum, puts unknown kinds on suspense, and ignores row order', async () => {
    await fc.assert(
      fc.asyncProperty(reportArbitrary, async ({ report, shuffled }) => {
        const sum = sumOf(report.rows);
        const total = writeAmount(sum + report.offBy, report.totalStyle);
        const journal = await journalOfText(
          writeReport(report.rows, total, report.dates, report.newline),
          report.chunkSize,
        );

        expect(journal.totalAmount).toBe(parseAmount(total));
        expect(journal.rowCount).toBe(report.rows.length);
        expect(linesSum(journal)).toBe(sum);
        expect(journal.balanced).toBe(report.offBy === 0);

        const unknown = new Map<string, number>();
        for (const { kind, minor } of report.rows) {
          if (UNKNOWN_KINDS.includes(kind as (typeof UNKNOWN_KINDS)[number])) {
            const description = kind.join(' / ');
            unknown.set(description, (unknown.get(description) ?? 0) + minor);
          }
        }
        expect(
          journal.unmapped.map((u) => [`${u.transactionType} / ${u.amountType} / ${u.amountDescription}`, u.amount]),
        ).toEqual([...unknown].sort());
        expect(
          journal.lines
            .filter((l) => l.account === DEFAULT_ACCOUNT_MAPPING.suspenseAccount)
            .map((l) => [l.description, l.amount]),
        ).toEqual([...unknown].sort());

        const reordered = await journalOfText(
          writeReport(shuffled, total, report.dates, report.newline),
          report.chunkSize,
        );
        expect(reordered).toEqual(journal);
      }),
      { numRuns: 200 },
    );
  });
});

describe('renderJournalCsv', () => {
  const cents = (value: string) => (value === '' ? 0 : (parseAmount(value) ?? Number.NaN));

  it.each(['amazon-us-2024-10-09.v2.txt', 'amazon-de-2024-10-11.v2.txt', 'amazon-uk-2024-10-18.v2.txt'])(
    'writes %s as an entry whose debits equal its credits',
    async (name) => {
      const journal = await journalOf(name);
      const [header, ...rows] = renderJournalCsv(journal).trimEnd().split('\n');
      expect(header).toBe('date,account,description,debit,credit,currency,settlement-id');
      const fields = rows.map((row) => row.split(','));
      const debits = fields.reduce((sum, f) => sum + cents(f[3] ?? ''), 0);
      const credits = fields.reduce((sum, f) => sum + cents(f[4] ?? ''), 0);
      expect(debits).toBe(credits);
      for (const f of fields) {
        expect(f[0]).toBe(journal.depositDate.slice(0, 10));
        expect([f[3], f[4]].filter((side) => side === '')).toHaveLength(1);
        expect(f.slice(5)).toEqual([journal.currency, journal.settlementId]);
      }
      expect(rows.at(-1)).toBe(
        `${journal.depositDate.slice(0, 10)},${DEFAULT_ACCOUNTS.deposit},Amazon settlement ${journal.settlementId} deposit,${toDecimal(journal.totalAmount)},,${journal.currency},${journal.settlementId}`,
      );
    },
  );

  it('credits income, debits fees, leaves zero lines out and quotes fields with commas', async () => {
    const mapping = parseAccountMapping({
      depositAccount: 'Bank',
      suspenseAccount: 'Suspense',
      rules: [
        { amountDescription: 'Principal', account: 'Sales, Amazon' },
        { amountDescription: 'Commission', account: 'Fees' },
      ],
    });
    const text = [
      COLUMNS.join('\t'),
      summaryLine('7.00', ['2024-10-09', '2024-10-23']),
      detailLine('Order', 'ItemPrice', 'Principal', '10.00'),
      detailLine('Order', 'ItemFees', 'Commission', '-3.00'),
      detailLine('Order', 'ItemWithheldTax', 'MarketplaceFacilitatorVAT-Shipping', '0.00'),
    ].join('\n');
    const journal = await aggregateSettlement(readSettlementRows(Readable.from([text])), mapping);
    expect(renderJournalCsv(journal)).toBe(
      [
        'date,account,description,debit,credit,currency,settlement-id',
        '2024-10-25,Fees,Order / ItemFees / Commission,3.00,,EUR,777',
        '2024-10-25,"Sales, Amazon",Order / ItemPrice / Principal,,10.00,EUR,777',
        '2024-10-25,Bank,Amazon settlement 777 deposit,7.00,,EUR,777',
        '',
      ].join('\n'),
    );
  });
});

describe('aggregateSettlement and renderJournalCsv at the edges', () => {
  const journalOfLines = (lines: readonly string[], mapping = DEFAULT_ACCOUNT_MAPPING) =>
    aggregateSettlement(readSettlementRows(Readable.from([[COLUMNS.join('\t'), ...lines].join('\n')])), mapping);
  const failureOf = async (lines: readonly string[]) => {
    const error = await journalOfLines(lines).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SettlementFormatError);
    return (error as SettlementFormatError).message;
  };

  it('refuses a first row without settlement-id or total-amount, or with a transaction-type, as no summary row', async () => {
    const summary = summaryLine('1.00');
    const cells = summary.split('\t');
    const without = (column: string, value = '') =>
      cells.map((cell, i) => (COLUMNS[i] === column ? value : cell)).join('\t');

    for (const first of [without('settlement-id'), without('total-amount'), without('transaction-type', 'Order')]) {
      expect(await failureOf([first])).toBe(
        'line 2: no summary row: the first data row must carry settlement-id and total-amount and no transaction-type',
      );
    }
  });

  it('accepts detail rows that leave the settlement-id blank', async () => {
    const detail = detailLine('Order', 'ItemPrice', 'Principal', '1.00').replace('777', '');

    expect(await journalOfLines([summaryLine('1.00'), detail])).toMatchObject({ balanced: true, rowCount: 1 });
  });

  it('keeps apart kinds that share a transaction type and description but not their amount type', async () => {
    const journal = await journalOfLines([
      summaryLine('3.00'),
      detailLine('Order', 'ItemPrice', 'Tax', '1.00'),
      detailLine('Order', 'Promotion', 'Tax', '2.00'),
    ]);

    expect(new Map(journal.lines.map((l) => [l.description, l.amount]))).toEqual(
      new Map([
        ['Order / ItemPrice / Tax', 100],
        ['Order / Promotion / Tax', 200],
      ]),
    );
  });

  it('sorts a journal of many kinds the same whatever order the rows came in', async () => {
    const kinds = Array.from({ length: 80 }, (_, i) => `Kind-${String(i).padStart(2, '0')}`);
    // A fixed shuffle (37 and 80 are coprime): long enough for the sort to merge runs, not only insert.
    const rows = kinds.map((_, i) => detailLine('Other', 'misc', kinds[(i * 37) % 80] as string, '1.00'));

    const journal = await journalOfLines([summaryLine('80.00'), ...rows]);

    expect(journal.lines.map((l) => l.description)).toEqual(kinds.map((kind) => `Other / misc / ${kind}`));
  });

  it('refuses amounts whose sum a minor-unit count cannot hold exactly', async () => {
    const huge = detailLine('Order', 'ItemPrice', 'Principal', '90071992547409.91');

    expect(await failureOf([summaryLine('1.00'), huge, huge])).toBe('line 4: amounts sum out of range');
  });

  it('doubles the quotes of a field it quotes, and writes no deposit line for a settlement that nets to nothing', async () => {
    const mapping = parseAccountMapping({
      depositAccount: 'Bank',
      suspenseAccount: 'Suspense',
      rules: [
        { amountDescription: 'Principal', account: 'Sales "Amazon"' },
        { amountDescription: 'Commission', account: 'Fees' },
      ],
    });
    const journal = await journalOfLines(
      [
        summaryLine('0.00', ['2024-10-09', '2024-10-23']),
        detailLine('Order', 'ItemPrice', 'Principal', '3.00'),
        detailLine('Order', 'ItemFees', 'Commission', '-3.00'),
      ],
      mapping,
    );

    expect(renderJournalCsv(journal)).toBe(
      [
        'date,account,description,debit,credit,currency,settlement-id',
        '2024-10-25,Fees,Order / ItemFees / Commission,3.00,,EUR,777',
        '2024-10-25,"Sales ""Amazon""",Order / ItemPrice / Principal,,3.00,EUR,777',
        '',
      ].join('\n'),
    );
  });
});
