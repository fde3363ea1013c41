import { readFileSync } from 'node:fs';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalHub } from '../../local/hub/hub';
import { DEMO_CATALOGUE } from '../../local/simulators/catalogue';
import { DeadLetters } from '../../shared/adapters/aws/dead-letters';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import type { ExceptionItem } from '../../shared/adapters/aws/exceptions-repository';
import { FailuresRepository } from '../../shared/adapters/aws/failures-repository';
import { OrderEventsQueue } from '../../shared/adapters/aws/order-events-queue';
import { SettlementsRepository } from '../../shared/adapters/aws/settlements-repository';
import { despatchIdOf } from '../../shared/adapters/orderwise/export-format';
import { EXCEPTION_TYPES, type ExceptionType } from '../../shared/domain/exception-types';
import { liveStatusResultSchema } from '../../shared/use-cases/live-status';
import { makeRetryOrder } from '../../shared/use-cases/retry-order';
import { makeTrace } from '../../shared/use-cases/trace';
import { eventually, useHub } from '../helpers/hub';
import { depth } from '../helpers/queues';

// Time runs 60 times faster, as in the other Amazon files. Amazon gets 15 seconds (real time) to show a confirmed
// package shipped. The stock pull and reconcile are off: each scenario sets the figures it needs, and the
// reconcile runs when a scenario asks for it, as the runbook tells operations to.
const hub = useHub({
  timeCompression: 60,
  // A failed Amazon confirmation comes back after a second (its 6-minute visibility timeout at 360x): the retry
  // budget (ten receives) is spent in ten seconds, not a minute.
  redeliveryCompression: 360,
  // Amazon's push, its order poll and the monitors; the stock pull and reconcile stay off (see above).
  schedules: { amazonStockPush: true, amazonOrderPoll: true, monitors: true },
  stageOverrides: {
    windows: { amazonConfirmationAckMinutes: 0.25 },
  },
});

const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';
const runbook = readFileSync(new URL('../../RUNBOOK.md', import.meta.url), 'utf8');
const fixture = (name: string) => readFileSync(new URL(`../fixtures/settlement/${name}`, import.meta.url), 'utf8');
/** Variants every system knows: stocked by OrderWise, sold by SCAYLE, listed on Amazon. */
const sellable = DEMO_CATALOGUE.filter((v) => v.amazon && v.orderwise);
const variant = (n: number) => sellable[n] as (typeof sellable)[number];
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const post = async (url: string, body: unknown) =>
  (
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  ).json();

/** Invokes one of the hub's functions as its schedule would; returns its result. */
const invoke = async (name: string, event: unknown) => {
  const fn = hub().functions.get(name) ?? [...hub().functions.entries()].find(([id]) => id.startsWith(name))?.[1];
  const outcome = await fn?.invoke(event);
  expect(outcome, name).toMatchObject({ ok: true });
  return (outcome as { result: unknown }).result;
};

/** The exception of (type, key) once the hub raised it, with the owner and runbook entry of its type. */
const raised = async (type: ExceptionType, key: string, timeoutMs = 60_000): Promise<ExceptionItem> => {
  const exception = await eventually(async () => hub().exceptions.get(`${type}#${key}`), timeoutMs, `${type} ${key}`);
  const anchor = type.toLowerCase();
  expect(exception).toMatchObject({
    type,
    key,
    owner: EXCEPTION_TYPES[type].owner,
    status: 'open',
    runbook: `RUNBOOK.md#${anchor}`,
  });
  expect(runbook, `RUNBOOK.md has no entry ${anchor}`).toMatch(new RegExp(`^### ${anchor}$`, 'm'));
  return exception;
};

/** `hub trace <id>`: the hub's records of the id, and with `live` what SCAYLE, OrderWise and Amazon say now. */
const traceOf = (id: string, live = false) => {
  const { ledger, exceptions, catalogue, engines, outputs } = hub();
  return makeTrace({
    ledger,
    exceptions,
    catalogue,
    settlements: new SettlementsRepository(
      makeDocumentClient(engines.dynamodb),
      outputs.SettlementsTableName as string,
    ),
    ...(live
      ? {
          live: async (orders) =>
            liveStatusResultSchema.parse(await invoke(outputs.OpsStatusFunctionName as string, { orders })).orders,
        }
      : {}),
  })(id);
};

/**
 * What operators see of an exception: the list `hub exceptions --type T --owner O --open` prints, the read-only
 * `GET /ops/exceptions?type=&owner=&status=` route (the local gateway checks no SigV4), and the trace of `traceId`.
 */
const operatorsSee = async (exception: ExceptionItem, traceId: string) => {
  const { type, owner, status, id } = exception;
  expect((await hub().exceptions.list({ type, owner, status })).map((e) => e.id)).toContain(id);
  const response = await fetch(`${hub().urls.api}/ops/exceptions?${new URLSearchParams({ type, owner, status })}`);
  expect(response.status).toBe(200);
  const { exceptions } = (await response.json()) as { exceptions: ExceptionItem[] };
  expect(exceptions.every((e) => e.type === type && e.owner === owner && e.status === status)).toBe(true);
  expect(exceptions.find((e) => e.id === id)).toMatchObject({ key: exception.key, runbook: exception.runbook });
  const trace = await traceOf(traceId);
  expect(trace.events.map((e) => e.text)).toContain(`${id} raised for ${owner}: ${EXCEPTION_TYPES[type].summary}`);
  return trace;
};

type AmazonOrderSpec = Parameters<LocalHub['simulators']['amazon']['createOrders']>[0]['orders'][number];

/** An Amazon order taken all the way: created in SCAYLE, then posted to OrderWise; returns the ids and the OW order. */
const amazonOrderInOrderwise = async (spec: AmazonOrderSpec) => {
  const { simulators, ledger } = hub();
  const [order] = await simulators.amazon.createOrders({ orders: [spec] });
  const amazonOrderId = order?.amazonOrderId as string;
  const head = await eventually(
    async () => {
      const entry = await ledger.get('amazon', amazonOrderId);
      return entry?.status === 'acknowledged' ? entry : undefined;
    },
    60_000,
    `${amazonOrderId} in SCAYLE`,
  );
  const scayleOrderId = head.ids.scayle as string;
  await eventually(
    async () => (await ledger.get('scayle', scayleOrderId))?.status === 'acknowledged',
    60_000,
    `${scayleOrderId} in OrderWise`,
  );
  const owOrder = simulators.orderwise.ordersByReference(scayleOrderId)[0] as unknown as {
    orderNumber: string;
    lines: { variantCode: string; quantity: number }[];
  };
  return { amazonOrderId, scayleOrderId, owOrder };
};

/** What the Amazon simulator holds of an order: its status and the packages confirmed on it, by packageReferenceId. */
const amazonSide = async (amazonOrderId: string) => {
  const state = (await (await fetch(`${hub().urls.amazon}/_sim/state`)).json()) as {
    orders: { amazonOrderId: string; status: string }[];
    confirmations: Record<string, Record<string, { trackingNumber: string; carrierCode: string }>>;
  };
  return {
    status: state.orders.find((o) => o.amazonOrderId === amazonOrderId)?.status,
    packages: state.confirmations[amazonOrderId] ?? {},
  };
};

const scaylePackagesOf = (scayleOrderId: string) =>
  (
    hub()
      .simulators.scayle.orders()
      .find((o) => String(o.id) === scayleOrderId) as { packages: { shipmentKey: string }[] }
  ).packages.map((p) => p.shipmentKey);

/** The settlement fetcher's scheduled run, now. */
const fetchSettlements = async () =>
  (await invoke('SettlementsSettlementFetch', { source: 'aws.events', detail: {} })) as { fetched: string[] };

const readObject = async (key: string) =>
  (await (
    await hub().engines.s3.send(new GetObjectCommand({ Bucket: hub().bucket, Key: key }))
  ).Body?.transformToString()) ?? '';

/** A settlement fixture with `change` applied to its detail rows (by column name). */
const editedSettlement = (name: string, change: (row: Record<string, string>) => void) => {
  const [header = '', ...rows] = fixture(name).split('\n');
  const columns = header.split('\t');
  return [
    header,
    ...rows.map((line) => {
      if (line === '') return line;
      const cells = line.split('\t');
      const row = Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
      change(row);
      return columns.map((c) => row[c]).join('\t');
    }),
  ].join('\n');
};

/** The Stock jobs' reconcile, run now as the runbook says (`{"job":"reconcile"}`). */
const reconcileStock = async () =>
  (await invoke(hub().outputs.StockJobsFunctionName as string, { job: 'reconcile' })) as {
    drifted: { sku: string; expected: number; scayle: number; orderwise: number }[];
  };

/**
 * OrderWise holds 20 of the variant, a settled figure (changed ten minutes ago; the reconcile leaves younger ones
 * to the event path), and SCAYLE sells OrderWise's figure less the buffer; then someone types 45 into the SCAYLE
 * panel, SCAYLE announces it and the hub records it. Then the reconcile runs.
 */
const driftInScayle = async (v: (typeof sellable)[number]) => {
  const { simulators, stock, config } = hub();
  const { sku } = v;
  const code = v.orderwise?.variantCode as string;
  const warehouse = config.scayle.warehouseReferenceKey;
  await simulators.orderwise.changeStock([{ variantCode: code, quantity: 20, changedAt: minutesAgo(10) }]);
  const expected = 20 - config.stock.defaultBuffer;
  await eventually(async () => simulators.scayle.stockOf(sku)[warehouse]?.quantity === expected, 30_000, 'SCAYLE');
  await simulators.scayle.changeStock([{ sku, quantity: 45, warehouseReferenceKey: warehouse }]);
  await eventually(async () => (await stock.get(sku))?.scayleObserved?.quantity === 45, 30_000, 'SCAYLE observed');
  return { sku, code, expected, warehouse, sellerSku: v.amazon?.sellerSku as string, found: await reconcileStock() };
};

describe('operations: every exception type raised by a fault, owned, listed, traced and fixed', () => {
  describe('a stock figure typed into the SCAYLE panel', () => {
    let drift: Awaited<ReturnType<typeof driftInScayle>>;
    beforeAll(async () => {
      drift = await driftInScayle(variant(3));
    }, 60_000);

    it('raises STOCK_DRIFT, and the reconcile puts OrderWise truth back in SCAYLE', async () => {
      const { simulators, exceptions, config } = hub();
      const { sku, code, expected, warehouse, found } = drift;
      expect(found.drifted).toContainEqual({ sku, expected, scayle: 45, orderwise: 20 });
      const exception = await raised('STOCK_DRIFT', sku);
      expect(exception.details).toMatchObject({
        sku,
        orderwiseVariantCode: code,
        orderwise: 20,
        expectedInScayle: expected,
        scayle: 45,
        ledger: 20,
        threshold: config.stock.driftThreshold,
      });
      const trace = await operatorsSee(exception, sku);
      expect(trace.catalogue).toMatchObject({ sku, orderwiseVariantCode: code });

      // The reconcile queued a forced push: SCAYLE holds OrderWise's figure again.
      await eventually(async () => simulators.scayle.stockOf(sku)[warehouse]?.quantity === expected, 30_000, 'repair');
      // As the runbook says: reconcile again to confirm, then resolve.
      expect((await reconcileStock()).drifted.map((d) => d.sku)).not.toContain(sku);
      expect((await exceptions.get(exception.id))?.count).toBe(1);
      expect(await exceptions.resolve(exception.id)).toMatchObject({ status: 'resolved' });
    }, 60_000);

    it('then offers Amazon what SCAYLE sells, not the figure typed into the panel', async () => {
      const { simulators, config } = hub();
      const { sku, expected, warehouse, sellerSku } = drift;
      await eventually(async () => simulators.scayle.stockOf(sku)[warehouse]?.quantity === expected, 30_000, 'repair');
      // The reconcile also marked every SKU for a forced Amazon update (the full sync); a round runs every second.
      const ats = expected - config.stock.amazonBuffer;
      const offered = () => [UK, DE].map((m) => simulators.amazon.listing(sellerSku)?.marketplaces[m]?.quantity);
      await eventually(async () => offered().every((q) => q === ats), 15_000).catch(() => undefined);
      expect(offered(), `SCAYLE sells ${expected} again: Amazon must offer ${ats}, not 45 less the buffer`).toEqual([
        ats,
        ats,
      ]);
    }, 60_000);
  });

  it('raises AMAZON_LISTING_REJECTED when Amazon refuses a price patch, and resolves it when Amazon takes the next', async () => {
    const { simulators, exceptions, config } = hub();
    const { sku, orderwise, amazon, priceMinor, initialStock } = variant(8);
    const sellerSku = amazon?.sellerSku as string;
    const offer = (m: string) => simulators.amazon.listing(sellerSku)?.marketplaces[m];
    // A delivery raises OrderWise's figure (a fall would count as sales and could lift the buffer of a fast mover).
    const quantity = initialStock + 10;
    await simulators.orderwise.changeStock([{ variantCode: orderwise?.variantCode as string, quantity }]);
    const ats = quantity - config.stock.defaultBuffer - config.stock.amazonBuffer;
    await eventually(async () => offer(DE)?.quantity === ats && offer(UK)?.quantity === ats, 30_000, 'ATS on Amazon');
    const priceBefore = offer(DE)?.priceMinor;

    // A euro price of 0.00 is saved in SCAYLE by mistake: the hub passes it on, Amazon answers INVALID.
    await simulators.scayle.changePrices([{ sku, currencyCode: 'EUR', price: 0 }]);
    const rejected = await raised('AMAZON_LISTING_REJECTED', `${sellerSku}@${DE}`);
    expect(rejected.details).toMatchObject({
      sku,
      sellerSku,
      marketplaceId: DE,
      priceMinor: 0,
      via: 'patchListingsItem',
      issues: [expect.stringMatching(/^4000001: .*invalid/)],
    });
    expect(offer(DE)?.priceMinor).toBe(priceBefore);
    // The UK offer (in pounds) was never in question.
    expect(await exceptions.get(`AMAZON_LISTING_REJECTED#${sellerSku}@${UK}`)).toBeUndefined();
    const trace = await operatorsSee(rejected, sku);
    expect(trace.exceptions.map((e) => e.id)).toEqual([rejected.id]);

    // Ecommerce corrects the price in SCAYLE: the next patch is accepted and the exception closes itself.
    await simulators.scayle.changePrices([{ sku, currencyCode: 'EUR', price: priceMinor }]);
    await eventually(async () => offer(DE)?.priceMinor === priceMinor, 30_000, 'the corrected price on Amazon');
    await eventually(
      async () => (await exceptions.get(rejected.id))?.status === 'resolved',
      30_000,
      'AMAZON_LISTING_REJECTED resolved',
    );
  }, 90_000);

  it('raises LATE_SHIPMENT_RISK for an order near its LatestShipDate, and resolves it once Amazon shows it shipped', async () => {
    const { simulators, exceptions } = hub();
    const latestShipDate = new Date(Date.now() + 3 * 3_600_000).toISOString();
    const { amazonOrderId, scayleOrderId, owOrder } = await amazonOrderInOrderwise({
      items: [{ sellerSku: variant(12).amazon?.sellerSku as string, quantity: 1 }],
      latestShipDate,
    });
    // The watchdog runs with the monitors (every 5 s here); the default margin is 6 hours, 3 are left.
    await raised('LATE_SHIPMENT_RISK', amazonOrderId);
    // Raised again on every run with what is known then: by now the order is in SCAYLE and OrderWise.
    const risk = await eventually(async () => {
      const latest = await exceptions.get(`LATE_SHIPMENT_RISK#${amazonOrderId}`);
      return latest?.details.ledgerStatus === 'acknowledged' ? latest : undefined;
    });
    expect(risk.details).toMatchObject({ amazonOrderId, scayleOrderId });
    expect(Math.abs(Date.parse(String(risk.details.latestShipDate)) - Date.parse(latestShipDate))).toBeLessThan(1_000);
    expect(risk.details.hoursLeft).toBeGreaterThan(2.5);
    expect(risk.details.hoursLeft).toBeLessThanOrEqual(3);
    await operatorsSee(risk, amazonOrderId);
    // The trace says where it is stuck: every system has it, Amazon still waits for it to ship.
    const live = await traceOf(amazonOrderId, true);
    const amazonNow = live.now?.flatMap((o) => o.systems).find((s) => s.system === 'amazon');
    expect(amazonNow).toMatchObject({ id: amazonOrderId, status: 'Unshipped' });
    expect(amazonNow?.detail).toContain('LatestShipDate');

    // The warehouse ships it: the customer and Amazon are told once, and the risk closes itself.
    await simulators.orderwise.despatch(owOrder.orderNumber, [
      {
        courierName: 'Royal Mail Tracked 24',
        consignmentNumbers: [`LATE-${owOrder.orderNumber}`],
        lines: owOrder.lines,
      },
    ]);
    const resolved = await eventually(
      async () => {
        const latest = await exceptions.get(risk.id);
        return latest?.status === 'resolved' ? latest : undefined;
      },
      60_000,
      'LATE_SHIPMENT_RISK resolved',
    );
    expect(await amazonSide(amazonOrderId)).toMatchObject({ status: 'Shipped' });
    expect(Object.keys((await amazonSide(amazonOrderId)).packages)).toHaveLength(1);
    expect(scaylePackagesOf(scayleOrderId)).toEqual([`LATE-${owOrder.orderNumber}`]);
    // The watchdog's next run sees the shipped order and leaves it alone: its own answer says so.
    const run = (await invoke('AmazonOrdersAmazonOrderJobs', { job: 'late-shipment' })) as { amazonOrderIds: string[] };
    expect(run.amazonOrderIds).not.toContain(amazonOrderId);
    expect(await exceptions.get(risk.id)).toMatchObject({ status: 'resolved', count: resolved.count });
  }, 120_000);

  it('raises AMAZON_CONFIRMATION_UNACKED while Amazon refuses confirmShipment, and a redrive confirms the package once', async () => {
    const { simulators, exceptions, engines, outputs, urls } = hub();
    const { amazonOrderId, scayleOrderId, owOrder } = await amazonOrderInOrderwise({
      items: [
        { sellerSku: variant(20).amazon?.sellerSku as string, quantity: 2 },
        { sellerSku: variant(21).amazon?.sellerSku as string, quantity: 1 },
      ],
    });
    const queueUrl = outputs.AmazonConfirmationsQueueUrl as string;
    const dlqUrl = outputs.AmazonConfirmationsDlqUrl as string;
    const deadLetters = new DeadLetters(
      engines.sqs,
      new FailuresRepository(makeDocumentClient(engines.dynamodb), outputs.FailuresTableName as string),
    );
    const trackingNumber = `UNACKED-${owOrder.orderNumber}`;
    await post(`${urls.amazon}/_sim/faults`, { confirmShipment: { errorRate: 1, status: 503 } });
    let despatchId: string;
    try {
      const despatched = await simulators.orderwise.despatch(owOrder.orderNumber, [
        { courierName: 'DPD', consignmentNumbers: [trackingNumber], lines: owOrder.lines },
      ]);
      const delivery = despatched?.deliveries.at(-1);
      if (!despatched || !delivery) throw new Error(`OrderWise did not despatch ${owOrder.orderNumber}`);
      despatchId = despatchIdOf(despatched, delivery);
      const unacked = await raised('AMAZON_CONFIRMATION_UNACKED', despatchId, 120_000);
      expect(unacked.details).toMatchObject({
        despatchId,
        orderNumber: owOrder.orderNumber,
        orderId: scayleOrderId,
        amazonOrderId,
        trackingNumber,
        courierName: 'DPD',
      });
      // The customer was told (SCAYLE has the package); Amazon was not.
      expect(scaylePackagesOf(scayleOrderId)).toEqual([trackingNumber]);
      expect((await amazonSide(amazonOrderId)).packages).toEqual({});
      const trace = await operatorsSee(unacked, amazonOrderId);
      expect(trace.orders.map((o) => o.pk).sort()).toEqual([`amazon#${amazonOrderId}`, `scayle#${scayleOrderId}`]);
      // `hub redrive AmazonConfirmations --dry-run`: the confirmation is a dead letter, with why it failed.
      await eventually(async () => (await depth(engines.sqs, dlqUrl)) === 1, 90_000, 'the confirmation dead-lettered');
      const [letter] = await deadLetters.inspect(dlqUrl);
      expect(letter).toMatchObject({ groupId: amazonOrderId, retryable: true });
      expect(letter?.reason).toMatch(/503/);
    } finally {
      await post(`${urls.amazon}/_sim/faults`, {});
    }

    // Amazon is back: the redrive confirms the package, once, with the same packageReferenceId.
    expect(await deadLetters.moveBack(dlqUrl, queueUrl)).toBe(1);
    await eventually(
      async () => (await amazonSide(amazonOrderId)).status === 'Shipped',
      60_000,
      'Amazon shows the order shipped',
    );
    const { packages } = await amazonSide(amazonOrderId);
    expect(Object.values(packages)).toEqual([expect.objectContaining({ trackingNumber, carrierCode: 'DPD' })]);
    expect(scaylePackagesOf(scayleOrderId)).toEqual([trackingNumber]);
    const head = await eventually(async () => {
      const entry = await hub().ledger.get('amazon', amazonOrderId);
      const recorded = Object.entries(entry?.data ?? {}).filter(([key]) => key.startsWith('package:'));
      return recorded.length === 1 && (recorded[0]?.[1] as { shippedSeenAt?: string } | undefined)?.shippedSeenAt
        ? entry
        : undefined;
    });
    expect(head.status).toBe('acknowledged');
    expect(await depth(engines.sqs, dlqUrl)).toBe(0);
    expect(await exceptions.resolve(`AMAZON_CONFIRMATION_UNACKED#${despatchId}`)).toMatchObject({ status: 'resolved' });
  }, 180_000);

  it('raises SETTLEMENT_UNMAPPED_TYPE for a row kind the mapping lacks, and still posts a balanced journal', async () => {
    const { simulators, events } = hub();
    const kind = { transactionType: 'Order', amountType: 'ItemPrice', amountDescription: 'LowValueGoodsTax-Principal' };
    let moved = '';
    // Amazon starts reporting UK low-value-goods VAT under a description of its own, on one row.
    const content = editedSettlement('amazon-uk-2024-10-18.v2.txt', (row) => {
      if (moved || row['transaction-type'] !== 'Order' || row['amount-description'] !== 'Tax') return;
      row['amount-description'] = kind.amountDescription;
      moved = row.amount as string;
    });
    simulators.amazon.addReport({ content, charset: 'UTF-8' });
    expect((await fetchSettlements()).fetched).toHaveLength(1);
    const key = `${kind.transactionType}|${kind.amountType}|${kind.amountDescription}`;
    const unmapped = await raised('SETTLEMENT_UNMAPPED_TYPE', key, 30_000);
    const settlementId = '23208776292';
    expect(unmapped.details).toMatchObject({ ...kind, settlementId, amount: moved });
    // Never dropped, never blocking: on the suspense account of a journal that balances.
    const journal = JSON.parse(
      await eventually(() => readObject(`settlements/journals/${settlementId}.json`), 30_000, 'the journal'),
    );
    expect(journal).toMatchObject({ settlementId, balanced: true, unmapped: [{ ...kind, amount: moved }] });
    expect(journal.lines).toContainEqual(
      expect.objectContaining({ account: 'Amazon suspense', amount: moved, description: expect.any(String) }),
    );
    await eventually(async () =>
      events.some(
        (e) =>
          e.detailType === 'SettlementJournalCreated' &&
          (e.detail as { settlementId?: string }).settlementId === settlementId,
      ),
    );
    const trace = await operatorsSee(unmapped, settlementId);
    expect(trace.settlement).toMatchObject({ settlementId, status: 'posted' });
  }, 60_000);

  it('raises SETTLEMENT_UNREADABLE for a file that is not a V2 settlement, and posts the corrected file', async () => {
    const { simulators, exceptions, engines, bucket } = hub();
    const good = fixture('amazon-de-2024-10-11.v2.txt');
    const settlementId = '23167452842';
    // The download lost a column: the header no longer names amount-description.
    const { reportId } = simulators.amazon.addReport({
      content: good.replace('\tamount-description\t', '\tamount-desc\t'),
      charset: 'UTF-8',
    });
    expect((await fetchSettlements()).fetched).toEqual([reportId]);
    const sourceKey = `settlements/incoming/${reportId}.txt`;
    const unreadable = await raised('SETTLEMENT_UNREADABLE', sourceKey, 30_000);
    expect(unreadable.details).toMatchObject({
      sourceKey,
      reason: 'line 1: not a V2 settlement header: missing column(s) amount-description',
    });
    await operatorsSee(unreadable, sourceKey);
    expect(await readObject(`settlements/journals/${settlementId}.json`).catch(() => 'none')).toBe('none');

    // Finance puts the complete file under settlements/incoming/ (any name): it is posted, then they resolve.
    await engines.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `settlements/incoming/${reportId}-fixed.txt`, Body: good }),
    );
    const journal = JSON.parse(
      await eventually(() => readObject(`settlements/journals/${settlementId}.json`).catch(() => ''), 30_000, 'posted'),
    );
    expect(journal).toMatchObject({ settlementId, balanced: true });
    expect(await exceptions.resolve(unreadable.id)).toMatchObject({ status: 'resolved' });
  }, 60_000);

  it('raises ORDER_REJECTED when OrderWise refuses a stock code, and a retry after the fix posts the order once', async () => {
    const { simulators, ledger, catalogue, engines, outputs } = hub();
    // A variant not sold on Amazon: no other scenario touches it.
    const { sku } = DEMO_CATALOGUE.find((v) => v.orderwise && !v.amazon) as (typeof DEMO_CATALOGUE)[number];
    const mapping = await catalogue.get(sku);
    // The catalogue map names a stock code OrderWise retired.
    await catalogue.put({ ...mapping, sku, orderwiseVariantCode: 'OWRETIRED0001' });
    const [order] = await simulators.scayle.createOrders({ orders: [{ items: [{ sku, quantity: 1 }] }] });
    const orderId = String(order?.id);
    const rejected = await raised('ORDER_REJECTED', orderId);
    expect(rejected.details).toMatchObject({ orderId, status: 400 });
    expect(JSON.stringify(rejected.details.orderwiseError)).toContain('OWRETIRED0001');
    expect((await ledger.get('scayle', orderId))?.status).toBe('flagged');
    await operatorsSee(rejected, orderId);

    await catalogue.put({ ...mapping, sku });
    const retry = makeRetryOrder({
      ledger,
      queue: new OrderEventsQueue(engines.sqs, outputs.OrderEventsQueueUrl as string),
    });
    expect(await retry(orderId)).toMatchObject({ queued: true, status: 'flagged' });
    await eventually(async () => (await ledger.get('scayle', orderId))?.status === 'acknowledged', 30_000, 'posted');
    expect(simulators.orderwise.ordersByReference(orderId)).toHaveLength(1);
    expect(await hub().exceptions.resolve(rejected.id)).toMatchObject({ status: 'resolved' });
  }, 60_000);
});
