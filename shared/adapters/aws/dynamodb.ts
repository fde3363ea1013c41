import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** A document client that drops undefined attributes, so optional fields need no special casing. */
export const makeDocumentClient = (client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/**
 * The stored item carried by a `ConditionalCheckFailedException` when the write asked for
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD`; the SDK leaves it in wire format.
 */
export const storedItemOf = <T>(error: unknown): T | undefined => {
  if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') return undefined;
  const item = (error as { Item?: Record<string, unknown> }).Item;
  return item ? (unmarshall(item as Parameters<typeof unmarshall>[0]) as T) : undefined;
};

/** True for the error DynamoDB raises when a write's condition did not hold. */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
