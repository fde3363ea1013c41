import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A queue as the local hub provisioned it. */
export interface LocalQueue {
  readonly url: string;
  readonly arn: string;
  readonly name: string;
}

/** The hub's queues (`Queue`) or dead-letter queues (`Dlq`), by their CDK logical id suffix. */
export const queuesOf = (hub: { queues: Record<string, LocalQueue> }, kind: 'Queue' | 'Dlq'): LocalQueue[] =>
  Object.entries(hub.queues)
    .filter(([id]) => new RegExp(`${kind}[0-9A-F]{8}$`).test(id))
    .map(([, queue]) => queue);

/** Messages in a queue, visible and in flight. */
export const depth = async (sqs: SQSClient, queueUrl: string): Promise<number> => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
};
