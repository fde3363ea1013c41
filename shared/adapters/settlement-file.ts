/**
 * Reads an Amazon V2 settlement flat file from a stream, one row at a time, so a report of any size is read in
 * constant memory (an S3 object body, a file on disk). A V2 file is tab-separated with no quoting, so a line is
 * split on '\t' and no CSV parser is needed; columns are found by header name, never by position.
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

type ColumnIndex = Readonly<Record<SettlementField, number>>;

const indexColumns = (line: number, header: string): ColumnIndex => {
  const names = header.split('\t').map((name) => name.trim());
  const missing = Object.values(SETTLEMENT_COLUMNS).filter((column) => !names.includes(column));
  if (missing.length > 0) {
    throw new SettlementFormatError(line, `not a V2 settlement header: missing column(s) ${missing.join(', ')}`);
  }
  return Object.fromEntries(
    Object.entries(SETTLEMENT_COLUMNS).map(([field, column]) => [field, names.indexOf(column)]),
  ) as Record<SettlementField, number>;
};

// A ragged row (real 'Liquidations' rows lack the last column) reads '' for the columns it does not have.
const field = (values: readonly string[], index: number): string => values[index]?.trim() ?? '';

const toRow = (line: number, text: string, columns: ColumnIndex): SettlementRow => {
  const values = text.split('\t');
  return {
    line,
    settlementId: field(values, columns.settlementId),
    startDate: field(values, columns.startDate),
    endDate: field(values, columns.endDate),
    depositDate: field(values, columns.depositDate),
    totalAmount: field(values, columns.totalAmount),
    currency: field(values, columns.currency),
    transactionType: field(values, columns.transactionType),
    amountType: field(values, columns.amountType),
    amountDescription: field(values, columns.amountDescription),
    amount: field(values, columns.amount),
  };
};

async function* decode(input: Readable): AsyncGenerator<string> {
  // A multi-byte character split across two chunks is held back by the decoder until its other half arrives.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of input) yield typeof chunk === 'string' ? chunk : decoder.write(chunk);
  // The final newline is optional; adding one ends the last line like every other (a blank line is skipped).
  yield `${decoder.end()}\n`;
}

/**
 * Yields the data rows of a V2 settlement file with their 1-based line numbers (the header is line 1), summary
 * row first. Tolerates a byte order mark, CRLF, blank lines and a missing final newline; throws
 * `SettlementFormatError` when the input is empty, lacks a required header column or has an overlong line.
 */
export async function* readSettlementRows(input: Readable): AsyncGenerator<SettlementRow> {
  let columns: ColumnIndex | undefined;
  let lineNumber = 0;
  let pending = '';
  for await (const chunk of decode(input)) {
    const text = pending + chunk;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      lineNumber += 1;
      let line = text.charCodeAt(end - 1) === 13 /* '\r' */ ? text.slice(start, end - 1) : text.slice(start, end);
      start = end + 1;
      if (lineNumber === 1 && line.startsWith('\uFEFF')) line = line.slice(1);
      if (line.trim() === '') continue;
      if (columns === undefined) columns = indexColumns(lineNumber, line);
      else yield toRow(lineNumber, line, columns);
    }
    pending = text.slice(start);
    if (pending.length > MAX_LINE_LENGTH) {
      throw new SettlementFormatError(lineNumber + 1, `line longer than ${MAX_LINE_LENGTH} characters`);
    }
  }
  if (columns === undefined) throw new SettlementFormatError(1, 'no header line: the input is empty');
}
