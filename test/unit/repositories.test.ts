import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { IllegalTransitionError, LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { readSecret } from '../../shared/adapters/aws/secrets';
import { ConditionFailedError, ConfigError, NotFoundError } from '../../shared/runtime/errors';
import { FakeClock } from '../helpers/fake-clock';

const dynamo = mockClient(DynamoDBDocumentClient);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const clock = new FakeClock(Date.parse('2026-11-23T10:00:00Z'));

const conditionFailed = (stored?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(stored ? { Item: marshall(stored) } : {}),
  });

beforeEach(() => dynamo.reset());

describe('LedgerRepository', () => {
  const ledger = new LedgerRepository(db, 'ledger', clock);

  it('creates an order as received only if it is not there yet, and links its ids', async () => {
    dynamo.on(PutCommand).resolves({});
    const entry = await ledger.create({ channel: 'amazon', orderId: '123-1234567-1234567' });
    expect(entry).toMatchObject({
      pk: 'amazon#123-1234567-1234567',
      status: 'received',
      attempts: 0,
      createdAt: '2026-11-23T10:00:00.000Z',
    });
    const [put, alias] = dynamo.commandCalls(PutCommand);
    expect(put?.args[0].input).toMatchObject({
      TableName: 'ledger',
      ConditionExpression: 'attribute_not_exists(#pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(alias?.args[0].input.Item).toEqual({
      pk: 'ref#amazon#123-1234567-1234567',
      target: 'amazon#123-1234567-1234567',
    });
  });

  it('turns a failed create condition into ConditionFailedError carrying the stored entry', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed({ pk: 'scayle#1', status: 'sent' }));
    const error = await ledger.create({ channel: 'scayle', orderId: '1' }).catch((e) => e);
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect(error.stored).toEqual({ pk: 'scayle#1', status: 'sent' });
  });

  it('moves an order only from the status the caller expects', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { pk: 'scayle#1', status: 'sent' } });
    await ledger.transition('scayle', '1', {
      from: 'pending',
      to: 'sent',
      ids: { orderwise: 'SO-9' },
      data: { owTotalMinor: 1190 },
      countAttempt: true,
    });
    const input = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_exists(#pk) AND #status = :from');
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':from': 'pending',
      ':to': 'sent',
      ':id0': 'SO-9',
      ':v0': 1190,
      ':one': 1,
    });
    expect(input?.UpdateExpression).toContain('ADD #attempts :one');
  });

  it('tells the loser of a race which status the order has now', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: 'scayle#1', status: 'acknowledged' }));
    const error = await ledger.transition('scayle', '1', { from: 'pending', to: 'sent' }).catch((e) => e);
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect(error.message).toBe('order scayle#1 is acknowledged, not pending');
    expect(error.stored.status).toBe('acknowledged');
  });

  it('refuses a transition the state machine does not have without touching the table', async () => {
    await expect(ledger.transition('scayle', '1', { from: 'cancelled', to: 'sent' })).rejects.toBeInstanceOf(
      IllegalTransitionError,
    );
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('follows an alias to the order it names', async () => {
    dynamo.on(GetCommand).resolves({});
    dynamo
      .on(GetCommand, { Key: { pk: 'ref#orderwise#SO-9' } })
      .resolves({ Item: { pk: 'ref#orderwise#SO-9', target: 'scayle#1' } });
    dynamo.on(GetCommand, { Key: { pk: 'scayle#1' } }).resolves({ Item: { pk: 'scayle#1', status: 'sent' } });
    expect(await ledger.findByReference('orderwise', 'SO-9')).toEqual({ pk: 'scayle#1', status: 'sent' });
    expect(await ledger.findByReference('orderwise', 'SO-0')).toBeUndefined();
  });
});

describe('CatalogueRepository.putAll', () => {
  const entry = (n: number) => ({
    sku: `SKU-${n}`,
    orderwiseVariantCode: `OW-${n}`,
    amazon: { A1F83G8C2ARO7P: { sellerSku: `AMZ-${n}` } },
  });
  const keysOf = (call: { args: [{ input: unknown }] }) =>
    (
      call.args[0].input as { RequestItems: Record<string, { PutRequest: { Item: { pk: string } } }[]> }
    ).RequestItems.catalogue?.map((r) => r.PutRequest.Item.pk) ?? [];

  it('writes every alias before any variant, so a write stopped half way is completed by running it again', async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    await new CatalogueRepository(db, 'catalogue').putAll([entry(1), entry(2)]);
    const written = dynamo.commandCalls(BatchWriteCommand).flatMap((c) => keysOf(c as never));
    expect(written.slice(0, 4).every((pk) => !pk.startsWith('variant#'))).toBe(true);
    expect(written.slice(4)).toEqual(['variant#SKU-1', 'variant#SKU-2']);
  });

  it('writes no variant when an alias batch fails', async () => {
    dynamo.on(BatchWriteCommand).rejects(new Error('throttled'));
    await expect(new CatalogueRepository(db, 'catalogue').putAll([entry(1)])).rejects.toThrow(/throttled/);
    expect(dynamo.commandCalls(BatchWriteCommand).flatMap((c) => keysOf(c as never))).not.toContain('variant#SKU-1');
  });

  it('sends again, after a pause, what DynamoDB left unprocessed', async () => {
    const unprocessed = { catalogue: [{ PutRequest: { Item: { pk: 'stock#OW-1', sku: 'SKU-1' } } }] };
    dynamo.on(BatchWriteCommand).resolvesOnce({ UnprocessedItems: unprocessed }).resolves({});
    await new CatalogueRepository(db, 'catalogue').putAll([entry(1)]);
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(3);
  });
});

describe('ExceptionsRepository', () => {
  const exceptions = new ExceptionsRepository(db, 'exceptions', clock);

  it('upserts one item per type and key with its owner, count and runbook entry', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { id: 'CARRIER_UNMAPPED#Yodel Direct', count: 1 } });
    await exceptions.raise('CARRIER_UNMAPPED', 'Yodel Direct', { orderId: 'SO-1' });
    const input = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ id: 'CARRIER_UNMAPPED#Yodel Direct' });
    expect(input?.UpdateExpression).toContain('#firstSeenAt = if_not_exists(#firstSeenAt, :at)');
    expect(input?.UpdateExpression).toContain('ADD #count :one');
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':owner': 'operations',
      ':open': 'open',
      ':runbook': 'RUNBOOK.md#carrier_unmapped',
      ':details': { orderId: 'SO-1' },
    });
  });

  it('says NotFound when resolving an exception that does not exist', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    await expect(exceptions.resolve('GHOST_ORDER#nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('readSecret', () => {
  const secrets = mockClient(SecretsManagerClient);
  const schema = z.object({ username: z.string(), password: z.string().min(8) });
  afterEach(() => secrets.reset());

  it('reads a JSON secret by name once and serves it from cache afterwards', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: 'hub/webhook-a' })
      .resolves({ SecretString: '{"username":"scayle","password":"longenough"}' });
    expect(await readSecret('hub/webhook-a', schema)).toEqual({ username: 'scayle', password: 'longenough' });
    await readSecret('hub/webhook-a', schema);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('names the bad fields of a malformed secret but never its values', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: 'hub/webhook-b' })
      .resolves({ SecretString: '{"username":"scayle","password":"short"}' });
    const error = await readSecret('hub/webhook-b', schema).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe('secret hub/webhook-b is not valid: password');
    expect(error.message).not.toContain('short');
  });
});
