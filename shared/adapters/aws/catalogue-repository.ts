import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  type ScanCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CatalogueLookup } from '../../ports';
import { CATALOGUE_TABLE } from './table-schemas';

/** One variant of the catalogue map: SCAYLE variant <-> OrderWise stock code <-> Amazon SellerSKU per marketplace. */
export interface CatalogueEntry {
  /** SCAYLE variant reference key. */
  readonly sku: string;
  readonly scayleVariantId?: number;
  readonly orderwiseVariantCode?: string;
  /** Per MarketplaceId. */
  readonly amazon?: Readonly<Record<string, { readonly sellerSku: string; readonly asin?: string }>>;
}

const variantKey = (sku: string) => `variant#${sku}`;
/** Alias item: OrderWise stock code -> SKU, so a stock export finds its SKU without a scan. */
const stockCodeKey = (code: string) => `orderwise#${code}`;

/** Alias item: Amazon SellerSKU in one marketplace -> SKU, so an Amazon order finds its variants without a scan. */
const sellerSkuKey = (marketplaceId: string, sellerSku: string) => `amazon#${marketplaceId}#${sellerSku}`;

/** Listing record: what the catalogue loop last sent Amazon for one SellerSKU in one marketplace. */
const listingKey = (marketplaceId: string, sellerSku: string) => `listing#${marketplaceId}#${sellerSku}`;

/** What the hub last listed on Amazon for a SellerSKU in a marketplace (loop 8). */
export interface ListingRecord {
  readonly marketplaceId: string;
  readonly sellerSku: string;
  readonly role: 'parent' | 'child';
  /** The SCAYLE product the listing was made from, and the variant for a child. */
  readonly productKey: string;
  readonly sku?: string;
  readonly productType: string;
  /**
   * `blocked`: the hub would not list it (LISTING_BLOCKED) and Amazon has no listing of it, so no offer goes to
   * Amazon for it either. `external`: the hub would not list it, but Amazon has a listing of it the hub did not
   * make (Seller Central, or before the hub): it keeps getting its offer. Absent on listings the hub sent.
   */
  readonly status?: 'blocked' | 'external';
  /** When the stock push last found the listing gone from Amazon and asked for it to be listed again. */
  readonly relistedAt?: string;
  /** When a sync last created the listing again after such a request. */
  readonly relistDoneAt?: string;
  /** A hash of the attributes sent: the same hash again means Amazon already has them. */
  readonly hash: string;
  readonly listedAt: string;
  readonly updatedAt: string;
}

/** The items one mapping is stored as: the variant and its stock-code and SellerSKU aliases. */
const itemsOf = (entry: CatalogueEntry): Record<string, unknown>[] => [
  { [CATALOGUE_TABLE.partitionKey]: variantKey(entry.sku), ...entry },
  ...(entry.orderwiseVariantCode
    ? [{ [CATALOGUE_TABLE.partitionKey]: stockCodeKey(entry.orderwiseVariantCode), sku: entry.sku }]
    : []),
  ...Object.entries(entry.amazon ?? {}).map(([marketplaceId, { sellerSku }]) => ({
    [CATALOGUE_TABLE.partitionKey]: sellerSkuKey(marketplaceId, sellerSku),
    sku: entry.sku,
  })),
];

/** The catalogue map in DynamoDB. */
export class CatalogueRepository implements CatalogueLookup {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One variant's mapping, or undefined. */
  async get(sku: string): Promise<CatalogueEntry | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { [CATALOGUE_TABLE.partitionKey]: variantKey(sku) } }),
    );
    if (!result.Item) return undefined;
    const { [CATALOGUE_TABLE.partitionKey]: _key, ...entry } = result.Item;
    return entry as CatalogueEntry;
  }

  /** Writes (replaces) one variant's mapping. */
  async put(entry: CatalogueEntry): Promise<void> {
    await Promise.all(itemsOf(entry).map((Item) => this.db.send(new PutCommand({ TableName: this.tableName, Item }))));
  }

  /**
   * Writes many mappings, 25 per request (BatchWriteItem's limit), retrying what DynamoDB left unprocessed. The
   * stock-code and SellerSKU aliases go first and the variant items after them: a write that stops half way leaves
   * at most aliases whose variant does not name them yet (look-ups ignore those), never a variant without its
   * aliases, so running the import again completes it.
   */
  async putAll(entries: readonly CatalogueEntry[]): Promise<void> {
    const items = entries.map(itemsOf);
    await this.#batchPut(items.flatMap(([, ...aliases]) => aliases));
    await this.#batchPut(items.flatMap(([variant]) => (variant ? [variant] : [])));
  }

  async #batchPut(items: readonly Record<string, unknown>[]): Promise<void> {
    const chunks: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
    await Promise.all(
      chunks.map(async (chunk) => {
        let requests: BatchWriteCommandInput['RequestItems'] = {
          [this.tableName]: chunk.map((Item) => ({ PutRequest: { Item } })),
        };
        for (let attempt = 0; requests && Object.keys(requests).length > 0; attempt++) {
          // Unprocessed items mean DynamoDB is throttling: back off before sending them again.
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 25 * 2 ** attempt)));
          const result: BatchWriteCommandOutput = await this.db.send(new BatchWriteCommand({ RequestItems: requests }));
          requests = result.UnprocessedItems;
        }
      }),
    );
  }

  /** Removes a variant's mapping and its aliases (the variant was deleted in SCAYLE). */
  async remove(sku: string): Promise<CatalogueEntry | undefined> {
    const entry = await this.get(sku);
    if (!entry) return undefined;
    await Promise.all(
      itemsOf(entry).map((item) =>
        this.db
          .send(
            new DeleteCommand({
              TableName: this.tableName,
              Key: { [CATALOGUE_TABLE.partitionKey]: item[CATALOGUE_TABLE.partitionKey] },
              // An alias another variant took over since stays.
              ...(item[CATALOGUE_TABLE.partitionKey] === variantKey(sku)
                ? {}
                : { ConditionExpression: 'sku = :sku', ExpressionAttributeValues: { ':sku': sku } }),
            }),
          )
          .catch((error: unknown) => {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }),
      ),
    );
    return entry;
  }

  /** The listing records of SellerSKUs in one marketplace, by SellerSKU; SKUs never listed are absent. */
  async listings(marketplaceId: string, sellerSkus: readonly string[]): Promise<ReadonlyMap<string, ListingRecord>> {
    const records = await this.#getAll<ListingRecord>(sellerSkus.map((s) => listingKey(marketplaceId, s)));
    return new Map(records.map((r) => [r.sellerSku, r]));
  }

  /**
   * Records what was sent for a listing. Conditional on the hash: recording the same attributes twice (a redelivered
   * message) is a no-op, never an error.
   */
  async recordListing(record: ListingRecord): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [CATALOGUE_TABLE.partitionKey]: listingKey(record.marketplaceId, record.sellerSku), ...record },
          ConditionExpression: 'attribute_not_exists(#pk) OR #hash <> :hash',
          ExpressionAttributeNames: { '#pk': CATALOGUE_TABLE.partitionKey, '#hash': 'hash' },
          ExpressionAttributeValues: { ':hash': record.hash },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Marks SellerSKUs the catalogue loop would not list: `blocked` (Amazon has no listing: no offer goes) or
   * `external` (Amazon has one the hub did not make: its offer keeps going). A listing the hub sent keeps its
   * record, so a SCAYLE attribute lost later never leaves a stale offer behind, unless `replace` says the hub
   * found it gone from Amazon or describing another variant.
   */
  async recordHeld(
    marketplaceId: string,
    held: readonly { sellerSku: string; sku: string; status: 'blocked' | 'external'; replace?: boolean }[],
    productKey: string,
    now: string,
  ): Promise<void> {
    await Promise.all(
      held.map(async ({ sellerSku, sku, status, replace }) => {
        try {
          await this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                [CATALOGUE_TABLE.partitionKey]: listingKey(marketplaceId, sellerSku),
                marketplaceId,
                sellerSku,
                sku,
                productKey,
                role: 'child',
                status,
                hash: status,
                productType: '',
                listedAt: now,
                updatedAt: now,
              },
              ...(replace
                ? {}
                : {
                    ConditionExpression: 'attribute_not_exists(#pk) OR #status IN (:blocked, :external)',
                    ExpressionAttributeNames: { '#pk': CATALOGUE_TABLE.partitionKey, '#status': 'status' },
                    ExpressionAttributeValues: { ':blocked': 'blocked', ':external': 'external' },
                  }),
            }),
          );
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }),
    );
  }

  /**
   * Notes on a listing record that the stock push found the listing gone from Amazon and asked for it again
   * (`relistedAt`), or that a sync created it again after that (`relistDoneAt`). Nothing happens without a record.
   */
  async markRelisted(
    marketplaceId: string,
    sellerSku: string,
    now: string,
    what: 'relistedAt' | 'relistDoneAt' = 'relistedAt',
  ): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [CATALOGUE_TABLE.partitionKey]: listingKey(marketplaceId, sellerSku) },
          UpdateExpression: 'SET #at = :now',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': CATALOGUE_TABLE.partitionKey, '#at': what },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Listing records (the hub's own listings, and those it let the stock loop feed) whose SellerSKU no variant maps
   * any more: a listing without a SKU match. A scan: run it from the daily sync, not per event.
   */
  async orphanListings(): Promise<ListingRecord[]> {
    const records = (await this.#scan<ListingRecord>('listing#')).filter((r) => r.role === 'child');
    const orphans: ListingRecord[] = [];
    const byMarketplace = new Map<string, ListingRecord[]>();
    for (const r of records) {
      const group = byMarketplace.get(r.marketplaceId) ?? [];
      group.push(r);
      byMarketplace.set(r.marketplaceId, group);
    }
    for (const [marketplaceId, group] of byMarketplace) {
      const mapped = await this.bySellerSkus(
        marketplaceId,
        group.map((r) => r.sellerSku),
      );
      orphans.push(...group.filter((r) => !mapped.has(r.sellerSku)));
    }
    return orphans;
  }

  /**
   * What the catalogue loop did with SellerSKUs of one marketplace: `listed` (it sent the listing), `blocked` (it
   * would not list it; the stock loop sends no offer for it), `external` (it would not list it, but Amazon has a
   * listing it did not make, which keeps its offer); absent when it has not looked at them yet.
   */
  async listingStates(
    marketplaceId: string,
    sellerSkus: readonly string[],
  ): Promise<ReadonlyMap<string, 'listed' | 'blocked' | 'external'>> {
    const records = await this.listings(marketplaceId, sellerSkus);
    return new Map([...records.values()].map((r) => [r.sellerSku, r.status ?? 'listed']));
  }

  /** Forgets a listing (it was deleted on Amazon). */
  async removeListing(marketplaceId: string, sellerSku: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { [CATALOGUE_TABLE.partitionKey]: listingKey(marketplaceId, sellerSku) },
      }),
    );
  }

  /** The OrderWise stock codes of the given SKUs; SKUs without one are absent from the map. */
  async stockCodes(skus: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const found = new Map<string, string>();
    for (const item of await this.#getAll<CatalogueEntry>(skus.map(variantKey))) {
      if (item.orderwiseVariantCode) found.set(item.sku, item.orderwiseVariantCode);
    }
    return found;
  }

  /** The mappings of the SKUs that carry the given OrderWise stock codes, by stock code; unknown codes are absent. */
  async byStockCodes(codes: readonly string[]): Promise<ReadonlyMap<string, CatalogueEntry>> {
    const aliases = await this.#getAll<{ sku: string }>(codes.map(stockCodeKey));
    const entries = await this.#getAll<CatalogueEntry>(aliases.map((a) => variantKey(a.sku)));
    return new Map(entries.flatMap((e) => (e.orderwiseVariantCode ? [[e.orderwiseVariantCode, e] as const] : [])));
  }

  /**
   * The SCAYLE SKUs of Amazon SellerSKUs in one marketplace; unmapped SellerSKUs are absent. An alias left behind
   * by a changed mapping does not count: the variant must still name the SellerSKU.
   */
  async bySellerSkus(marketplaceId: string, sellerSkus: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const aliases = await this.#getAll<{ sku: string }>(sellerSkus.map((s) => sellerSkuKey(marketplaceId, s)));
    const entries = await this.#getAll<CatalogueEntry>(aliases.map((a) => variantKey(a.sku)));
    const asked = new Set(sellerSkus);
    return new Map(
      entries.flatMap((e) => {
        const sellerSku = e.amazon?.[marketplaceId]?.sellerSku;
        return sellerSku && asked.has(sellerSku) ? [[sellerSku, e.sku] as const] : [];
      }),
    );
  }

  /** The mappings of the given SKUs, by SKU; unknown SKUs are absent. */
  async entries(skus: readonly string[]): Promise<ReadonlyMap<string, CatalogueEntry>> {
    return new Map((await this.#getAll<CatalogueEntry>(skus.map(variantKey))).map((e) => [e.sku, e]));
  }

  /** Every variant mapping, for the full reconcile and sync (a scan: run it from schedules, not per event). */
  async all(): Promise<CatalogueEntry[]> {
    return this.#scan<CatalogueEntry>('variant#');
  }

  /** Every item whose key starts with `prefix`, without its key (a scan, page by page). */
  async #scan<T>(prefix: string): Promise<T[]> {
    const items: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page: ScanCommandOutput = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(#pk, :prefix)',
          ExpressionAttributeNames: { '#pk': CATALOGUE_TABLE.partitionKey },
          ExpressionAttributeValues: { ':prefix': prefix },
          ExclusiveStartKey: start,
        }),
      );
      for (const { [CATALOGUE_TABLE.partitionKey]: _key, ...item } of page.Items ?? []) items.push(item as T);
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** The items with the given keys, 100 keys per BatchGetItem, asking again for what DynamoDB left unprocessed. */
  async #getAll<T>(keys: readonly string[]): Promise<T[]> {
    const unique = [...new Set(keys)];
    const items: T[] = [];
    for (let i = 0; i < unique.length; i += 100) {
      let batch: Record<string, unknown>[] | undefined = unique
        .slice(i, i + 100)
        .map((key) => ({ [CATALOGUE_TABLE.partitionKey]: key }));
      while (batch && batch.length > 0) {
        const result: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: batch } } }),
        );
        items.push(...((result.Responses?.[this.tableName] ?? []) as T[]));
        batch = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return items;
  }
}
