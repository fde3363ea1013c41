import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { RetryableError } from '../../runtime/errors';

/** What SQS takes as a group or deduplication id: 1 to 128 printable ASCII characters, no spaces. */
const SQS_FIFO_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * A group or deduplication id SQS takes: the id itself when it fits (readable in the console), else its SHA-256.
 * Ids come from outside (SCAYLE reference keys, Amazon SellerSKUs) and may be long or carry any character; the
 * hash keeps equal ids equal, so grouping and deduplication are unchanged.
 */
export const fifoId = (id: string): string =>
  SQS_FIFO_ID.test(id) ? id : createHash('sha256').update(id, 'utf8').digest('hex');

/**
 * Sends messages to a FIFO queue ten to a SendMessageBatch (SQS's maximum), each with its group and
 * deduplication id.
 * @throws RetryableError naming the messages SQS did not take (a resend is deduplicated by SQS).
 */
export const sendFifoBatches = async <T>(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly T[],
  keys: { readonly group: (message: T) => string; readonly deduplicationId: (message: T) => string },
  what: string,
): Promise<void> => {
  const batches: T[][] = [];
  for (let i = 0; i < messages.length; i += 10) batches.push(messages.slice(i, i + 10));
  const failed: string[] = [];
  await Promise.all(
    batches.map(async (batch) => {
      const result = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((message, i) => ({
            Id: String(i),
            MessageBody: JSON.stringify(message),
            MessageGroupId: fifoId(keys.group(message)),
            MessageDeduplicationId: fifoId(keys.deduplicationId(message)),
          })),
        }),
      );
      for (const entry of result.Failed ?? []) failed.push(`${entry.Id}: ${entry.Code} ${entry.Message ?? ''}`);
    }),
  );
  if (failed.length > 0)
    throw new RetryableError(`SQS did not take ${failed.length} ${what}: ${failed.slice(0, 5).join('; ')}`);
};

/** A FIFO queue of one message type, with the rule that names each message's group and deduplication id. */
export class FifoQueue<T> {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly keys: { readonly group: (message: T) => string; readonly deduplicationId: (message: T) => string },
    private readonly what: string,
  ) {}

  /** Queues messages. @throws RetryableError naming what SQS did not take. */
  async sendAll(messages: readonly T[]): Promise<void> {
    await sendFifoBatches(this.sqs, this.queueUrl, messages, this.keys, this.what);
  }
}
