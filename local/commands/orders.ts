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
    .option('--flagged', 'every flagged order naming --match instead of one (Amazon orders first, by LatestShipDate)')
    .option('--match <word>', 'with --flagged: a SKU, SellerSKU or type (SKU_UNMAPPED) the flag reason names')
    .option('--dry-run', 'with --flagged: list the orders, retry none')
    .option('--local', 'work against the local hub (npm start)')
    .option('--stage <stage>', 'work against a deployed stage', 'dev')
    .action(
      async (
        orderId: string | undefined,
        options: { flagged?: boolean; match?: string; dryRun?: boolean; local?: boolean; stage?: string },
      ) => {
        if (Boolean(orderId) === Boolean(options.flagged))
          throw new ValidationError('give either an order id or --flagged --match <SKU or type>');
        if (options.flagged && !options.match?.trim())
          throw new ValidationError('--flagged needs --match <SKU, SellerSKU or type> (e.g. SKU_UNMAPPED)');
        if (!options.flagged && (options.match !== undefined || options.dryRun))
          throw new ValidationError('--match and --dry-run go with --flagged');
        const target = await resolveTarget(options);
        const ledger = new LedgerRepository(makeDocumentClient(target.dynamodb), target.output('LedgerTableName'));
        const retry = makeRetryOrder({
          ledger,
          queue: new OrderEventsQueue(target.sqs, target.output('OrderEventsQueueUrl')),
          amazonQueue: new AmazonOrdersQueue(target.sqs, target.output('AmazonOrdersQueueUrl')),
        });
        if (options.flagged) {
          const match = (options.match as string).trim();
          const found = await makeRetryFlagged({ ledger, retry })({ match, dryRun: options.dryRun });
          for (const f of found) {
            const what = f.error
              ? `FAILED ${f.error}`
              : f.outcome
                ? f.outcome.queued
                  ? 'queued'
                  : `left ${f.outcome.status}`
                : 'would retry';
            console.log([f.channel.padEnd(7), f.orderId.padEnd(20), f.flaggedAt, what, f.reason].join('  '));
          }
          const queued = found.filter((f) => f.outcome?.queued).length;
          const failed = found.filter((f) => f.error).length;
          console.log(
            options.dryRun
              ? `${found.length} flagged orders naming "${match}" (dry run, none queued)`
              : `${queued} of ${found.length} flagged orders naming "${match}" queued for posting again on ${target.name}${failed > 0 ? `; ${failed} failed` : ''}`,
          );
          if (failed > 0) process.exitCode = 1;
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
