import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  EXCEPTION_TYPES,
  type ExceptionType,
  exceptionTypes,
  type Owner,
  runbookAnchor,
} from '../../domain/exception-types';
import { type Clock, systemClock } from '../../runtime/clock';
import { NotFoundError } from '../../runtime/errors';
import { isConditionFailure } from './dynamodb';
import { EXCEPTIONS_TABLE } from './table-schemas';

/** Whether somebody still has to act on an exception. */
export type ExceptionStatus = 'open' | 'resolved';

/** One exception: the same failure seen again is the same item with a higher count. */
export interface ExceptionItem {
  readonly id: string;
  readonly type: ExceptionType;
  readonly key: string;
  readonly owner: Owner;
  readonly status: ExceptionStatus;
  readonly count: number;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly resolvedAt?: string;
  /** When DynamoDB may delete a resolved exception (epoch seconds); absent while open. */
  readonly expiresAt?: number;
  readonly summary: string;
  readonly runbook: string;
  /** What the raiser knew: the SKU, the order, the amounts... the latest occurrence wins. */
  readonly details: Record<string, unknown>;
}

/** A filter for listing exceptions; every given field must match. */
export interface ExceptionFilter {
  readonly type?: ExceptionType;
  readonly owner?: Owner;
  readonly status?: ExceptionStatus;
}

/** Days a resolved exception is kept before DynamoDB's time to live deletes it. */
export const RESOLVED_KEPT_DAYS = 30;

/** The id of the exception of `type` about `key`. */
export const exceptionId = (type: ExceptionType, key: string): string => `${type}#${key}`;

/**
 * The exceptions list in DynamoDB. `raise` is an idempotent upsert: it counts occurrences, keeps when the
 * failure was first and last seen, and re-opens a resolved exception when the failure comes back.
 */
export class ExceptionsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Records one occurrence of `type` about `key` (a SKU, an order id, a settlement id ...). */
  async raise(type: ExceptionType, key: string, details: Record<string, unknown> = {}): Promise<ExceptionItem> {
    const info = EXCEPTION_TYPES[type];
    const at = new Date(this.clock.now()).toISOString();
    const result = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [EXCEPTIONS_TABLE.partitionKey]: exceptionId(type, key) },
        UpdateExpression:
          'SET #type = :type, #key = :key, #owner = :owner, #status = :open, #summary = :summary, #runbook = :runbook, ' +
          '#details = :details, #lastSeenAt = :at, #firstSeenAt = if_not_exists(#firstSeenAt, :at) ' +
          'REMOVE #resolvedAt, #expiresAt ADD #count :one',
        ExpressionAttributeNames: {
          '#type': 'type',
          '#key': 'key',
          '#owner': 'owner',
          '#status': 'status',
          '#summary': 'summary',
          '#runbook': 'runbook',
          '#details': 'details',
          '#lastSeenAt': 'lastSeenAt',
          '#firstSeenAt': 'firstSeenAt',
          '#resolvedAt': 'resolvedAt',
          '#expiresAt': EXCEPTIONS_TABLE.timeToLive,
          '#count': 'count',
        },
        ExpressionAttributeValues: {
          ':type': type,
          ':key': key,
          ':owner': info.owner,
          ':open': 'open',
          ':summary': info.summary,
          ':runbook': runbookAnchor(type),
          ':details': details,
          ':at': at,
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes as ExceptionItem;
  }

  /** Marks an exception resolved. @throws NotFoundError when there is no such exception. */
  async resolve(id: string): Promise<ExceptionItem> {
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [EXCEPTIONS_TABLE.partitionKey]: id },
          UpdateExpression: 'SET #status = :resolved, #resolvedAt = :at, #expiresAt = :expires',
          ConditionExpression: 'attribute_exists(#id)',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#resolvedAt': 'resolvedAt',
            '#expiresAt': EXCEPTIONS_TABLE.timeToLive,
            '#id': EXCEPTIONS_TABLE.partitionKey,
          },
          ExpressionAttributeValues: {
            ':resolved': 'resolved',
            ':at': new Date(this.clock.now()).toISOString(),
            ':expires': this.#expiresAt(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes as ExceptionItem;
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`no exception ${id}`);
      throw error;
    }
  }

  /**
   * Resolves the exception of (type, key) if it is open: the hub closes an exception itself once what it was about
   * has healed (a ghost order that reached SCAYLE after all). Nothing happens when there is none. With `raisedBy`,
   * only an exception whose details carry those values: two loops raising one type for one key (the catalogue
   * loop and the stock push, both about a SellerSKU) each heal only their own.
   */
  async resolveOpen(type: ExceptionType, key: string, raisedBy: Readonly<Record<string, string>> = {}): Promise<void> {
    const matches = Object.entries(raisedBy);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [EXCEPTIONS_TABLE.partitionKey]: exceptionId(type, key) },
          UpdateExpression: 'SET #status = :resolved, #resolvedAt = :at, #expiresAt = :expires',
          ConditionExpression: ['#status = :open', ...matches.map((_, i) => `#details.#m${i} = :m${i}`)].join(' AND '),
          ExpressionAttributeNames: {
            '#status': 'status',
            '#resolvedAt': 'resolvedAt',
            '#expiresAt': EXCEPTIONS_TABLE.timeToLive,
            ...(matches.length > 0 ? { '#details': 'details' } : {}),
            ...Object.fromEntries(matches.map(([name], i) => [`#m${i}`, name])),
          },
          ExpressionAttributeValues: {
            ':resolved': 'resolved',
            ':open': 'open',
            ':at': new Date(this.clock.now()).toISOString(),
            ':expires': this.#expiresAt(),
            ...Object.fromEntries(matches.map(([, value], i) => [`:m${i}`, value])),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * When DynamoDB may delete a resolved exception (epoch seconds): 30 days on, as Amazon's data protection policy
   * allows for buyer data; raised again before then, it stays.
   */
  #expiresAt(): number {
    return Math.floor(this.clock.now() / 1000) + RESOLVED_KEPT_DAYS * 86_400;
  }

  /** One exception by id, or undefined. */
  async get(id: string): Promise<ExceptionItem | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { [EXCEPTIONS_TABLE.partitionKey]: id } }),
    );
    return result.Item as ExceptionItem | undefined;
  }

  /** Exceptions matching the filter, most recently seen first. */
  async list(filter: ExceptionFilter = {}): Promise<ExceptionItem[]> {
    const items: ExceptionItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        filter.status
          ? new QueryCommand({
              TableName: this.tableName,
              IndexName: 'byStatus',
              KeyConditionExpression: '#status = :status',
              ExpressionAttributeNames: { '#status': EXCEPTIONS_TABLE.indexes.byStatus.partitionKey },
              ExpressionAttributeValues: { ':status': filter.status },
              ScanIndexForward: false,
              ExclusiveStartKey: startKey,
            })
          : new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey }),
      );
      items.push(...((page.Items ?? []) as ExceptionItem[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items
      .filter((item) => (!filter.type || item.type === filter.type) && (!filter.owner || item.owner === filter.owner))
      .sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt));
  }

  /**
   * How many exceptions of each type are open: every catalogued type, zero included (a graph of them stays
   * continuous), plus any type still open in the table that the catalogue no longer has. Reads only the open
   * ones' types through `byStatus`.
   */
  async countOpenByType(): Promise<Record<string, number>> {
    const counts: Record<string, number> = Object.fromEntries(exceptionTypes().map((type) => [type, 0]));
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byStatus',
          KeyConditionExpression: '#status = :open',
          ProjectionExpression: '#type',
          ExpressionAttributeNames: { '#status': EXCEPTIONS_TABLE.indexes.byStatus.partitionKey, '#type': 'type' },
          ExpressionAttributeValues: { ':open': 'open' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const { type } of (page.Items ?? []) as Pick<ExceptionItem, 'type'>[])
        counts[type] = (counts[type] ?? 0) + 1;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return counts;
  }
}
