import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalHub } from '../../local/hub/hub';

/** The local queue whose logical id starts with `prefix` and ends as the queue (`Queue`) or its DLQ (`Dlq`). */
export const queueOf = (hub: LocalHub, prefix: string, kind: 'Queue' | 'Dlq') => {
  const entry = Object.entries(hub.queues).find(
    ([id]) => id.startsWith(prefix) && new RegExp(`${kind}[0-9A-F]{8}$`).test(id),
  );
  if (!entry) throw new Error(`no ${kind} queue ${prefix}* in ${Object.keys(hub.queues).join(', ')}`);
  return entry[1];
};

export { depth } from '../../local/hub/inspect';

/** Puts a raw message on a FIFO queue, as a broken producer would. */
export const sendRaw = async (sqs: SQSClient, queueUrl: string, body: string, groupId: string) =>
  sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: body,
      MessageGroupId: groupId,
      MessageDeduplicationId: `${groupId}-${body.length}`,
    }),
  );
