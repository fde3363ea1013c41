/**
 * Values of an Amazon V2 settlement flat file (the settlement reference, sections 5.1 and 5.4): the columns the
 * journal reads, and the amounts and dates as Amazon writes them in every marketplace. The style of a number or
 * a date is detected per value, never inferred from the marketplace: the UK file mixes German dates with point
 * decimals, so no locale setting would read every file right.
 */
import { PermanentError } from '../../runtime/errors';

/** The file is not a readable V2 settlement file; `line` is the 1-based line of the file (the header is line 1). */
export class SettlementFormatError extends PermanentError {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/**
 * The V2 columns the journal needs, by the field name the hub uses for them. A header lacking any of them is not
 * a V2 settlement file; every other column (order-id, sku, promotion-id ...) is ignored.
 */
export const SETTLEMENT_COLUMNS = {
  settlementId: 'settlement-id',
  startDate: 'settlement-start-date',
  endDate: 'settlement-end-date',
  depositDate: 'deposit-date',
  totalAmount: 'total-amount',
  currency: 'currency',
  transactionType: 'transaction-type',
  amountType: 'amount-type',
  amountDescription: 'amount-description',
  amount: 'amount',
} as const;

/** One of the fields named in `SETTLEMENT_COLUMNS`. */
export type SettlementField = keyof typeof SETTLEMENT_COLUMNS;

/** One data row of a settlement file, as text: its line number and the needed columns ('' when the row is short). */
export type SettlementRow = { readonly line: number } & { readonly [F in SettlementField]: string };

// At most one separator: it is the decimal one, whichever it is ('52,44', '-10.49', '1234'). A single
// separator followed by three digits ('1,234') is therefore read as a decimal too [A]: Amazon always writes two
// decimals and no real file has thousands separators, so the ambiguous case does not occur in practice.
const PLAIN_AMOUNT = /^([+-]?)(\d+)(?:[.,](\d+))?$/;
// Grouped thousands: '1,234.56' and '1,234,567' (point decimals), '1.234,56' and '1.234.567' (comma decimals).
const POINT_DECIMAL_AMOUNT = /^([+-]?)(\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$/;
const COMMA_DECIMAL_AMOUNT = /^([+-]?)(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?$/;

const MINUS = 45;
const COMMA = 44;
const POINT = 46;
const ZERO = 48;

// Nearly every amount Amazon writes is '-?digits[.,]dd'; reading those by hand spares the regular expressions
// below on almost every row. At most 15 digits, so the result is exact.
const simpleAmount = (text: string): number | undefined => {
  const first = text.charCodeAt(0) === MINUS ? 1 : 0;
  const separator = text.length - 3;
  const mark = text.charCodeAt(separator);
  if (separator <= first || text.length > 16 || (mark !== POINT && mark !== COMMA)) return undefined;
  let minor = 0;
  for (let i = first; i < text.length; i += 1) {
    if (i === separator) continue;
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return undefined;
    minor = minor * 10 + digit;
  }
  return first === 1 && minor !== 0 ? -minor : minor;
};

/**
 * Reads an amount written in either decimal style (`1,234.56`, `-52,44`, `1.234,56`) as integer minor units
 * (two decimals), or `undefined` when the text is not a number (`12,3,4`, ``, `1.2.3,4,5`).
 */
export const parseAmount = (text: string): number | undefined => {
  const simple = simpleAmount(text);
  if (simple !== undefined) return simple;
  const value = text.trim();
  const match = PLAIN_AMOUNT.exec(value) ?? POINT_DECIMAL_AMOUNT.exec(value) ?? COMMA_DECIMAL_AMOUNT.exec(value);
  if (match === null) return undefined;
  const [, sign, whole = '', fraction = ''] = match;
  const cents = Number(whole.replace(/[.,]/g, '')) * 100 + Number(fraction.slice(0, 2).padEnd(2, '0'));
  // More than two decimals is rounded half away from zero on the magnitude (1.235 -> 1.24, -1.235 -> -1.24),
  // the rule Amazon and most ledgers apply to money; the sign is put back afterwards so both sides round alike.
  const magnitude = fraction.length > 2 && fraction.charCodeAt(2) >= 53 /* '5' */ ? cents + 1 : cents;
  if (!Number.isSafeInteger(magnitude)) return undefined;
  // '-0,00' is zero, not -0, which would print and compare differently from 0.
  return sign === '-' && magnitude !== 0 ? -magnitude : magnitude;
};

// 'dd.MM.yyyy HH:mm:ss UTC' (Amazon.de, .co.uk, .fr) and the date alone ('15.11.2024', posted-date).
const DOTTED_DATE = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2}):(\d{2})(?: UTC)?)?$/;
// 'yyyy-MM-dd HH:mm:ss UTC' (Amazon.com), ISO-8601 with 'Z' or an offset (V1 via SP-API), and the date alone.
// A time without a zone is read as UTC [A]: every Amazon sample names UTC or an offset, so none is seen without.
const DASHED_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?: ?UTC|Z|([+-])(\d{2}):?(\d{2}))?)?$/;

/**
 * Reads a settlement date in any of Amazon's styles (`08.11.2024 08:59:52 UTC`, `2024-10-23 14:28:39 UTC`,
 * `2025-06-05T22:07:18+00:00`) as an ISO-8601 UTC string (`2024-11-08T08:59:52Z`), or `undefined` when the text
 * is not a date or names an impossible one (`31.02.2024`).
 */
export const parseSettlementDate = (text: string): string | undefined => {
  const value = text.trim();
  const dotted = DOTTED_DATE.exec(value);
  const dashed = dotted === null ? DASHED_DATE.exec(value) : null;
  if (dotted === null && dashed === null) return undefined;
  const parts =
    dotted === null ? (dashed as RegExpExecArray).slice(1) : [dotted[3], dotted[2], dotted[1], ...dotted.slice(4)];
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = parts.slice(0, 6).map((part) => Number(part ?? 0));
  const [offsetSign, offsetHours, offsetMinutes] = parts.slice(6);
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 31.02 over into March and 24:00 into the next day; a round trip catches both.
  const check = new Date(local);
  const valid =
    check.getUTCFullYear() === y &&
    check.getUTCMonth() === mo - 1 &&
    check.getUTCDate() === d &&
    check.getUTCHours() === h &&
    check.getUTCMinutes() === mi &&
    check.getUTCSeconds() === s;
  if (!valid) return undefined;
  const offset =
    offsetSign === undefined ? 0 : (offsetSign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes));
  return `${new Date(local - offset * 60_000).toISOString().slice(0, 19)}Z`;
};
