import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionFailedError } from '../../runtime/errors';
import { isConditionFailure } from './dynamodb';

/**
 * Where a scheduled pull stopped inside one search, to go on from there in its next run: the search's bounds, the
 * continuation token the source gave for the next page, and how many pages were read so far.
 */
export interface CursorResume {
  readonly from: string;
  readonly to: string;
  readonly nextToken: string;
  readonly pages: number;
  readonly savedAt: string;
}

/** A cursor as a run reads it: how far the pull has read in full, and a search it left half read. */
export interface CursorState {
  readonly at?: string;
  readonly resume?: CursorResume;
}

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

  /** The cursor with the search a run left half read, if any. */
  async read(name: string): Promise<CursorState> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: this.#key(name), ConsistentRead: true }),
    );
    return {
      ...(result.Item?.at ? { at: result.Item.at as string } : {}),
      ...(result.Item?.resume ? { resume: result.Item.resume as CursorResume } : {}),
    };
  }

  /**
   * Moves a cursor from `from` (undefined: not set yet) to `to`, and forgets any half-read search.
   * @throws ConditionFailedError when another run moved it first; that run's work is already queued.
   */
  async advance(name: string, from: string | undefined, to: string): Promise<void> {
    await this.#update(name, from, 'SET #at = :to REMOVE #resume', { ':to': to });
  }

  /**
   * Keeps where a run stopped inside its search (undefined: forget it), while the cursor is still at `at`.
   * @throws ConditionFailedError when another run moved the cursor meanwhile.
   */
  async saveResume(name: string, at: string | undefined, resume: CursorResume | undefined): Promise<void> {
    await this.#update(
      name,
      at,
      resume ? 'SET #resume = :resume' : 'REMOVE #resume',
      resume ? { ':resume': resume } : {},
    );
  }

  async #update(name: string, from: string | undefined, expression: string, values: Record<string, unknown>) {
    const all = { ...values, ...(from === undefined ? {} : { ':from': from }) };
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.#key(name),
          UpdateExpression: expression,
          ConditionExpression: from === undefined ? 'attribute_not_exists(#at)' : '#at = :from',
          ExpressionAttributeNames: { '#at': 'at', '#resume': 'resume' },
          // DynamoDB refuses an empty map of values.
          ...(Object.keys(all).length > 0 ? { ExpressionAttributeValues: all } : {}),
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
