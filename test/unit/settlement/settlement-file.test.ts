import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_LENGTH, readSettlementRows } from '../../../shared/adapters/settlement-file';
import { SettlementFormatError, type SettlementRow } from '../../../shared/domain/settlement/parse';

const fixture = (name: string) => new URL(`../../fixtures/settlement/${name}`, import.meta.url);

const rowsOf = async (input: Readable): Promise<SettlementRow[]> => {
  const rows: SettlementRow[] = [];
  for await (const batch of readSettlementRows(input)) rows.push(...batch);
  return rows;
};

const HEADER = 'settlement-id\ttotal-amount\tcurrency\tsettlement-start-date\tsettlement-end-date\tdeposit-date';
const DETAIL_HEADER = `${HEADER}\ttransaction-type\tamount-type\tamount-description\tamount\tsku\tpromotion-id`;

const readError = async (input: Readable): Promise<SettlementFormatError> => {
  const error = await rowsOf(input).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(SettlementFormatError);
  return error as SettlementFormatError;
};

describe('readSettlementRows', () => {
  it('reads every data row of a real file with its line number, ragged Liquidations rows included', async () => {
    const rows = await rowsOf(createReadStream(fixture('amazon-us-2024-10-09.v2.txt')));
    expect(rows).toHaveLength(328);
    expect(rows[0]).toMatchObject({ line: 2, settlementId: '21574497411', totalAmount: '1977.17', currency: 'USD' });
    const liquidations = rows.filter((row) => row.transactionType === 'Liquidations');
    expect(liquidations.map((row) => row.amount)).toEqual(['5.96', '-1.37', '6.68', '-1.50']);
    expect(rows.at(-1)?.line).toBe(329);
  });

  it('finds columns by header name, whatever their order', async () => {
    const text = `${DETAIL_HEADER}\n42\t1.00\tEUR\ta\tb\tc\t\t\t\t\n42\t\t\t\t\t\tOrder\tItemPrice\tPrincipal\t1,00\tSKU-1\tP1\n`;
    const rows = await rowsOf(Readable.from([text]));
    expect(rows[1]).toEqual({
      line: 3,
      settlementId: '42',
      startDate: '',
      endDate: '',
      depositDate: '',
      totalAmount: '',
      currency: '',
      transactionType: 'Order',
      amountType: 'ItemPrice',
      amountDescription: 'Principal',
      amount: '1,00',
    });
  });

  it('tolerates a byte order mark, CRLF, blank lines, short and long rows and no final newline', async () => {
    const text = `\uFEFF${DETAIL_HEADER}\r\n42\t1.00\tEUR\r\n\r\n42\t\t\t\t\t\tOrder\tItemPrice\tPrincipal\t1.00\r\n42\t\t\t\t\t\tRefund\tItemPrice\tPrincipal\t-1.00\tS\tP\textra\textra`;
    const rows = await rowsOf(Readable.from([text]));
    expect(rows.map((row) => [row.line, row.transactionType, row.amount, row.currency])).toEqual([
      [2, '', '', 'EUR'],
      [4, 'Order', '1.00', ''],
      [5, 'Refund', '-1.00', ''],
    ]);
  });

  it('joins lines and multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from(`${DETAIL_HEADER}\n42\t1.00\tEUR\n42\t\t\t\t\t\tOrder\tItemFees\tGebühr\t-1.00\n`);
    // One byte per chunk splits every line, and the two bytes of 'ü', across chunks.
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    const rows = await rowsOf(Readable.from(chunks));
    expect(rows.map((row) => row.amountDescription)).toEqual(['', 'Gebühr']);
  });

  it('refuses a header without the columns the journal needs, naming them', async () => {
    const error = await readError(Readable.from(['settlement-id\ttotal-amount\tcurrency\n1\t2\tUSD\n']));
    expect(error.line).toBe(1);
    expect(error.message).toMatch(/^line 1: .*missing column\(s\) settlement-start-date, .*amount-type, .*amount$/);
  });

  it('refuses an empty input', async () => {
    expect((await readError(Readable.from(['\n\n']))).message).toBe('line 1: no header line: the input is empty');
  });

  it('refuses a line longer than any settlement line instead of buffering it', async () => {
    const error = await readError(Readable.from([`${DETAIL_HEADER}\n`, 'x'.repeat(MAX_LINE_LENGTH + 1)]));
    expect(error.line).toBe(2);
  });
});
