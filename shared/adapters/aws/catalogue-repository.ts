import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  type ScanCommandOutput,
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

  /** Writes many mappings, 25 per request (BatchWriteItem's limit), retrying what DynamoDB left unprocessed. */
  async putAll(entries: readonly CatalogueEntry[]): Promise<void> {
    const items = entries.flatMap(itemsOf);
    const chunks: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
    await Promise.all(
      chunks.map(async (chunk) => {
        let requests: BatchWriteCommandInput['RequestItems'] = {
          [this.tableName]: chunk.map((Item) => ({ PutRequest: { Item } })),
        };
        while (requests && Object.keys(requests).length > 0) {
          const result: BatchWriteCommandOutput = await this.db.send(new BatchWriteCommand({ RequestItems: requests }));
          requests = result.UnprocessedItems;
        }
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
    return new Map(
      entries.flatMap((e) => {
        const sellerSku = e.amazon?.[marketplaceId]?.sellerSku;
        return sellerSku && sellerSkus.includes(sellerSku) ? [[sellerSku, e.sku] as const] : [];
      }),
    );
  }

  /** The mappings of the given SKUs, by SKU; unknown SKUs are absent. */
  async entries(skus: readonly string[]): Promise<ReadonlyMap<string, CatalogueEntry>> {
    return new Map((await this.#getAll<CatalogueEntry>(skus.map(variantKey))).map((e) => [e.sku, e]));
  }

  /** Every variant mapping, for the full reconcile and sync (a scan: run it from schedules, not per event). */
  async all(): Promise<CatalogueEntry[]> {
    const entries: CatalogueEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page: ScanCommandOutput = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(#pk, :variant)',
          ExpressionAttributeNames: { '#pk': CATALOGUE_TABLE.partitionKey },
          ExpressionAttributeValues: { ':variant': 'variant#' },
          ExclusiveStartKey: start,
        }),
      );
      for (const { [CATALOGUE_TABLE.partitionKey]: _key, ...entry } of page.Items ?? []) {
        entries.push(entry as CatalogueEntry);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return entries;
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
