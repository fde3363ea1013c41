import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionFailedError } from '../../runtime/errors';
import { isConditionFailure } from './dynamodb';

/**
 * Named cursors (ISO-8601 times: how far a scheduled pull has read), kept as control items `_hub#cursor#<name>`
 * in a loop's own table. Moving one is a conditional write on the value it was read at, so of two runs that
 * overlap only one advances it.
 */
export class CursorStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The table's partition key attribute. */
    private readonly partitionKey: string,
  ) {}

  /** The cursor's value, or undefined before its first run. */
  async get(name: string): Promise<string | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: this.#key(name), ConsistentRead: true }),
    );
    return result.Item?.at as string | undefined;
  }

  /**
   * Moves a cursor from `from` (undefined: not set yet) to `to`.
   * @throws ConditionFailedError when another run moved it first; that run's work is already queued.
   */
  async advance(name: string, from: string | undefined, to: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.#key(name),
          UpdateExpression: 'SET #at = :to',
          ConditionExpression: from === undefined ? 'attribute_not_exists(#at)' : '#at = :from',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':to': to, ...(from === undefined ? {} : { ':from': from }) },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new ConditionFailedError(`cursor ${name} moved since it was read`, undefined);
      throw error;
    }
  }

  #key(name: string) {
    return { [this.partitionKey]: `_hub#cursor#${name}` };
  }
}
