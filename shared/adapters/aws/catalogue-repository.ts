import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
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
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { [CATALOGUE_TABLE.partitionKey]: variantKey(entry.sku), ...entry },
      }),
    );
  }

  /** Writes many mappings, 25 per request (BatchWriteItem's limit), retrying what DynamoDB left unprocessed. */
  async putAll(entries: readonly CatalogueEntry[]): Promise<void> {
    const chunks: CatalogueEntry[][] = [];
    for (let i = 0; i < entries.length; i += 25) chunks.push(entries.slice(i, i + 25));
    await Promise.all(
      chunks.map(async (chunk) => {
        let requests: BatchWriteCommandInput['RequestItems'] = {
          [this.tableName]: chunk.map((entry) => ({
            PutRequest: { Item: { [CATALOGUE_TABLE.partitionKey]: variantKey(entry.sku), ...entry } },
          })),
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
    const unique = [...new Set(skus)];
    // BatchGetItem takes 100 keys at a time; unprocessed keys are asked for again.
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique
        .slice(i, i + 100)
        .map((sku) => ({ [CATALOGUE_TABLE.partitionKey]: variantKey(sku) }));
      while (keys && keys.length > 0) {
        const result: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
        );
        for (const item of (result.Responses?.[this.tableName] ?? []) as CatalogueEntry[]) {
          if (item.orderwiseVariantCode) found.set(item.sku, item.orderwiseVariantCode);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }
}
