import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Reservation, Velocity } from '../../domain/stock';
import { ConditionFailedError } from '../../runtime/errors';
import { CursorStore } from './cursor-store';
import { isConditionFailure, storedItemOf } from './dynamodb';
import { STOCK_TABLE } from './table-schemas';

/** The quantity last pushed to SCAYLE for a SKU. */
export interface ScaylePush {
  readonly quantity: number;
  /** The `changedAt` sent: the real change time. */
  readonly changedAt: string;
  readonly pushedAt: string;
  readonly via: 'single' | 'bulk';
  readonly buffer: number;
  readonly reserved: number;
}

/** What was last sent to Amazon for a SellerSKU in one marketplace. */
export interface AmazonPush {
  readonly sellerSku: string;
  readonly quantity?: number;
  readonly priceMinor?: number;
  readonly currency?: string;
  readonly pushedAt: string;
  readonly via: 'patch' | 'feed';
  /** The Amazon answer: ACCEPTED, or INVALID with an exception raised. */
  readonly status: 'ACCEPTED' | 'INVALID';
}

/** Feeds carrying a SKU's updates that Amazon has not finished processing, per marketplace. */
export interface AmazonFeedRef {
  readonly submittedAt: string;
  /** The SKU's `amazonDirtyAt` when the feeds left: a later change keeps it pending after they settle. */
  readonly dirtyAt?: string;
  /** Per marketplace: the feed and message id carrying the update, to find its lines in the processing report. */
  readonly messages: Readonly<
    Record<
      string,
      {
        readonly feedId: string;
        readonly messageId: number;
        readonly sellerSku: string;
        readonly quantity?: number;
        readonly priceMinor?: number;
        readonly currency?: string;
      }
    >
  >;
}

/**
 * One SKU of the stock ledger: OrderWise's free stock with its change time (an older change never replaces a
 * newer one), the sales velocity behind fast-mover buffers, reservations, what SCAYLE and Amazon were last told,
 * and whether Amazon is owed an update (`amazonPending`, the sparse key of the `byAmazonPending` index).
 */
export interface StockItem {
  readonly sku: string;
  readonly orderwiseVariantCode?: string;
  readonly owQuantity?: number;
  /** Normalised ISO-8601 (UTC, milliseconds), so that the conditional write compares strings in time order. */
  readonly owChangedAt?: string;
  readonly owSource?: string;
  readonly owReceivedAt?: string;
  readonly velocity?: Velocity;
  readonly reservations?: Readonly<Record<string, Reservation>>;
  readonly reservationsChangedAt?: string;
  readonly scayle?: ScaylePush;
  /** SCAYLE's own figure, read after a `product-variant-stock-updated` webhook. */
  readonly scayleObserved?: { readonly quantity: number; readonly changedAt: string; readonly observedAt: string };
  /** SCAYLE's current price per currency, read after a `product-variant-prices-updated` webhook. */
  readonly prices?: Readonly<Record<string, { readonly amountMinor: number; readonly observedAt: string }>>;
  readonly amazon?: Readonly<Record<string, AmazonPush>>;
  readonly amazonPending?: 'pending';
  readonly amazonDirtyAt?: string;
  /** Push even when the figures equal what was last sent (the scheduled full sync repairs Amazon-side drift). */
  readonly amazonForce?: boolean;
  readonly amazonFeed?: AmazonFeedRef;
  readonly version?: number;
}

/** The OrderWise fields of a stock change, as the use case computed them. */
export type OrderwiseStock = Required<
  Pick<StockItem, 'orderwiseVariantCode' | 'owQuantity' | 'owChangedAt' | 'owSource' | 'owReceivedAt' | 'velocity'>
>;

const PENDING = 'pending';
const control = (name: string) => `_hub#${name}`;
const names = (...attributes: string[]) => Object.fromEntries(attributes.map((a) => [`#${a}`, a]));

/**
 * The stock ledger in DynamoDB. OrderWise changes are written only if they are not older than the stored one
 * and the item is still the version the caller read; a failed condition becomes `ConditionFailedError` carrying
 * the stored item. The same table holds a few control items (`_hub#...`): the Amazon pusher's lock, the feeds in
 * flight and the OrderWise pull cursor.
 */
export class StockRepository {
  readonly #cursors: CursorStore;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.#cursors = new CursorStore(db, tableName, STOCK_TABLE.partitionKey);
  }

  /** One SKU, read consistently (the read before a conditional write). */
  async get(sku: string): Promise<StockItem | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { [STOCK_TABLE.partitionKey]: sku }, ConsistentRead: true }),
    );
    return result.Item as StockItem | undefined;
  }

  /**
   * Writes OrderWise's figure for a SKU.
   * @throws ConditionFailedError (with the stored item) when a newer change is stored or another writer got there first.
   */
  async applyOrderwise(sku: string, stock: OrderwiseStock, expectedVersion: number | undefined): Promise<void> {
    await this.#conditional(
      sku,
      {
        UpdateExpression:
          'SET orderwiseVariantCode = :code, owQuantity = :q, owChangedAt = :c, owSource = :src, owReceivedAt = :r, velocity = :vel, #version = :next',
        ConditionExpression: `(attribute_not_exists(owChangedAt) OR owChangedAt <= :c) AND ${
          expectedVersion === undefined ? 'attribute_not_exists(#version)' : '#version = :expected'
        }`,
        ExpressionAttributeNames: names('version'),
        ExpressionAttributeValues: {
          ':code': stock.orderwiseVariantCode,
          ':q': stock.owQuantity,
          ':c': stock.owChangedAt,
          ':src': stock.owSource,
          ':r': stock.owReceivedAt,
          ':vel': stock.velocity,
          ':next': (expectedVersion ?? 0) + 1,
          ...(expectedVersion === undefined ? {} : { ':expected': expectedVersion }),
        },
      },
      `stock of ${sku} changed since it was read, or a newer change is stored`,
    );
  }

  /**
   * Replaces a SKU's reservations (by order reference) and their change time, if the item is still at
   * `expectedVersion`. Creates the item when the SKU has none yet (an order can come before any stock figure).
   * @throws ConditionFailedError when another writer changed the item since it was read.
   */
  async writeReservations(
    sku: string,
    reservations: Readonly<Record<string, Reservation>>,
    changedAt: string,
    expectedVersion: number | undefined,
  ): Promise<void> {
    await this.#conditional(
      sku,
      {
        UpdateExpression: 'SET reservations = :res, reservationsChangedAt = :c, #version = :next',
        ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(#version)' : '#version = :expected',
        ExpressionAttributeNames: names('version'),
        ExpressionAttributeValues: {
          ':res': reservations,
          ':c': changedAt,
          ':next': (expectedVersion ?? 0) + 1,
          ...(expectedVersion === undefined ? {} : { ':expected': expectedVersion }),
        },
      },
      `stock of ${sku} changed since its reservations were read`,
    );
  }

  /**
   * Records what SCAYLE was told and marks the SKU as owing Amazon an update. A push record never replaces one
   * for a newer change (two pushes racing for one SKU keep the newest).
   * @throws ConditionFailedError when a newer push is recorded.
   */
  async recordScaylePush(sku: string, push: ScaylePush, now: string): Promise<void> {
    await this.#conditional(
      sku,
      {
        UpdateExpression: 'SET scayle = :p, amazonPending = :pending, amazonDirtyAt = :now',
        ConditionExpression: 'attribute_not_exists(scayle) OR scayle.changedAt <= :c',
        ExpressionAttributeValues: { ':p': push, ':c': push.changedAt, ':pending': PENDING, ':now': now },
      },
      `a newer SCAYLE push of ${sku} is recorded`,
    );
  }

  /** Records SCAYLE's own stock figure or prices (after a webhook) and marks the SKU as owing Amazon an update. */
  async recordScayleState(
    sku: string,
    state: Pick<StockItem, 'scayleObserved'> | Pick<StockItem, 'prices'>,
    now: string,
  ): Promise<void> {
    const [[attribute, value]] = Object.entries(state) as [[string, unknown]];
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [STOCK_TABLE.partitionKey]: sku },
        UpdateExpression: 'SET #a = :v, amazonPending = :pending, amazonDirtyAt = :now',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':v': value, ':pending': PENDING, ':now': now },
      }),
    );
  }

  /** Marks SKUs as owing Amazon an update; `force` sends it even if it equals what Amazon was last told. */
  async markAmazonPending(skus: readonly string[], now: string, force: boolean): Promise<void> {
    for (const sku of skus) {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [STOCK_TABLE.partitionKey]: sku },
          UpdateExpression: `SET amazonPending = :pending, amazonDirtyAt = :now${force ? ', amazonForce = :t' : ''}`,
          ExpressionAttributeValues: { ':pending': PENDING, ':now': now, ...(force ? { ':t': true } : {}) },
        }),
      );
    }
  }

  /** Every SKU owing Amazon an update, oldest change first. */
  async listAmazonPending(): Promise<StockItem[]> {
    const items: StockItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byAmazonPending',
          KeyConditionExpression: 'amazonPending = :pending',
          ExpressionAttributeValues: { ':pending': PENDING },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((page.Items ?? []) as StockItem[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Notes that a SKU's update travels in a feed, so no call overtakes it while Amazon processes the feed. */
  async markAmazonInFlight(sku: string, feed: AmazonFeedRef): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [STOCK_TABLE.partitionKey]: sku },
        UpdateExpression: 'SET amazonFeed = :f',
        ExpressionAttributeValues: { ':f': feed },
      }),
    );
  }

  /** Forgets a feed that failed as a whole: the SKU stays pending and goes out again. */
  async releaseFeed(sku: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [STOCK_TABLE.partitionKey]: sku },
        UpdateExpression: 'REMOVE amazonFeed',
      }),
    );
  }

  /**
   * Records what Amazon was told. The SKU stops owing an update only if nothing changed since the pusher read
   * it (`amazonDirtyAt` as seen); a change in between keeps it pending for the next round.
   */
  async recordAmazonPush(
    sku: string,
    amazon: Readonly<Record<string, AmazonPush>>,
    seenDirtyAt: string | undefined,
    stillInFlight?: AmazonFeedRef,
  ): Promise<void> {
    const key = { [STOCK_TABLE.partitionKey]: sku };
    if (stillInFlight) {
      // Some marketplaces' feeds are still running: record what is known, settle the SKU with the last feed.
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET amazon = :a, amazonFeed = :f',
          ExpressionAttributeValues: { ':a': amazon, ':f': stillInFlight },
        }),
      );
      return;
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET amazon = :a REMOVE amazonFeed, amazonPending, amazonDirtyAt, amazonForce',
          ConditionExpression: 'amazonDirtyAt = :seen',
          ExpressionAttributeValues: { ':a': amazon, ':seen': seenDirtyAt ?? '' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET amazon = :a REMOVE amazonFeed',
          ExpressionAttributeValues: { ':a': amazon },
        }),
      );
    }
  }

  /**
   * Takes a named lock until `until` (epoch ms) if it is free, expired, or already held by `holder`.
   * @returns false when someone else holds it.
   */
  async acquireLock(name: string, holder: string, until: number, now: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [STOCK_TABLE.partitionKey]: control(`lock#${name}`), holder, until },
          ConditionExpression: 'attribute_not_exists(#pk) OR #until < :now OR holder = :holder',
          ExpressionAttributeNames: { '#pk': STOCK_TABLE.partitionKey, '#until': 'until' },
          ExpressionAttributeValues: { ':now': now, ':holder': holder },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Releases a lock this holder took. */
  async releaseLock(name: string, holder: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [STOCK_TABLE.partitionKey]: control(`lock#${name}`) },
          UpdateExpression: 'SET #until = :zero',
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':zero': 0, ':holder': holder },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  /** The feeds Amazon is still processing, by feed id. */
  async feedsInFlight(): Promise<Record<string, { marketplaceId: string; submittedAt: string }>> {
    const result = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [STOCK_TABLE.partitionKey]: control('feeds') },
        ConsistentRead: true,
      }),
    );
    return (result.Item?.feeds ?? {}) as Record<string, { marketplaceId: string; submittedAt: string }>;
  }

  /** Adds or (with `undefined`) removes a feed in flight. */
  async setFeedInFlight(
    feedId: string,
    feed: { marketplaceId: string; submittedAt: string } | undefined,
  ): Promise<void> {
    const key = { [STOCK_TABLE.partitionKey]: control('feeds') };
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET feeds = if_not_exists(feeds, :empty)',
        ExpressionAttributeValues: { ':empty': {} },
      }),
    );
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: feed ? 'SET feeds.#id = :f' : 'REMOVE feeds.#id',
        ExpressionAttributeNames: { '#id': feedId },
        ...(feed ? { ExpressionAttributeValues: { ':f': feed } } : {}),
      }),
    );
  }

  /** A named cursor (ISO-8601), e.g. how far the OrderWise pull has read. */
  async cursor(name: string): Promise<string | undefined> {
    return this.#cursors.get(name);
  }

  /**
   * Moves a cursor from `from` (undefined: not set yet) to `to`.
   * @throws ConditionFailedError when another run moved it first; that run's rows are already queued.
   */
  async advanceCursor(name: string, from: string | undefined, to: string): Promise<void> {
    await this.#cursors.advance(name, from, to);
  }

  async #conditional(
    key: string,
    update: Pick<
      ConstructorParameters<typeof UpdateCommand>[0],
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
    message: string,
  ): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [STOCK_TABLE.partitionKey]: key },
          ...update,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConditionFailedError(message, storedItemOf<StockItem>(error));
      throw error;
    }
  }
}
