/**
 * Reads an Amazon V2 settlement flat file from a stream (an S3 object body, a file on disk) chunk by chunk, so a
 * report of any size is read in constant memory. A V2 file is tab-separated with no quoting, so fields end at
 * '\t' and no CSV parser is needed; columns are found by header name, never by position.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import {
  SETTLEMENT_COLUMNS,
  type SettlementField,
  SettlementFormatError,
  type SettlementRow,
} from '../domain/settlement/parse';

/** The longest line accepted; a longer one means the input is not a settlement file (real lines are < 400). */
export const MAX_LINE_LENGTH = 64 * 1024;

// The fields in the order a row's values are collected; `toRow` takes them back in this order.
const FIELDS = [
  'settlementId',
  'startDate',
  'endDate',
  'depositDate',
  'totalAmount',
  'currency',
  'transactionType',
  'amountType',
  'amountDescription',
  'amount',
] as const satisfies readonly SettlementField[];

/** Where the needed columns sit: `slots[column]` is the index in FIELDS of that column's field, or -1. */
interface Layout {
  readonly slots: Int8Array;
  readonly lastColumn: number;
}

const layoutOf = (line: number, header: string): Layout => {
  const names = header.split('\t').map((name) => name.trim());
  const columns = FIELDS.map((field) => names.indexOf(SETTLEMENT_COLUMNS[field]));
  const missing = FIELDS.filter((_, slot) => columns[slot] === -1).map((field) => SETTLEMENT_COLUMNS[field]);
  if (missing.length > 0) {
    throw new SettlementFormatError(line, `not a V2 settlement header: missing column(s) ${missing.join(', ')}`);
  }
  const slots = new Int8Array(names.length).fill(-1);
  columns.forEach((column, slot) => {
    slots[column] = slot;
  });
  return { slots, lastColumn: Math.max(...columns) };
};

const isSpace = (code: number): boolean => code <= 32;

// Values are trimmed of ASCII whitespace, which also drops the '\r' of a CRLF line end and the trailing spaces V1
// files put on their last value.
const trimmedSlice = (text: string, from: number, to: number): string => {
  let start = from;
  let end = to;
  while (start < end && isSpace(text.charCodeAt(start))) start += 1;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(start, end);
};

/**
 * Collects the needed values of the line `text[start, end)` into `values` (indexed like FIELDS). The line is
 * scanned tab by tab rather than split, so the columns the journal does not read never become strings; a ragged
 * row (real 'Liquidations' rows lack the last column) leaves the columns it does not have ''.
 */
const collect = (text: string, start: number, end: number, layout: Layout, values: string[]): void => {
  values.fill('');
  let from = start;
  for (let column = 0; column <= layout.lastColumn && from <= end; column += 1) {
    let to = text.indexOf('\t', from);
    if (to === -1 || to > end) to = end;
    const slot = layout.slots[column] ?? -1;
    if (slot !== -1) values[slot] = trimmedSlice(text, from, to);
    from = to + 1;
  }
};

const toRow = (
  line: number,
  [
    settlementId = '',
    startDate = '',
    endDate = '',
    depositDate = '',
    totalAmount = '',
    currency = '',
    transactionType = '',
    amountType = '',
    amountDescription = '',
    amount = '',
  ]: readonly string[],
): SettlementRow => ({
  line,
  settlementId,
  startDate,
  endDate,
  depositDate,
  totalAmount,
  currency,
  transactionType,
  amountType,
  amountDescription,
  amount,
});

async function* decode(input: Readable): AsyncGenerator<string> {
  // A multi-byte character split across two chunks is held back by the decoder until its other half arrives.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of input) yield typeof chunk === 'string' ? chunk : decoder.write(chunk);
  // The final newline is optional; adding one ends the last line like every other (a blank line is skipped).
  yield `${decoder.end()}\n`;
}

/**
 * Yields the data rows of a V2 settlement file, summary row first, with their 1-based line numbers (the header
 * is line 1). Rows come in batches, one per chunk read, so a consumer awaits once per chunk, not once per row.
 * Tolerates a byte order mark, CRLF, blank lines, ragged rows and a missing final newline; throws
 * `SettlementFormatError` when the input is empty, lacks a required header column or has an overlong line.
 */
export async function* readSettlementRows(input: Readable): AsyncGenerator<SettlementRow[]> {
  let layout: Layout | undefined;
  let lineNumber = 0;
  let pending = '';
  const values: string[] = FIELDS.map(() => '');
  for await (const chunk of decode(input)) {
    const text = pending + chunk;
    const rows: SettlementRow[] = [];
    let next = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', next)) {
      lineNumber += 1;
      let start = next;
      let end = newline;
      next = newline + 1;
      if (lineNumber === 1 && text.charCodeAt(start) === 0xfeff) start += 1;
      while (end > start && isSpace(text.charCodeAt(end - 1))) end -= 1;
      if (end === start) continue;
      if (layout === undefined) layout = layoutOf(lineNumber, text.slice(start, end));
      else {
        collect(text, start, end, layout, values);
        rows.push(toRow(lineNumber, values));
      }
    }
    if (rows.length > 0) yield rows;
    pending = text.slice(next);
    if (pending.length > MAX_LINE_LENGTH) {
      throw new SettlementFormatError(lineNumber + 1, `line longer than ${MAX_LINE_LENGTH} characters`);
    }
  }
  if (layout === undefined) throw new SettlementFormatError(1, 'no header line: the input is empty');
}
