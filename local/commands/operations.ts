import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { Command } from 'commander';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { DeadLetters } from '../../shared/adapters/aws/dead-letters';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { type ExceptionFilter, ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { FailuresRepository } from '../../shared/adapters/aws/failures-repository';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { SettlementsRepository } from '../../shared/adapters/aws/settlements-repository';
import { EXCEPTION_TYPES, type ExceptionType, OWNERS, type Owner } from '../../shared/domain/exception-types';
import { UpstreamError, ValidationError } from '../../shared/runtime/errors';
import { parseWith } from '../../shared/runtime/validation';
import {
  type LiveOrderStatus,
  type LiveStatusRequest,
  liveStatusRequests,
  liveStatusResultSchema,
  MAX_LIVE_ORDERS,
} from '../../shared/use-cases/live-status';
import { makeTrace, type Trace } from '../../shared/use-cases/trace';
import { type HubTarget, resolveTarget } from './target';

const exceptionsOf = async (options: { local?: boolean; stage?: string }) => {
  const target = await resolveTarget(options);
  return new ExceptionsRepository(makeDocumentClient(target.dynamodb), target.output('ExceptionsTableName'));
};

/**
 * Live status through the target's ops-status function: it holds the peers' credentials, the command line does not,
 * so the same call works on a deployed stage and on the local hub.
 */
const liveStatusOf =
  (target: HubTarget) =>
  async (requests: readonly LiveStatusRequest[]): Promise<readonly LiveOrderStatus[]> => {
    const response = await target.lambda.send(
      new InvokeCommand({
        FunctionName: target.output('OpsStatusFunctionName'),
        Payload: Buffer.from(JSON.stringify({ orders: requests })),
      }),
    );
    const text = Buffer.from(response.Payload ?? new Uint8Array()).toString('utf8');
    if (response.FunctionError) throw new UpstreamError(`the live status read failed on ${target.name}: ${text}`);
    return parseWith(liveStatusResultSchema, JSON.parse(text), 'live status answer').orders;
  };

/** The `now:` section of a trace: one line per system per order chain, an error in place of a status it lacks. */
const printNow = (trace: Trace): void => {
  if (!trace.now || trace.now.length === 0) return;
  console.log('now:');
  const rows = trace.now.flatMap((order) =>
    order.systems.map((s) => [s.system, s.id, s.status, s.error ? `error: ${s.error}` : (s.detail ?? '')]),
  );
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const row of rows) console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd());
  const chains = liveStatusRequests(trace.orders).length;
  if (chains > MAX_LIVE_ORDERS) console.log(`  (the first ${MAX_LIVE_ORDERS} of ${chains} orders)`);
};

/**
 * `hub trace <id> [--no-live]` prints the story of any id across the hub's records, in time order, then what each
 * system says of its orders now;
 * `hub exceptions [--type T] [--owner O] [--open] [--json]` lists the exceptions list, newest first;
 * `hub exceptions resolve <id>` marks one resolved (it re-opens by itself if the failure comes back).
 */
export const registerOperationsCommands = (program: Command): void => {
  program
    .command('trace')
    .description('the story of any id (SCAYLE order, OrderWise order number, AmazonOrderId, SKU, settlement id)')
    .argument('<id>', 'the id')
    .option('--no-live', 'skip asking SCAYLE, OrderWise and Amazon what they say now')
    .option('--json', 'print JSON')
    .option('--local', 'work against the local hub (npm start)')
    .option('--stage <stage>', 'work against a deployed stage', 'dev')
    .action(async (id: string, options: { live: boolean; json?: boolean; local?: boolean; stage?: string }) => {
      const target = await resolveTarget(options);
      const db = makeDocumentClient(target.dynamodb);
      const trace = await makeTrace({
        ledger: new LedgerRepository(db, target.output('LedgerTableName')),
        exceptions: new ExceptionsRepository(db, target.output('ExceptionsTableName')),
        settlements: new SettlementsRepository(db, target.output('SettlementsTableName')),
        catalogue: new CatalogueRepository(db, target.output('CatalogueTableName')),
        ...(options.live ? { live: liveStatusOf(target) } : {}),
      })(id);
      if (options.json) {
        console.log(JSON.stringify(trace, null, 2));
        return;
      }
      if (trace.events.length === 0 && !trace.catalogue) {
        console.log(`nothing is known about ${id} on ${target.name}`);
        process.exitCode = 1;
        return;
      }
      for (const order of trace.orders) {
        const ids = Object.entries(order.ids)
          .map(([system, value]) => `${system} ${value}`)
          .join(', ');
        console.log(`order ${order.pk}: ${order.status}${order.reason ? ` (${order.reason})` : ''}; ids: ${ids}`);
      }
      if (trace.catalogue) console.log(`catalogue: ${JSON.stringify(trace.catalogue)}`);
      for (const event of trace.events) console.log(`${event.at}  ${event.source.padEnd(10)}  ${event.text}`);
      printNow(trace);
    });

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

/**
 * `hub redrive <queue> [--dry-run]`: lists a consumer's dead letters with why each failed, and moves them back
 * to the queue (SQS's move task on a stage; one by one on the local hub, which has none).
 */
export const registerRedriveCommand = (program: Command): void => {
  program
    .command('redrive')
    .description('list what is in a dead-letter queue and why, and move it back once the cause is fixed')
    .argument('<queue>', 'the consumer, e.g. OrderEvents (its stack outputs <queue>QueueUrl and <queue>DlqUrl)')
    .option('--dry-run', 'only list')
    .option('--local', 'work against the local hub (npm start)')
    .option('--stage <stage>', 'work against a deployed stage', 'dev')
    .action(async (queue: string, options: { dryRun?: boolean; local?: boolean; stage?: string }) => {
      const target = await resolveTarget(options);
      const dlqUrl = target.output(`${queue}DlqUrl`);
      const queueUrl = target.output(`${queue}QueueUrl`);
      const deadLetters = new DeadLetters(
        target.sqs,
        new FailuresRepository(makeDocumentClient(target.dynamodb), target.output('FailuresTableName')),
      );
      const letters = await deadLetters.inspect(dlqUrl);
      if (letters.length === 0) {
        console.log(`the ${queue} dead-letter queue is empty`);
        return;
      }
      for (const letter of letters) {
        console.log(
          `${letter.messageId}  group ${letter.groupId ?? '-'}  ${letter.receiveCount} deliveries  ${letter.reason ?? 'no failure recorded'}  ${letter.body.slice(0, 120)}`,
        );
      }
      if (options.dryRun) return;
      if (target.isLocal)
        console.log(`moved ${await deadLetters.moveBack(dlqUrl, queueUrl)} messages back to ${queue}`);
      else
        console.log(
          `move task ${await deadLetters.startMoveTask(dlqUrl, queueUrl)} started: ${queue} dead letters go back to their queue`,
        );
    });
};
