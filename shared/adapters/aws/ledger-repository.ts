import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { canTransition, type OrderStatus } from '../../domain/order-status';
import { type Clock, systemClock } from '../../runtime/clock';
import { ConditionFailedError, PermanentError } from '../../runtime/errors';
import { isConditionFailure, storedItemOf } from './dynamodb';
import { LEDGER_TABLE } from './table-schemas';

/** The channel an order came in through; part of the ledger key. */
export type Channel = 'scayle' | 'amazon';

/** The systems whose identifiers the ledger links. */
export type SystemName = 'scayle' | 'orderwise' | 'amazon';

/** One step of an order's story on the ledger. */
export interface LedgerTransition {
  readonly at: string;
  readonly from: OrderStatus | null;
  readonly to: OrderStatus;
  readonly note?: string;
}

/** The ledger's head item for one order on one channel. */
export interface LedgerEntry {
  readonly pk: string;
  readonly channel: Channel;
  readonly orderId: string;
  readonly status: OrderStatus;
  /** Identifiers of the order in each system, as far as known. */
  readonly ids: Partial<Record<SystemName, string>>;
  readonly attempts: number;
  readonly reason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly history: readonly LedgerTransition[];
  /** While a worker is posting the order: until when it holds it, and the id of its hold. */
  readonly leaseUntil?: string;
  readonly leaseId?: string;
  /** Loop-specific facts (money totals, LatestShipDate ...), owned by the loop that writes them. */
  readonly data: Record<string, unknown>;
}

/** A move of an order from one status to another, with the facts learnt on the way. */
export interface TransitionRequest {
  readonly from: OrderStatus;
  readonly to: OrderStatus;
  readonly note?: string;
  readonly reason?: string;
  /** Identifiers learnt in this step (merged into `ids`). */
  readonly ids?: Partial<Record<SystemName, string>>;
  /** Facts to merge into `data`. */
  readonly data?: Record<string, unknown>;
  /** Counts this step as one more posting attempt. */
  readonly countAttempt?: boolean;
  /**
   * Moves the order only if no other worker holds a live lease on it (`leaseUntil` absent or before `now`);
   * a move to `pending` leases it until `until`. Any move out of `pending` drops the lease. A worker posting an
   * order leases it, so a second worker can take a `pending` order over only once the first is surely dead.
   */
  readonly lease?: { readonly now: string; readonly until?: string; readonly id?: string };
}

/** Raised when a transition is not in the state machine at all: a bug, not a race. */
export class IllegalTransitionError extends PermanentError {}

/** The key of an order's head item. */
export const ledgerKey = (channel: Channel, orderId: string): string => `${channel}#${orderId}`;

const aliasKey = (system: SystemName, id: string): string => `ref#${system}#${id}`;

/**
 * The order ledger in DynamoDB. Every status change is a conditional update on the status the caller expects,
 * so of two workers racing on one order exactly one wins; the loser gets a `ConditionFailedError` carrying the
 * stored entry. Identifiers of the other systems get alias items, so any one of them finds the whole story.
 */
export class LedgerRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Records a new order as `received`, once. A second call for the same order throws `ConditionFailedError`
   * with the stored entry, which is how a duplicate webhook is recognised.
   */
  async create(input: {
    channel: Channel;
    orderId: string;
    ids?: Partial<Record<SystemName, string>>;
    data?: Record<string, unknown>;
    note?: string;
  }): Promise<LedgerEntry> {
    const at = new Date(this.clock.now()).toISOString();
    const entry: LedgerEntry = {
      pk: ledgerKey(input.channel, input.orderId),
      channel: input.channel,
      orderId: input.orderId,
      status: 'received',
      ids: { [input.channel]: input.orderId, ...input.ids },
      attempts: 0,
      createdAt: at,
      updatedAt: at,
      history: [{ at, from: null, to: 'received', ...(input.note ? { note: input.note } : {}) }],
      data: input.data ?? {},
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: entry,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': LEDGER_TABLE.partitionKey },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConditionFailedError(`order ${entry.pk} is already on the ledger`, storedItemOf<LedgerEntry>(error));
      }
      throw error;
    }
    await this.#linkAll(entry.pk, entry.ids);
    return entry;
  }

  /** The entry of an order, or undefined. */
  async get(channel: Channel, orderId: string): Promise<LedgerEntry | undefined> {
    return this.#getByKey(ledgerKey(channel, orderId));
  }

  /**
   * Moves an order from `request.from` to `request.to` if, and only if, it is still in `request.from`. With `to`
   * equal to `from` it only merges ids and data and adds the note to the history.
   * @throws IllegalTransitionError when the state machine has no such edge.
   * @throws ConditionFailedError (with the stored entry) when the order is not, or no longer, in `from`.
   */
  async transition(channel: Channel, orderId: string, request: TransitionRequest): Promise<LedgerEntry> {
    // A move to the same status records facts and a note without changing where the order stands.
    if (request.from !== request.to && !canTransition(request.from, request.to)) {
      throw new IllegalTransitionError(`an order cannot move from ${request.from} to ${request.to}`);
    }
    const pk = ledgerKey(channel, orderId);
    const at = new Date(this.clock.now()).toISOString();
    const names: Record<string, string> = { '#status': 'status', '#updatedAt': 'updatedAt', '#history': 'history' };
    const values: Record<string, unknown> = {
      ':from': request.from,
      ':to': request.to,
      ':at': at,
      ':step': [{ at, from: request.from, to: request.to, ...(request.note ? { note: request.note } : {}) }],
    };
    const sets = ['#status = :to', '#updatedAt = :at', '#history = list_append(#history, :step)'];
    if (request.reason !== undefined) {
      names['#reason'] = 'reason';
      values[':reason'] = request.reason;
      sets.push('#reason = :reason');
    }
    Object.entries(request.ids ?? {}).forEach(([system, id], i) => {
      names['#ids'] = 'ids';
      names[`#sys${i}`] = system;
      values[`:id${i}`] = id;
      sets.push(`#ids.#sys${i} = :id${i}`);
    });
    Object.entries(request.data ?? {}).forEach(([field, value], i) => {
      names['#data'] = 'data';
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      sets.push(`#data.#f${i} = :v${i}`);
    });
    let condition = 'attribute_exists(#pk) AND #status = :from';
    if (request.lease) {
      names['#lease'] = 'leaseUntil';
      values[':now'] = request.lease.now;
      condition += ' AND (attribute_not_exists(#lease) OR #lease < :now)';
    }
    // A lease lives exactly as long as the order is pending: taken with the move in, dropped with the move out.
    const leaseUntil = request.to === 'pending' ? request.lease?.until : undefined;
    if (leaseUntil) {
      names['#lease'] = 'leaseUntil';
      names['#leaseId'] = 'leaseId';
      values[':until'] = leaseUntil;
      values[':leaseId'] = request.lease?.id ?? leaseUntil;
      sets.push('#lease = :until', '#leaseId = :leaseId');
    }
    let update = `SET ${sets.join(', ')}`;
    if (request.to !== 'pending') {
      names['#lease'] = 'leaseUntil';
      names['#leaseId'] = 'leaseId';
      update += ' REMOVE #lease, #leaseId';
    }
    if (request.countAttempt) {
      names['#attempts'] = 'attempts';
      values[':one'] = 1;
      update += ' ADD #attempts :one';
    }
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [LEDGER_TABLE.partitionKey]: pk },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: { ...names, '#pk': LEDGER_TABLE.partitionKey },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const entry = result.Attributes as LedgerEntry;
      if (request.ids) await this.#linkAll(pk, request.ids);
      return entry;
    } catch (error) {
      if (isConditionFailure(error)) {
        const stored = storedItemOf<LedgerEntry>(error);
        throw new ConditionFailedError(
          `order ${pk} is ${stored ? stored.status : 'not on the ledger'}, not ${request.from}`,
          stored,
        );
      }
      throw error;
    }
  }

  /**
   * Gives up the hold `leaseId` on a pending order after a failed attempt, so the retry of that message can
   * take the order at once instead of waiting for the lease to run out. Does nothing if the hold is gone.
   */
  async releaseLease(channel: Channel, orderId: string, leaseId: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [LEDGER_TABLE.partitionKey]: ledgerKey(channel, orderId) },
          UpdateExpression: 'REMOVE #lease, #leaseId',
          ConditionExpression: '#leaseId = :leaseId',
          ExpressionAttributeNames: { '#lease': 'leaseUntil', '#leaseId': 'leaseId' },
          ExpressionAttributeValues: { ':leaseId': leaseId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Finds an order by the identifier any system gave it (SCAYLE id, OrderWise number, AmazonOrderId). */
  async findByReference(system: SystemName, id: string): Promise<LedgerEntry | undefined> {
    const alias = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { [LEDGER_TABLE.partitionKey]: aliasKey(system, id) } }),
    );
    const target = alias.Item?.target as string | undefined;
    return target ? this.#getByKey(target) : undefined;
  }

  /** Orders in `status` last updated between `from` and `to` inclusive (ISO timestamps), oldest first. */
  async listByStatus(status: OrderStatus, range: { from?: string; to?: string } = {}): Promise<LedgerEntry[]> {
    const { partitionKey, sortKey } = LEDGER_TABLE.indexes.byStatus;
    const entries: LedgerEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byStatus',
          KeyConditionExpression: '#s = :s AND #u BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#s': partitionKey, '#u': sortKey },
          ExpressionAttributeValues: { ':s': status, ':from': range.from ?? '0', ':to': range.to ?? '9' },
          ExclusiveStartKey: startKey,
        }),
      );
      entries.push(...((page.Items ?? []) as LedgerEntry[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return entries;
  }

  /** The `limit` orders in `status` updated last, newest first: one read, however large the ledger. */
  async newestByStatus(status: OrderStatus, limit: number): Promise<LedgerEntry[]> {
    const { partitionKey } = LEDGER_TABLE.indexes.byStatus;
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byStatus',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': partitionKey },
        ExpressionAttributeValues: { ':s': status },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (page.Items ?? []) as LedgerEntry[];
  }

  async #getByKey(pk: string): Promise<LedgerEntry | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { [LEDGER_TABLE.partitionKey]: pk }, ConsistentRead: true }),
    );
    return result.Item as LedgerEntry | undefined;
  }

  async #linkAll(target: string, ids: Partial<Record<SystemName, string>>): Promise<void> {
    await Promise.all(
      Object.entries(ids).map(([system, id]) =>
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { [LEDGER_TABLE.partitionKey]: aliasKey(system as SystemName, id as string), target },
          }),
        ),
      ),
    );
  }
}
