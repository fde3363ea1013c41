import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { Command } from 'commander';
import { AmazonOrdersQueue } from '../../shared/adapters/aws/amazon-orders-queue';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { OrderEventsQueue } from '../../shared/adapters/aws/order-events-queue';
import { UpstreamError } from '../../shared/runtime/errors';
import { makeRetryOrder } from '../../shared/use-cases/retry-order';
import { resolveTarget } from './target';

/**
 * `hub retry <order id>`: posts a flagged (or stuck) SCAYLE or Amazon order again once its cause is fixed.
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
    .argument('<orderId>', 'SCAYLE order id or AmazonOrderId')
    .option('--local', 'work against the local hub (npm start)')
    .option('--stage <stage>', 'work against a deployed stage', 'dev')
    .action(async (orderId: string, options: { local?: boolean; stage?: string }) => {
      const target = await resolveTarget(options);
      const retry = makeRetryOrder({
        ledger: new LedgerRepository(makeDocumentClient(target.dynamodb), target.output('LedgerTableName')),
        queue: new OrderEventsQueue(target.sqs, target.output('OrderEventsQueueUrl')),
        amazonQueue: new AmazonOrdersQueue(target.sqs, target.output('AmazonOrdersQueueUrl')),
      });
      const outcome = await retry(orderId);
      if (outcome.queued)
        console.log(
          `order ${orderId} (${outcome.status}) queued for posting again as ${outcome.eventId} on ${target.name}`,
        );
      else {
        console.log(`order ${orderId} is ${outcome.status}: nothing to retry`);
        process.exitCode = 1;
      }
    });
};
