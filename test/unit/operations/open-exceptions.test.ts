import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExceptionsRepository } from '../../../shared/adapters/aws/exceptions-repository';
import { exceptionTypes } from '../../../shared/domain/exception-types';
import { lambdaContext } from '../../helpers/events';

const dynamo = mockClient(DynamoDBDocumentClient);

/** Two pages of open exceptions, as the byStatus index gives them (only `type` projected). */
const twoPages = () =>
  dynamo
    .on(QueryCommand)
    .resolvesOnce({
      Items: [{ type: 'SKU_UNMAPPED' }, { type: 'GHOST_ORDER' }, { type: 'SKU_UNMAPPED' }],
      LastEvaluatedKey: { id: 'SKU_UNMAPPED#B', status: 'open', lastSeenAt: '2026-11-23T10:00:00.000Z' },
    })
    .resolvesOnce({ Items: [{ type: 'RETIRED_TYPE' }] });

beforeEach(() => dynamo.reset());

describe('ExceptionsRepository.countOpenByType', () => {
  const exceptions = new ExceptionsRepository(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
    'exceptions',
  );

  it('counts the open exceptions of every type, zero included, over every page of the byStatus index', async () => {
    twoPages();
    const counts = await exceptions.countOpenByType();
    expect(Object.keys(counts)).toEqual([...exceptionTypes(), 'RETIRED_TYPE']);
    expect(counts).toMatchObject({ SKU_UNMAPPED: 2, GHOST_ORDER: 1, STOCK_DRIFT: 0, RETIRED_TYPE: 1 });
    const [first, second] = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(first).toMatchObject({
      IndexName: 'byStatus',
      KeyConditionExpression: '#status = :open',
      ExpressionAttributeValues: { ':open': 'open' },
      ProjectionExpression: '#type',
    });
    expect(second?.ExclusiveStartKey).toEqual({
      id: 'SKU_UNMAPPED#B',
      status: 'open',
      lastSeenAt: '2026-11-23T10:00:00.000Z',
    });
  });
});

describe('ops-metrics handler', () => {
  const written: string[] = [];

  beforeEach(() => {
    vi.stubEnv('EXCEPTIONS_TABLE', 'exceptions');
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'operations');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'ScayleHub');
    vi.stubEnv('POWERTOOLS_DEV', '');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    written.length = 0;
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('publishes OpenExceptions once per type with a type dimension, and the total without it', async () => {
    twoPages();
    // Loaded afresh, as in a new container: the metrics singleton reads its service name from the environment
    // above when its module first runs, and another file of this worker may have loaded it already.
    vi.resetModules();
    const { handler } = await import('../../../functions/ops-metrics/handler');
    const result = await handler({}, lambdaContext());
    expect(result).toMatchObject({ total: 4, open: { SKU_UNMAPPED: 2, STOCK_DRIFT: 0 } });
    const emf = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line));
    const byType = emf.filter((blob) => 'type' in blob);
    expect(byType).toHaveLength(exceptionTypes().length + 1);
    for (const blob of byType) {
      expect(blob._aws.CloudWatchMetrics[0]).toMatchObject({
        Namespace: 'ScayleHub',
        Dimensions: [['service', 'type']],
        Metrics: [{ Name: 'OpenExceptions', Unit: 'Count' }],
      });
      expect(blob.service).toBe('operations');
    }
    expect(byType.find((blob) => blob.type === 'STOCK_DRIFT')?.OpenExceptions).toBe(0);
    expect(byType.find((blob) => blob.type === 'SKU_UNMAPPED')?.OpenExceptions).toBe(2);
    expect(emf.find((blob) => !('type' in blob))).toMatchObject({ service: 'operations', OpenExceptions: 4 });
  });
});
