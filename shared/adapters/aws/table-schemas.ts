/**
 * Key schemas of the hub's DynamoDB tables. The CDK stacks build the tables from these and the repositories
 * query by them, so a renamed key or index cannot drift between infrastructure and code.
 */

/** Key attributes and global secondary indexes of one table (all keys are strings). */
export interface TableSchema {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: Readonly<Record<string, { readonly partitionKey: string; readonly sortKey?: string }>>;
  /** Attribute holding an epoch-seconds expiry, when items expire. */
  readonly timeToLive?: string;
}

/** Order ledger: one head item per order per channel (`<channel>#<id>`) plus alias items (`ref#<system>#<id>`). */
export const LEDGER_TABLE = {
  partitionKey: 'pk',
  indexes: { byStatus: { partitionKey: 'status', sortKey: 'updatedAt' } },
} as const satisfies TableSchema;

/** Stock ledger: one item per SKU; `byAmazonPending` is sparse: only SKUs that owe Amazon an update are in it. */
export const STOCK_TABLE = {
  partitionKey: 'sku',
  indexes: { byAmazonPending: { partitionKey: 'amazonPending', sortKey: 'amazonDirtyAt' } },
} as const satisfies TableSchema;

/** Exceptions: one item per (type, key), id `<TYPE>#<key>`; open ones are listed through `byStatus`. */
export const EXCEPTIONS_TABLE = {
  partitionKey: 'id',
  indexes: { byStatus: { partitionKey: 'status', sortKey: 'lastSeenAt' } },
  // A resolved exception's details may name a buyer: DynamoDB deletes it 30 days after it was resolved.
  timeToLive: 'expiresAt',
} as const satisfies TableSchema;

/** Catalogue map: one item per SCAYLE variant plus alias items for the OrderWise and Amazon identifiers. */
export const CATALOGUE_TABLE = {
  partitionKey: 'pk',
  indexes: {},
} as const satisfies TableSchema;

/** Settlements: one item per settlement id; the journal itself is in S3. */
export const SETTLEMENTS_TABLE = {
  partitionKey: 'settlementId',
  indexes: {},
} as const satisfies TableSchema;

/** Why queue messages failed: one item per message id, kept as long as a DLQ keeps messages (14 days). */
export const FAILURES_TABLE = {
  partitionKey: 'messageId',
  indexes: {},
  timeToLive: 'expiresAt',
} as const satisfies TableSchema;
