import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/engines/dynamodb-local';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { EXCEPTIONS_TABLE, LEDGER_TABLE } from '../../shared/adapters/aws/table-schemas';
import { ConditionFailedError } from '../../shared/runtime/errors';
import { createTable, localDynamoClient } from '../helpers/dynamodb';

describe('repositories against DynamoDB Local', () => {
  let dynamo: DynamoDbLocal;
  let ledger: LedgerRepository;
  let exceptions: ExceptionsRepository;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    const client = localDynamoClient(dynamo.endpoint);
    await createTable(client, 'ledger', LEDGER_TABLE);
    await createTable(client, 'exceptions', EXCEPTIONS_TABLE);
    const db = makeDocumentClient(client);
    ledger = new LedgerRepository(db, 'ledger');
    exceptions = new ExceptionsRepository(db, 'exceptions');
  });

  afterAll(async () => {
    await dynamo?.stop();
  });

  it('records an order once and tells the second caller what is stored', async () => {
    await ledger.create({ channel: 'scayle', orderId: '1001', data: { totalMinor: 1190 } });
    const duplicate = await ledger.create({ channel: 'scayle', orderId: '1001' }).catch((e) => e);
    expect(duplicate).toBeInstanceOf(ConditionFailedError);
    expect(duplicate.stored).toMatchObject({ pk: 'scayle#1001', status: 'received', data: { totalMinor: 1190 } });
  });

  it('lets exactly one of many racing workers take an order', async () => {
    await ledger.create({ channel: 'scayle', orderId: '2002' });
    const racers = Array.from({ length: 8 }, (_, i) =>
      ledger.transition('scayle', '2002', { from: 'received', to: 'pending', note: `worker ${i}`, countAttempt: true }),
    );
    const results = await Promise.allSettled(racers);
    const winners = results.filter((r) => r.status === 'fulfilled');
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(7);
    for (const loser of losers) {
      expect(loser.reason).toBeInstanceOf(ConditionFailedError);
      expect(loser.reason.stored.status).toBe('pending');
    }
    const entry = await ledger.get('scayle', '2002');
    expect(entry?.attempts).toBe(1);
    expect(entry?.history.map((h) => h.to)).toEqual(['received', 'pending']);
  });

  it('finds an order by the id another system gave it and lists it by status', async () => {
    await ledger.create({ channel: 'scayle', orderId: '3003' });
    await ledger.transition('scayle', '3003', { from: 'received', to: 'pending' });
    await ledger.transition('scayle', '3003', { from: 'pending', to: 'sent', ids: { orderwise: 'SO-77' } });
    const found = await ledger.findByReference('orderwise', 'SO-77');
    expect(found).toMatchObject({ orderId: '3003', status: 'sent', ids: { scayle: '3003', orderwise: 'SO-77' } });
    const sent = await ledger.listByStatus('sent');
    expect(sent.map((e) => e.orderId)).toContain('3003');
  });

  it('counts a repeated failure as one exception and re-opens it after it was resolved', async () => {
    await exceptions.raise('SKU_UNMAPPED', 'SKU-9', { orderId: '1' });
    const second = await exceptions.raise('SKU_UNMAPPED', 'SKU-9', { orderId: '2' });
    expect(second).toMatchObject({ count: 2, owner: 'ecommerce', status: 'open', details: { orderId: '2' } });
    await exceptions.resolve(second.id);
    expect(await exceptions.list({ status: 'open', type: 'SKU_UNMAPPED' })).toEqual([]);
    const again = await exceptions.raise('SKU_UNMAPPED', 'SKU-9', { orderId: '3' });
    expect(again).toMatchObject({ count: 3, status: 'open', firstSeenAt: second.firstSeenAt });
    expect(again.resolvedAt).toBeUndefined();
    expect((await exceptions.list({ owner: 'ecommerce', status: 'open' })).map((e) => e.id)).toEqual([
      'SKU_UNMAPPED#SKU-9',
    ]);
  });
});
