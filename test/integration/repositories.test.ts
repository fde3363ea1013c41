import { describe, expect, it } from 'vitest';
import { ConditionFailedError } from '../../shared/runtime/errors';
import { useFreshLedgerTables } from '../helpers/fresh-ledger-tables';

describe('repositories against DynamoDB Local', () => {
  const tables = useFreshLedgerTables();

  it('records an order once and tells the second caller what is stored', async () => {
    await tables().ledger.create({ channel: 'scayle', orderId: '1001', data: { totalMinor: 1190 } });
    const duplicate = await tables()
      .ledger.create({ channel: 'scayle', orderId: '1001' })
      .catch((e) => e);
    expect(duplicate).toBeInstanceOf(ConditionFailedError);
    expect(duplicate.stored).toMatchObject({ pk: 'scayle#1001', status: 'received', data: { totalMinor: 1190 } });
  });

  it('lets exactly one of many racing workers take an order', async () => {
    await tables().ledger.create({ channel: 'scayle', orderId: '2002' });
    const racers = Array.from({ length: 8 }, (_, i) =>
      tables().ledger.transition('scayle', '2002', {
        from: 'received',
        to: 'pending',
        note: `worker ${i}`,
        countAttempt: true,
      }),
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
    const entry = await tables().ledger.get('scayle', '2002');
    expect(entry?.attempts).toBe(1);
    expect(entry?.history.map((h) => h.to)).toEqual(['received', 'pending']);
  });

  it('finds an order by the id another system gave it and lists it by status', async () => {
    await tables().ledger.create({ channel: 'scayle', orderId: '3003' });
    await tables().ledger.transition('scayle', '3003', { from: 'received', to: 'pending' });
    await tables().ledger.transition('scayle', '3003', { from: 'pending', to: 'sent', ids: { orderwise: 'SO-77' } });
    const found = await tables().ledger.findByReference('orderwise', 'SO-77');
    expect(found).toMatchObject({ orderId: '3003', status: 'sent', ids: { scayle: '3003', orderwise: 'SO-77' } });
    const sent = await tables().ledger.listByStatus('sent');
    expect(sent.map((e) => e.orderId)).toContain('3003');
  });

  it('reads the newest orders of a status first, as many as asked, in one query', async () => {
    const { ledger } = tables();
    for (const orderId of ['4001', '4002', '4003']) {
      await ledger.create({ channel: 'scayle', orderId });
      await ledger.transition('scayle', orderId, { from: 'received', to: 'pending' });
      // Apart by more than the millisecond the status index sorts by.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    expect((await ledger.newestByStatus('pending', 2)).map((e) => e.orderId)).toEqual(['4003', '4002']);
    expect(await ledger.newestByStatus('acknowledged', 2)).toEqual([]);
  });

  it('counts a repeated failure as one exception and re-opens it after it was resolved', async () => {
    await tables().exceptions.raise('SKU_UNMAPPED', 'SKU-9', { orderId: '1' });
    const second = await tables().exceptions.raise('SKU_UNMAPPED', 'SKU-9', { orderId: '2' });
    expect(second).toMatchObject({ count: 2, owner: 'ecommerce', status: 'open', details: { orderId: '2' } });
    await tables().exceptions.resolve(second.id);
    expect(await tables().exceptions.list({ status: 'open', type: 'SKU_UNMAPPED' })).toEqual([]);
    const again = await tables().exceptions.raise('SKU_UNMAPPED', 'SKU-9', { orderId: '3' });
    expect(again).toMatchObject({ count: 3, status: 'open', firstSeenAt: second.firstSeenAt });
    expect(again.resolvedAt).toBeUndefined();
    expect((await tables().exceptions.list({ owner: 'ecommerce', status: 'open' })).map((e) => e.id)).toEqual([
      'SKU_UNMAPPED#SKU-9',
    ]);
  });

  it('lets DynamoDB delete a resolved exception 30 days on, and keeps one raised again before then', async () => {
    const { exceptions } = tables();
    const raised = await exceptions.raise('ORDER_REJECTED', '5005', { orderId: '5005' });
    expect(raised.expiresAt).toBeUndefined();

    const resolved = await exceptions.resolve(raised.id);
    const thirtyDays = Date.now() / 1000 + 30 * 86_400;
    expect(resolved.expiresAt).toBeGreaterThan(thirtyDays - 60);
    expect(resolved.expiresAt).toBeLessThan(thirtyDays + 60);

    const again = await exceptions.raise('ORDER_REJECTED', '5005', { orderId: '5005' });
    expect(again).toMatchObject({ status: 'open', count: 2 });
    expect(again.expiresAt).toBeUndefined();
  });

  it('heals only the exception a loop raised itself when it names itself', async () => {
    const { exceptions } = tables();
    await exceptions.raise('AMAZON_LISTING_REJECTED', 'AMZ-9@UK', { loop: 'stock', via: 'patchListingsItem' });
    await exceptions.resolveOpen('AMAZON_LISTING_REJECTED', 'AMZ-9@UK', { loop: 'catalogue' });
    expect(await exceptions.list({ status: 'open', type: 'AMAZON_LISTING_REJECTED' })).toHaveLength(1);
    await exceptions.resolveOpen('AMAZON_LISTING_REJECTED', 'AMZ-9@UK', { loop: 'stock' });
    expect(await exceptions.list({ status: 'open', type: 'AMAZON_LISTING_REJECTED' })).toEqual([]);
  });
});

describe('catalogue listing records against DynamoDB Local', () => {
  const tables = useFreshLedgerTables();
  const UK = 'A1F83G8C2ARO7P';
  const record = (hash: string) => ({
    marketplaceId: UK,
    sellerSku: 'AMZ-1',
    role: 'child' as const,
    productKey: 'P-1',
    sku: 'SKU-1',
    productType: 'SHIRT',
    hash,
    listedAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:00:00.000Z',
  });

  it('records a listing once per content: the same hash again is a no-op, a new hash replaces it', async () => {
    const { catalogue } = tables();
    await catalogue.recordListing(record('h1'));
    await catalogue.recordListing({ ...record('h1'), updatedAt: 'later' });
    expect((await catalogue.listings(UK, ['AMZ-1'])).get('AMZ-1')).toMatchObject({
      hash: 'h1',
      updatedAt: record('h1').updatedAt,
    });
    await catalogue.recordListing({ ...record('h2'), updatedAt: 'later' });
    expect((await catalogue.listings(UK, ['AMZ-1'])).get('AMZ-1')).toMatchObject({ hash: 'h2', updatedAt: 'later' });
  });

  it('marks a SellerSKU blocked only while the hub never listed it', async () => {
    const { catalogue } = tables();
    // The hub listed AMZ-1 itself: a later block must not hide that.
    await catalogue.recordListing(record('h1'));
    await catalogue.recordHeld(UK, [{ sellerSku: 'AMZ-2', sku: 'SKU-2', status: 'blocked' }], 'P-2', 'now');
    await catalogue.recordHeld(UK, [{ sellerSku: 'AMZ-1', sku: 'SKU-1', status: 'blocked' }], 'P-1', 'now');
    await catalogue.recordHeld(UK, [{ sellerSku: 'AMZ-3', sku: 'SKU-3', status: 'blocked' }], 'P-3', 'now');
    // Amazon turned out to have AMZ-3: the block becomes external, and feeds it again.
    await catalogue.recordHeld(UK, [{ sellerSku: 'AMZ-3', sku: 'SKU-3', status: 'external' }], 'P-3', 'now');
    const states = await catalogue.listingStates(UK, ['AMZ-1', 'AMZ-2', 'AMZ-3', 'AMZ-4']);
    expect(Object.fromEntries(states)).toEqual({ 'AMZ-1': 'listed', 'AMZ-2': 'blocked', 'AMZ-3': 'external' });
    // Listing it later replaces the block.
    await catalogue.recordListing({ ...record('h3'), sellerSku: 'AMZ-2', sku: 'SKU-2' });
    expect((await catalogue.listingStates(UK, ['AMZ-2'])).get('AMZ-2')).toBe('listed');
    // Found gone from Amazon, or describing another variant: the hub replaces its own record.
    await catalogue.recordHeld(
      UK,
      [{ sellerSku: 'AMZ-2', sku: 'SKU-5', status: 'blocked', replace: true }],
      'P-5',
      'now',
    );
    expect((await catalogue.listings(UK, ['AMZ-2'])).get('AMZ-2')).toMatchObject({ status: 'blocked', sku: 'SKU-5' });
  });

  it('finds the listing records whose SellerSKU no variant maps any more, and notes a relisting', async () => {
    const { catalogue } = tables();
    await catalogue.putAll([
      { sku: 'SKU-20', amazon: { [UK]: { sellerSku: 'AMZ-20-NEW' } } },
      { sku: 'SKU-21', amazon: { [UK]: { sellerSku: 'AMZ-21' } } },
    ]);
    // SKU-20 moved from AMZ-20 (its alias stays behind) to AMZ-20-NEW; AMZ-22 was never mapped by anything.
    await catalogue.putAll([{ sku: 'SKU-20', amazon: { [UK]: { sellerSku: 'AMZ-20' } } }]);
    await catalogue.putAll([{ sku: 'SKU-20', amazon: { [UK]: { sellerSku: 'AMZ-20-NEW' } } }]);
    for (const [sellerSku, sku] of [
      ['AMZ-20', 'SKU-20'],
      ['AMZ-20-NEW', 'SKU-20'],
      ['AMZ-21', 'SKU-21'],
      ['AMZ-22', 'SKU-22'],
    ] as const)
      await catalogue.recordListing({ ...record('h'), sellerSku, sku });
    await catalogue.recordListing({ ...record('h'), sellerSku: 'PARENT-20', role: 'parent' });

    const orphans = (await catalogue.orphanListings()).map((r) => r.sellerSku);
    expect(orphans.sort()).toEqual(['AMZ-20', 'AMZ-22']);

    await catalogue.markRelisted(UK, 'AMZ-21', '2026-11-27T03:00:00.000Z');
    expect((await catalogue.listings(UK, ['AMZ-21'])).get('AMZ-21')).toMatchObject({
      relistedAt: '2026-11-27T03:00:00.000Z',
      hash: 'h',
    });
  });

  it('removes a deleted variant and its aliases, but not an alias another variant took over', async () => {
    const { catalogue } = tables();
    await catalogue.put({ sku: 'SKU-7', orderwiseVariantCode: 'OW-7', amazon: { [UK]: { sellerSku: 'AMZ-7' } } });
    await catalogue.put({ sku: 'SKU-8', orderwiseVariantCode: 'OW-7', amazon: { [UK]: { sellerSku: 'AMZ-8' } } });
    await catalogue.remove('SKU-7');
    expect(await catalogue.get('SKU-7')).toBeUndefined();
    expect(await catalogue.bySellerSkus(UK, ['AMZ-7'])).toEqual(new Map());
    expect([...(await catalogue.byStockCodes(['OW-7'])).values()].map((e) => e.sku)).toEqual(['SKU-8']);
  });
});
