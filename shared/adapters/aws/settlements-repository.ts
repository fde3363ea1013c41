import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../../runtime/clock';
import { isConditionFailure, storedItemOf } from './dynamodb';
import { SETTLEMENTS_TABLE } from './table-schemas';

/** Where a settlement stands. */
export type SettlementStatus = 'processing' | 'posted' | 'unbalanced';

/** A settlement's record; reports fetched are marked in the same table under `report#<reportId>`. */
export interface SettlementRecord {
  readonly settlementId: string;
  readonly status: SettlementStatus;
  readonly sourceKey: string;
  readonly updatedAt: string;
  readonly journalKey?: string;
  readonly csvKey?: string;
  /** Files of this settlement that arrived after it was posted and were deliberately left alone. */
  readonly duplicateSources?: readonly string[];
}

const key = (id: string) => ({ [SETTLEMENTS_TABLE.partitionKey]: id });

/**
 * The settlements table: one record per settlement id (so the same settlement processed twice yields one
 * journal) and one marker per fetched report id (so a report is downloaded once).
 */
export class SettlementsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** A settlement's record, or undefined. */
  async get(settlementId: string): Promise<SettlementRecord | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(settlementId) }));
    return result.Item as SettlementRecord | undefined;
  }

  /** True when the report was fetched before. */
  async isReportFetched(reportId: string): Promise<boolean> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(`report#${reportId}`) }));
    return result.Item !== undefined;
  }

  /** Marks a report as fetched into `objectKey`; false when it already was. */
  async markReportFetched(reportId: string, objectKey: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key(`report#${reportId}`), objectKey, fetchedAt: new Date(this.clock.now()).toISOString() },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': SETTLEMENTS_TABLE.partitionKey },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Takes a settlement for processing unless it is already posted. Returns `posted` for a settlement done
   * before (nothing to do), else `claimed` (also when an earlier attempt stopped half way: it is done again).
   */
  async claim(settlementId: string, sourceKey: string): Promise<'claimed' | 'posted'> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key(settlementId),
            status: 'processing',
            sourceKey,
            updatedAt: new Date(this.clock.now()).toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #status <> :posted',
          ExpressionAttributeNames: { '#pk': SETTLEMENTS_TABLE.partitionKey, '#status': 'status' },
          ExpressionAttributeValues: { ':posted': 'posted' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'claimed';
    } catch (error) {
      if (isConditionFailure(error) && storedItemOf<SettlementRecord>(error)?.status === 'posted') return 'posted';
      throw error;
    }
  }

  /** Records the outcome of a claimed settlement. */
  async finish(
    settlementId: string,
    status: Exclude<SettlementStatus, 'processing'>,
    keys: { journalKey?: string; csvKey?: string } = {},
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(settlementId),
        UpdateExpression: 'SET #status = :status, #updatedAt = :at, #journalKey = :journal, #csvKey = :csv',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#updatedAt': 'updatedAt',
          '#journalKey': 'journalKey',
          '#csvKey': 'csvKey',
        },
        ExpressionAttributeValues: {
          ':status': status,
          ':at': new Date(this.clock.now()).toISOString(),
          ':journal': keys.journalKey ?? null,
          ':csv': keys.csvKey ?? null,
        },
      }),
    );
  }

  /**
   * Notes a file of an already posted settlement that was deliberately left alone: the hub's own record that it
   * saw the file, so an operator (or a test) can tell "handled, nothing to do" from "never seen".
   */
  async recordDuplicate(settlementId: string, sourceKey: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(settlementId),
        UpdateExpression: 'SET #duplicates = list_append(if_not_exists(#duplicates, :none), :source), #updatedAt = :at',
        ExpressionAttributeNames: { '#duplicates': 'duplicateSources', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: {
          ':none': [],
          ':source': [sourceKey],
          ':at': new Date(this.clock.now()).toISOString(),
        },
      }),
    );
  }
}
