/**
 * `hub settlement parse <file> [--json]`: reads an Amazon V2 settlement flat file and prints its journal, so
 * finance can check a file (and the account mapping) before the settlement loop posts it.
 */
import { createReadStream } from 'node:fs';
import type { Command } from 'commander';
import { readSettlementRows } from '../../shared/adapters/settlement-file';
import { toDecimal } from '../../shared/domain/money';
import { aggregateSettlement, type SettlementJournal, toSettlementJson } from '../../shared/domain/settlement/journal';
import { SettlementFormatError } from '../../shared/domain/settlement/parse';

/** Where a command writes; tests pass collectors, the CLI the process streams. */
export interface CommandOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Exit codes of `settlement parse`: the settlement loop treats `unbalanced` as SETTLEMENT_UNBALANCED. */
export const SETTLEMENT_EXIT_CODES = { balanced: 0, unreadable: 2, unbalanced: 3 } as const;

const processOutput: CommandOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

const isSystemError = (error: unknown): error is NodeJS.ErrnoException =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';

type Cells = readonly [account: string, description: string, amount: string];

const renderTable = (journal: SettlementJournal): string => {
  const header: Cells = ['account', 'description', 'amount (+cr/-dr)'];
  const body: Cells[] = [
    ...journal.lines.map((line): Cells => [line.account, line.description, toDecimal(line.amount)]),
    [journal.depositAccount, 'deposit (the other side)', toDecimal(-journal.totalAmount)],
  ];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => cells[column]?.length ?? 0)),
  );
  // Amounts are right-aligned so their decimal points line up.
  const format = (cells: Cells) =>
    cells.map((cell, column) => cell[column === 2 ? 'padStart' : 'padEnd'](widths[column] ?? 0)).join('  ');
  const sum = journal.lines.reduce((total, line) => total + line.amount, 0);
  const unmapped = journal.unmapped.map(
    (kind) => `  ${kind.transactionType} / ${kind.amountType} / ${kind.amountDescription}: ${toDecimal(kind.amount)}`,
  );
  return [
    `settlement ${journal.settlementId} (${journal.currency}) ${journal.startDate} .. ${journal.endDate}, deposit ${journal.depositDate}`,
    `${journal.rowCount} rows`,
    '',
    format(header),
    ...body.map(format),
    '',
    `total-amount ${toDecimal(journal.totalAmount)}, lines sum to ${toDecimal(sum)}: ${
      journal.balanced ? 'balanced' : `UNBALANCED by ${toDecimal(sum - journal.totalAmount)}`
    }`,
    unmapped.length === 0 ? 'unmapped: none' : `unmapped (on the suspense account):\n${unmapped.join('\n')}`,
    '',
  ].join('\n');
};

// Runs `settlement parse` and returns its exit code; the action sets it so library code never calls process.exit.
const parseSettlementCommand = async (file: string, json: boolean, output: CommandOutput): Promise<number> => {
  try {
    const journal = await aggregateSettlement(readSettlementRows(createReadStream(file)));
    output.out(json ? `${JSON.stringify(toSettlementJson(journal), null, 2)}\n` : renderTable(journal));
    return journal.balanced ? SETTLEMENT_EXIT_CODES.balanced : SETTLEMENT_EXIT_CODES.unbalanced;
  } catch (error) {
    // A bad file or a missing one is the user's to fix and gets one line; anything else is a bug and is thrown.
    if (error instanceof SettlementFormatError || isSystemError(error)) {
      output.err(`error: ${error.message}\n`);
      return SETTLEMENT_EXIT_CODES.unreadable;
    }
    throw error;
  }
};

/** Adds `settlement parse <file> [--json]` to the `hub` command line. */
export const registerSettlementCommands = (program: Command, output: CommandOutput = processOutput): void => {
  const settlement = program.command('settlement').description('Amazon settlement reports');
  settlement
    .command('parse')
    .description(
      'read a V2 settlement flat file and print its journal; exit 0 balanced, 3 unbalanced, 2 unreadable file',
    )
    .argument('<file>', 'the tab-separated V2 settlement file')
    .option('--json', 'print the journal as JSON (amounts as decimal strings)')
    .action(async (file: string, options: { json?: boolean }) => {
      process.exitCode = await parseSettlementCommand(file, options.json === true, output);
    });
};
