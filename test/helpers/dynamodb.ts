import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/engines/dynamodb-local';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { CursorStore } from '../../shared/adapters/aws/cursor-store';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import type { TableSchema } from '../../shared/adapters/aws/table-schemas';
import { CATALOGUE_TABLE, EXCEPTIONS_TABLE, LEDGER_TABLE } from '../../shared/adapters/aws/table-schemas';

/** A client for DynamoDB Local: dummy credentials, no retries hiding a failed condition. */
export const localDynamoClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

/** Creates a table in DynamoDB Local from one of the hub's key schemas. */
export const createTable = async (client: DynamoDBClient, tableName: string, schema: TableSchema): Promise<void> => {
  const attributes = new Set<string>([schema.partitionKey, ...(schema.sortKey ? [schema.sortKey] : [])]);
  for (const index of Object.values(schema.indexes)) {
    attributes.add(index.partitionKey);
    if (index.sortKey) attributes.add(index.sortKey);
  }
  const keys = (pk: string, sk?: string) => [
    { AttributeName: pk, KeyType: 'HASH' as const },
    ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' as const }] : []),
  ];
  const indexes = Object.entries(schema.indexes).map(([IndexName, index]) => ({
    IndexName,
    KeySchema: keys(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: 'ALL' as const },
  }));
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
      KeySchema: keys(schema.partitionKey, schema.sortKey),
      ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
    }),
  );
};

/**
 * Starts DynamoDB Local before the file's tests with the ledger, exceptions and catalogue tables, and stops it
 * after them.
 * Returns an accessor for the repositories, which exist only once `beforeAll` ran.
 */
export const useLedgerTables = () => {
  let dynamo: DynamoDbLocal | undefined;
  let repositories:
    | {
        ledger: LedgerRepository;
        exceptions: ExceptionsRepository;
        catalogue: CatalogueRepository;
        /** Cursors in the ledger table, as the scheduled pulls keep them. */
        cursors: CursorStore;
      }
    | undefined;
  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    const client = localDynamoClient(dynamo.endpoint);
    await createTable(client, 'ledger', LEDGER_TABLE);
    await createTable(client, 'exceptions', EXCEPTIONS_TABLE);
    await createTable(client, 'catalogue', CATALOGUE_TABLE);
    const db = makeDocumentClient(client);
    repositories = {
      ledger: new LedgerRepository(db, 'ledger'),
      exceptions: new ExceptionsRepository(db, 'exceptions'),
      catalogue: new CatalogueRepository(db, 'catalogue'),
      cursors: new CursorStore(db, 'ledger', LEDGER_TABLE.partitionKey),
    };
  }, 60_000);
  afterAll(async () => {
    await dynamo?.stop();
  });
  return () => {
    if (!repositories) throw new Error('DynamoDB Local is not running');
    return repositories;
  };
};
