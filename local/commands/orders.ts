import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { Command } from 'commander';
import { AmazonOrdersQueue } from '../../shared/adapters/aws/amazon-orders-queue';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { OrderEventsQueue } from '../../shared/adapters/aws/order-events-queue';
import { UpstreamError, ValidationError } from '../../shared/runtime/errors';
import { makeRetryFlagged, makeRetryOrder } from '../../shared/use-cases/retry-order';
import { resolveTarget } from './target';

/**
 * `hub retry <order id>`: posts a flagged (or stuck) SCAYLE or Amazon order again once its cause is fixed;
 * `hub retry --flagged [--match <text>] [--dry-run]` every flagged order (whose reason names e.g. a SKU).
 * `hub reconcile`: runs the money check now, for a window of your choice.
 */
export const registerOrderCommands = (program: Command): void => {
  program
    .command('reconcile')
    .description('run the SCAYLE vs OrderWise money check now (default: orders acknowledged in the last 24 hours)')
    .option('--from <iso>', 'start of the window (ISO-8601)')
    .option('--to <iso>', 'end of the window (ISO-8601)')
    .option('--local', 'work against the local hub (npm start)')
    .option('--stage <stage>', 'work against a deployed stage', 'dev')
    .action(async (options: { from?: string; to?: string; local?: boolean; stage?: string }) => {
      const target = await resolveTarget(options);
      const response = await target.lambda.send(
        new InvokeCommand({
          FunctionName: target.output('OrderReconciliationFunctionName'),
          Payload: Buffer.from(JSON.stringify({ from: options.from, to: options.to })),
        }),
      );
      const text = Buffer.from(response.Payload ?? new Uint8Array()).toString('utf8');
      if (response.FunctionError) throw new UpstreamError(`the money check failed on ${target.name}: ${text}`);
      const result = JSON.parse(text) as { checked: number; mismatches: number; reportKey: string };
      console.log(
        `${result.checked} orders checked, ${result.mismatches} mismatches; report s3://${target.output('DataBucketName')}/${result.reportKey}`,
      );
      if (result.mismatches > 0) process.exitCode = 1;
    });

  program
    .command('retry')
    .description('queue a flagged or stuck order for posting again (e.g. after a SKU mapping was added)')
    .argument('[orderId]', 'SCAYLE order id or AmazonOrderId')
    .option('--flagged', 'every flagged order instead of one (Amazon orders first, oldest first)')
    .option('--match <text>', 'with --flagged: only orders whose flag reason contains this, e.g. a SKU')
    .option('--dry-run', 'with --flagged: list the orders, retry none')
    .option('--local', 'work against the local hub (npm start)')
    .option('--stage <stage>', 'work against a deployed stage', 'dev')
    .action(
      async (
        orderId: string | undefined,
        options: { flagged?: boolean; match?: string; dryRun?: boolean; local?: boolean; stage?: string },
      ) => {
        if (Boolean(orderId) === Boolean(options.flagged))
          throw new ValidationError('give either an order id or --flagged [--match <text>]');
        const target = await resolveTarget(options);
        const ledger = new LedgerRepository(makeDocumentClient(target.dynamodb), target.output('LedgerTableName'));
        const retry = makeRetryOrder({
          ledger,
          queue: new OrderEventsQueue(target.sqs, target.output('OrderEventsQueueUrl')),
          amazonQueue: new AmazonOrdersQueue(target.sqs, target.output('AmazonOrdersQueueUrl')),
        });
        if (options.flagged) {
          const found = await makeRetryFlagged({ ledger, retry })({ match: options.match, dryRun: options.dryRun });
          for (const f of found)
            console.log(
              [
                f.channel.padEnd(7),
                f.orderId.padEnd(20),
                f.flaggedAt,
                f.outcome ? (f.outcome.queued ? 'queued' : `left ${f.outcome.status}`) : 'would retry',
                f.reason,
              ].join('  '),
            );
          const queued = found.filter((f) => f.outcome?.queued).length;
          console.log(
            options.dryRun
              ? `${found.length} flagged orders${options.match ? ` matching "${options.match}"` : ''} (dry run, none queued)`
              : `${queued} of ${found.length} flagged orders${options.match ? ` matching "${options.match}"` : ''} queued for posting again on ${target.name}`,
          );
          return;
        }
        const id = orderId as string;
        const outcome = await retry(id);
        if (outcome.queued)
          console.log(
            `order ${id} (${outcome.status}) queued for posting again as ${outcome.eventId} on ${target.name}`,
          );
        else {
          console.log(`order ${id} is ${outcome.status}: nothing to retry`);
          process.exitCode = 1;
        }
      },
    );
};
