import type { Command } from 'commander';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { OrderEventsQueue } from '../../shared/adapters/aws/order-events-queue';
import { makeRetryOrder } from '../../shared/use-cases/retry-order';
import { resolveTarget } from './target';

/** `hub retry <order id>`: posts a flagged (or stuck) SCAYLE order again once its cause is fixed. */
export const registerOrderCommands = (program: Command): void => {
  program
    .command('retry')
    .description('queue a flagged or stuck SCAYLE order for posting again (e.g. after a SKU mapping was added)')
    .argument('<orderId>', 'SCAYLE order id')
    .option('--local', 'work against the local hub (npm start)')
    .option('--stage <stage>', 'work against a deployed stage', 'dev')
    .action(async (orderId: string, options: { local?: boolean; stage?: string }) => {
      const target = await resolveTarget(options);
      const retry = makeRetryOrder({
        ledger: new LedgerRepository(makeDocumentClient(target.dynamodb), target.output('LedgerTableName')),
        queue: new OrderEventsQueue(target.sqs, target.output('OrderEventsQueueUrl')),
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
