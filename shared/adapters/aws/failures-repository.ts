import { BatchGetCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../../runtime/clock';
import { FAILURES_TABLE } from './table-schemas';

/** Why one queue message failed, last time it did. */
export interface MessageFailure {
  readonly messageId: string;
  readonly queueArn: string;
  readonly reason: string;
  readonly retryable: boolean;
  readonly receiveCount: number;
  readonly failedAt: string;
}

/** Kept as long as a DLQ keeps the message (14 days) and a day more. */
const KEEP_SECONDS = 15 * 86_400;

/** The failures table: the last failure of every queue message that failed, read by `hub redrive --dry-run`. */
export class FailuresRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Records (replaces) a message's last failure. */
  async record(failure: Omit<MessageFailure, 'failedAt'>): Promise<void> {
    const now = this.clock.now();
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...failure,
          failedAt: new Date(now).toISOString(),
          [FAILURES_TABLE.timeToLive]: Math.floor(now / 1000) + KEEP_SECONDS,
        },
      }),
    );
  }

  /** The failures of the given messages, by message id. */
  async find(messageIds: readonly string[]): Promise<Map<string, MessageFailure>> {
    const found = new Map<string, MessageFailure>();
    for (let i = 0; i < messageIds.length; i += 100) {
      const keys = messageIds.slice(i, i + 100).map((messageId) => ({ [FAILURES_TABLE.partitionKey]: messageId }));
      const result = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
      for (const item of (result.Responses?.[this.tableName] ?? []) as MessageFailure[])
        found.set(item.messageId, item);
    }
    return found;
  }
}
