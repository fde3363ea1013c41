import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableSchema } from '../../shared/adapters/aws/table-schemas';

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
