import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { FailuresRepository } from './failures-repository';

/** A message in a dead-letter queue, with why it failed when the consumer recorded it. */
export interface DeadLetter {
  readonly messageId: string;
  readonly groupId?: string;
  readonly receiveCount: number;
  readonly body: string;
  readonly reason?: string;
  readonly retryable?: boolean;
  readonly failedAt?: string;
}

const receive = (sqs: SQSClient, queueUrl: string, visibility: number) =>
  sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: visibility,
      MessageSystemAttributeNames: ['All'],
    }),
  );

/**
 * A consumer's dead-letter queue: what is in it and why, and moving it back to its queue once the cause is
 * fixed. Moving back is safe: every consumer re-checks the ledger before it acts, so a message that did part of
 * its work before failing does not do it twice.
 */
export class DeadLetters {
  constructor(
    private readonly sqs: SQSClient,
    private readonly failures: Pick<FailuresRepository, 'find'>,
  ) {}

  /**
   * Lists the messages (receiving them briefly, then making them visible again). On a FIFO queue only the
   * first message of each group can be seen while the group has one in flight, as SQS does.
   */
  async inspect(dlqUrl: string, max = 100): Promise<DeadLetter[]> {
    const seen: Message[] = [];
    for (;;) {
      const { Messages = [] } = await receive(this.sqs, dlqUrl, 30);
      seen.push(...Messages);
      if (Messages.length === 0 || seen.length >= max) break;
    }
    for (let i = 0; i < seen.length; i += 10) {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: dlqUrl,
          Entries: seen
            .slice(i, i + 10)
            .map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle ?? '', VisibilityTimeout: 0 })),
        }),
      );
    }
    const failures = await this.failures.find(seen.map((m) => m.MessageId ?? ''));
    return seen.map((m) => {
      const failure = failures.get(m.MessageId ?? '');
      return {
        messageId: m.MessageId ?? '',
        ...(m.Attributes?.MessageGroupId ? { groupId: m.Attributes.MessageGroupId } : {}),
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
        body: m.Body ?? '',
        ...(failure ? { reason: failure.reason, retryable: failure.retryable, failedAt: failure.failedAt } : {}),
      };
    });
  }

  /** Starts SQS's own move task (a deployed stage): messages go back to the queue they came from. */
  async startMoveTask(dlqUrl: string, queueUrl: string): Promise<string> {
    const arnOf = async (url: string) =>
      (await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes
        ?.QueueArn as string;
    const task = await this.sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: await arnOf(dlqUrl), DestinationArn: await arnOf(queueUrl) }),
    );
    return task.TaskHandle ?? '';
  }

  /**
   * Moves messages back one by one (where no move task exists, as in the local hub): sent to the queue with their
   * group and a new deduplication id, then deleted from the DLQ.
   */
  async moveBack(dlqUrl: string, queueUrl: string): Promise<number> {
    let moved = 0;
    for (;;) {
      const { Messages = [] } = await receive(this.sqs, dlqUrl, 60);
      if (Messages.length === 0) return moved;
      for (const message of Messages) {
        const groupId = message.Attributes?.MessageGroupId;
        await this.sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: message.Body ?? '',
            ...(groupId
              ? { MessageGroupId: groupId, MessageDeduplicationId: `redrive-${message.MessageId}-${Date.now()}` }
              : {}),
          }),
        );
        await this.sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle ?? '' }));
        moved++;
      }
    }
  }
}
