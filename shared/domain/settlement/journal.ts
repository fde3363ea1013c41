/**
 * Turns the rows of a settlement file into one journal entry: amounts summed in minor units per
 * (transaction-type, amount-type, amount-description), each sum on its mapped account. Rows are folded in as they
 * stream past and never kept, so memory depends on the number of distinct kinds, not on the file's size.
 *
 * Sign convention: a line's amount is signed as in the file (positive = Amazon owes the seller, a credit on the
 * mapped account); the deposit line, equal to total-amount, is the other side (a debit on the bank when Amazon
 * pays out, a credit when it charges the seller). The entry balances when the lines sum to total-amount; the
 * loop raises SETTLEMENT_UNBALANCED and posts nothing when they do not.
 */

import { toCsv } from '../../runtime/csv';
import { toDecimal } from '../money';
import { type AccountMapping, type AmountKind, accountFor, DEFAULT_ACCOUNT_MAPPING } from './account-mapping';
import {
  parseAmount,
  parseSettlementDate,
  SETTLEMENT_COLUMNS,
  SettlementFormatError,
  type SettlementRow,
} from './parse';

/** One line of the journal: the summed amount (minor units) of one kind of amount, on its account. */
export interface JournalLine {
  readonly account: string;
  /** `transaction-type / amount-type / amount-description`, so the line traces back to the file. */
  readonly description: string;
  readonly amount: number;
}

/** A kind of amount no mapping rule matched, with its summed amount (minor units); it sits on suspense. */
export interface UnmappedAmount extends AmountKind {
  readonly amount: number;
}

/** The journal entry of one settlement. Amounts are minor units; dates ISO-8601 UTC. */
export interface SettlementJournal {
  readonly settlementId: string;
  readonly currency: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly depositDate: string;
  /** The payout Amazon states on the summary row. */
  readonly totalAmount: number;
  /** Detail rows read (the summary row not counted). */
  readonly rowCount: number;
  /** The account of the deposit line, the other side of the entry with `totalAmount`. */
  readonly depositAccount: string;
  /** One line per kind of amount, unmapped kinds on the suspense account; sorted by account, then description. */
  readonly lines: readonly JournalLine[];
  readonly unmapped: readonly UnmappedAmount[];
  /** True when the lines sum to `totalAmount`, i.e. debits equal credits. */
  readonly balanced: boolean;
}

/** `SettlementJournal` with amounts as decimal strings (`-1234.50`), the form the CLI and JSON consumers read. */
export type SettlementJournalJson = Omit<SettlementJournal, 'totalAmount' | 'lines' | 'unmapped'> & {
  readonly totalAmount: string;
  readonly lines: readonly (Omit<JournalLine, 'amount'> & { readonly amount: string })[];
  readonly unmapped: readonly (AmountKind & { readonly amount: string })[];
};

interface Summary {
  readonly settlementId: string;
  readonly currency: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly depositDate: string;
  readonly totalAmount: number;
}

interface KindSum extends AmountKind {
  amount: number;
}

const CURRENCY = /^[A-Z]{3}$/;

const date = (row: SettlementRow, field: 'startDate' | 'endDate' | 'depositDate'): string => {
  const parsed = parseSettlementDate(row[field]);
  if (parsed === undefined) {
    throw new SettlementFormatError(row.line, `${SETTLEMENT_COLUMNS[field]} '${row[field]}' is not a date`);
  }
  return parsed;
};

const amount = (row: SettlementRow, field: 'totalAmount' | 'amount'): number => {
  const parsed = parseAmount(row[field]);
  if (parsed === undefined) {
    throw new SettlementFormatError(row.line, `${SETTLEMENT_COLUMNS[field]} '${row[field]}' is not a number`);
  }
  return parsed;
};

// The first data row is the summary: it alone carries the period, total-amount and currency.
const readSummary = (row: SettlementRow): Summary => {
  if (row.settlementId === '' || row.totalAmount === '' || row.transactionType !== '') {
    throw new SettlementFormatError(
      row.line,
      'no summary row: the first data row must carry settlement-id and total-amount and no transaction-type',
    );
  }
  if (!CURRENCY.test(row.currency)) {
    throw new SettlementFormatError(row.line, `currency '${row.currency}' is not an ISO 4217 code`);
  }
  return {
    settlementId: row.settlementId,
    currency: row.currency,
    startDate: date(row, 'startDate'),
    endDate: date(row, 'endDate'),
    depositDate: date(row, 'depositDate'),
    totalAmount: amount(row, 'totalAmount'),
  };
};

const byKey =
  <T>(key: (item: T) => string) =>
  (a: T, b: T): number => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };

// Kinds are found by amount-description, the most telling field, then by a short search of the few kinds sharing
// it ('Principal' is an Order, Refund or Liquidations amount): one hash per row, where a joined key or nested maps
// cost a new string or three hashes.
type KindSums = Map<string, KindSum[]>;

const kindSum = (sums: KindSums, { transactionType, amountType, amountDescription }: AmountKind): KindSum => {
  let sharing = sums.get(amountDescription);
  if (sharing === undefined) {
    sharing = [];
    sums.set(amountDescription, sharing);
  }
  for (const sum of sharing) {
    if (sum.transactionType === transactionType && sum.amountType === amountType) return sum;
  }
  const created = { transactionType, amountType, amountDescription, amount: 0 };
  sharing.push(created);
  return created;
};

/**
 * Folds the rows of one settlement file (summary row first, as the file has it), given in batches as
 * `readSettlementRows` yields them, into its journal. Throws `SettlementFormatError` naming the line when a row
 * cannot be read; an unmapped kind never throws, it goes to suspense and into `unmapped`.
 */
export const aggregateSettlement = async (
  batches: AsyncIterable<readonly SettlementRow[]> | Iterable<readonly SettlementRow[]>,
  mapping: AccountMapping = DEFAULT_ACCOUNT_MAPPING,
): Promise<SettlementJournal> => {
  let summary: Summary | undefined;
  let rowCount = 0;
  const sums: KindSums = new Map();
  for await (const rows of batches) {
    for (const row of rows) {
      if (summary === undefined) {
        summary = readSummary(row);
        continue;
      }
      // Detail rows repeat the settlement-id; another id means two reports were joined into one file.
      if (row.settlementId !== '' && row.settlementId !== summary.settlementId) {
        throw new SettlementFormatError(
          row.line,
          `settlement-id '${row.settlementId}' differs from the summary row's '${summary.settlementId}'`,
        );
      }
      const value = amount(row, 'amount');
      const sum = kindSum(sums, row);
      sum.amount += value;
      // Minor units are exact only up to 2^53; refuse rather than lose a cent silently.
      if (!Number.isSafeInteger(sum.amount)) throw new SettlementFormatError(row.line, 'amounts sum out of range');
      rowCount += 1;
    }
  }
  if (summary === undefined) throw new SettlementFormatError(2, 'no summary row: the file has no data rows');

  const lines: JournalLine[] = [];
  const unmapped: UnmappedAmount[] = [];
  for (const sum of [...sums.values()].flat()) {
    const account = accountFor(mapping, sum);
    if (account === undefined) unmapped.push({ ...sum });
    lines.push({
      account: account ?? mapping.suspenseAccount,
      description: `${sum.transactionType} / ${sum.amountType} / ${sum.amountDescription}`,
      amount: sum.amount,
    });
  }
  // Sorted so the journal is the same whatever order Amazon wrote the rows in.
  lines.sort(byKey((line) => `${line.account}\t${line.description}`));
  unmapped.sort(byKey((kind) => `${kind.transactionType}\t${kind.amountType}\t${kind.amountDescription}`));
  const total = lines.reduce((acc, line) => acc + line.amount, 0);
  return {
    ...summary,
    rowCount,
    depositAccount: mapping.depositAccount,
    lines,
    unmapped,
    balanced: total === summary.totalAmount,
  };
};

/** The journal with its amounts as decimal strings, for JSON output. */
export const toSettlementJson = (journal: SettlementJournal): SettlementJournalJson => ({
  ...journal,
  totalAmount: toDecimal(journal.totalAmount),
  lines: journal.lines.map((line) => ({ ...line, amount: toDecimal(line.amount) })),
  unmapped: journal.unmapped.map((kind) => ({ ...kind, amount: toDecimal(kind.amount) })),
});

/** The header of `renderJournalCsv`. */
export const JOURNAL_CSV_COLUMNS = [
  'date',
  'account',
  'description',
  'debit',
  'credit',
  'currency',
  'settlement-id',
] as const;

/**
 * The journal as CSV a ledger can import: one row per line plus the deposit line, dated on the deposit date,
 * with positive decimals in either debit or credit. Zero lines are left out: ledgers refuse a line with neither
 * side, and a kind that nets to zero (withheld tax on free shipping) moves no money.
 */
export const renderJournalCsv = (journal: SettlementJournal): string => {
  const postingDate = journal.depositDate.slice(0, 10);
  const row = (account: string, description: string, debit: number): string[] => {
    const decimal = toDecimal(Math.abs(debit));
    return [
      postingDate,
      account,
      description,
      debit > 0 ? decimal : '',
      debit < 0 ? decimal : '',
      journal.currency,
      journal.settlementId,
    ];
  };
  // A settlement credit (money owed to the seller) is a credit on its account, so it is a negative debit here.
  const rows = journal.lines.filter((line) => line.amount !== 0).map((l) => row(l.account, l.description, -l.amount));
  if (journal.totalAmount !== 0) {
    rows.push(row(journal.depositAccount, `Amazon settlement ${journal.settlementId} deposit`, journal.totalAmount));
  }
  return toCsv(JOURNAL_CSV_COLUMNS, rows);
};
