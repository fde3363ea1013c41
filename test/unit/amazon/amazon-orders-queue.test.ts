import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AmazonOrdersQueue } from '../../../shared/adapters/aws/amazon-orders-queue';
import { fifoId } from '../../../shared/adapters/aws/fifo-send';
import { listingsQueue } from '../../../shared/adapters/aws/listings-queue';
import { RetryableError } from '../../../shared/runtime/errors';
import type { AmazonOrderMessage } from '../../../shared/schemas/queue-messages';

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const message = (n: number): AmazonOrderMessage => ({
  amazonOrderId: `202-0000000-${String(n).padStart(7, '0')}`,
  eventId: `notification#${n}`,
  source: 'notification',
  seenAt: '2026-11-26T10:00:00.000Z',
});

describe('the Amazon orders queue', () => {
  it('sends ten to a batch, grouped by AmazonOrderId and deduplicated by the trigger', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await new AmazonOrdersQueue(new SQSClient({}), 'https://sqs/q.fifo').sendAll(
      Array.from({ length: 25 }, (_, n) => message(n)),
    );
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 5]);
    expect(calls[0]?.args[0].input.Entries?.[3]).toMatchObject({
      MessageGroupId: '202-0000000-0000003',
      MessageDeduplicationId: '202-0000000-0000003#notification#3',
    });
  });

  it('names what SQS did not take, as a retryable error', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] });
    await expect(
      new AmazonOrdersQueue(new SQSClient({}), 'https://sqs/q.fifo').sendAll([message(1), message(2)]),
    ).rejects.toThrow(RetryableError);
  });
});

describe('FIFO group and deduplication ids', () => {
  it('keeps an id SQS takes as it is, so the console stays readable', () => {
    expect(fifoId('202-0000000-0000003#notification#3')).toBe('202-0000000-0000003#notification#3');
    expect(fifoId('x'.repeat(128))).toBe('x'.repeat(128));
  });

  it('hashes an id SQS would refuse (over 128 characters, spaces, non-ASCII): equal ids stay equal', () => {
    for (const id of ['x'.repeat(129), 'Pullover Größe M', 'jacket\tblue', '']) {
      expect(fifoId(id)).toMatch(/^[0-9a-f]{64}$/);
      expect(fifoId(id)).toBe(fifoId(`${id}`));
    }
    expect(fifoId('Größe M')).not.toBe(fifoId('Größe L'));
  });

  it('the listings queue sends a SCAYLE product key of any length or alphabet', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const productKey = `Strickjacke-Größe-${'L'.repeat(140)}`;
    await listingsQueue(new SQSClient({}), 'https://sqs/listings.fifo').sendAll([
      { kind: 'product-sync', productKey, reason: 'manual', eventId: 'sync-2026-11-27T03:00:00.000Z', receivedAt: '' },
    ]);
    const entry = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry?.MessageGroupId).toBe(fifoId(productKey));
    expect(entry?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(entry?.MessageBody ?? '{}')).toMatchObject({ productKey });
  });
});
