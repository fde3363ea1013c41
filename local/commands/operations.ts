import type { Command } from 'commander';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { type ExceptionFilter, ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { EXCEPTION_TYPES, type ExceptionType, OWNERS, type Owner } from '../../shared/domain/exception-types';
import { ValidationError } from '../../shared/runtime/errors';
import { resolveTarget } from './target';

const exceptionsOf = async (options: { local?: boolean; stage?: string }) => {
  const target = await resolveTarget(options);
  return new ExceptionsRepository(makeDocumentClient(target.dynamodb), target.output('ExceptionsTableName'));
};

/**
 * `hub exceptions [--type T] [--owner O] [--open] [--json]` lists the exceptions list, newest first;
 * `hub exceptions resolve <id>` marks one resolved (it re-opens by itself if the failure comes back).
 */
export const registerOperationsCommands = (program: Command): void => {
  const exceptions = program
    .command('exceptions')
    .description('list exceptions: what broke, whose it is, how often, and where the runbook entry is')
    .option('--type <type>', `one of ${Object.keys(EXCEPTION_TYPES).join(', ')}`)
    .option('--owner <team>', `one of ${OWNERS.join(', ')}`)
    .option('--open', 'only those still open')
    .option('--json', 'print JSON')
    .option('--local', 'work against the local hub (npm start)')
    .option('--stage <stage>', 'work against a deployed stage', 'dev')
    .action(
      async (options: {
        type?: string;
        owner?: string;
        open?: boolean;
        json?: boolean;
        local?: boolean;
        stage?: string;
      }) => {
        if (options.type && !(options.type in EXCEPTION_TYPES))
          throw new ValidationError(`unknown exception type ${options.type}`);
        if (options.owner && !(OWNERS as readonly string[]).includes(options.owner))
          throw new ValidationError(`unknown owner ${options.owner}`);
        const filter: ExceptionFilter = {
          ...(options.type ? { type: options.type as ExceptionType } : {}),
          ...(options.owner ? { owner: options.owner as Owner } : {}),
          ...(options.open ? { status: 'open' as const } : {}),
        };
        const items = await (await exceptionsOf(options)).list(filter);
        if (options.json) {
          console.log(JSON.stringify(items, null, 2));
          return;
        }
        if (items.length === 0) {
          console.log('no exceptions');
          return;
        }
        const rows = [
          ['id', 'owner', 'status', 'count', 'last seen', 'runbook'],
          ...items.map((e) => [e.id, e.owner, e.status, String(e.count), e.lastSeenAt, e.runbook]),
        ];
        const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
        for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
      },
    );
  exceptions
    .command('resolve')
    .description('mark an exception resolved once its cause is fixed')
    .argument('<id>', 'exception id, e.g. SKU_UNMAPPED#SH-010-BLK-M')
    .option('--local', 'work against the local hub (npm start)')
    .option('--stage <stage>', 'work against a deployed stage', 'dev')
    .action(async (id: string, _options: unknown, command: Command) => {
      // --local/--stage may be parsed by the parent `exceptions` command, which has the same options.
      const resolved = await (await exceptionsOf(command.optsWithGlobals())).resolve(id);
      console.log(`${resolved.id} resolved (seen ${resolved.count} times, last ${resolved.lastSeenAt})`);
    });
};
