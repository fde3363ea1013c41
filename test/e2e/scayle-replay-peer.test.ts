import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubOptions, LOCAL_WEBHOOK_CREDENTIALS } from '../../local/hub/hub';
import { DEMO_CATALOGUE } from '../../local/simulators/catalogue';
import type { ReplayedRequest } from '../../local/simulators/scayle-replay';
import { DeadLetters } from '../../shared/adapters/aws/dead-letters';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { FailuresRepository } from '../../shared/adapters/aws/failures-repository';
import { OrderEventsQueue } from '../../shared/adapters/aws/order-events-queue';
import { eventually, mapAndListOnAmazon, useHub } from '../helpers/hub';
import { depth } from '../helpers/queues';
import { scayleFixture } from '../helpers/scayle-simulator';

/**
 * The local hub with SCAYLE's place taken by the replay peer, run as its own process the way `npm start -- --peer
 * scayle=<url>` would reach it: the hub's functions read and write SCAYLE only through the replay, which answers
 * from SCAYLE's own samples (test/fixtures/scayle, byte-identical to ../shared/fixtures/scayle) and nothing else,
 * and sends the webhook samples byte for byte. OrderWise and Amazon stay simulated.
 */

const FIXTURES = fileURLToPath(new URL('../fixtures/scayle/', import.meta.url));
const TOKEN = 'replay-peer-token';
/** The SKU of the one variant the product sample names (ProductGetResponse.json): the replay takes its stock writes. */
const SKU = scayleFixture<{ variants: { referenceKey: string }[] }>('admin-api/ProductGetResponse.json').variants[0]
  ?.referenceKey as string;
/** The order the webhook samples name; the replay's only order sample is another (OrderGetResponse.json). */
const ORDER_ID = String(scayleFixture<{ payload: { id: number } }>('webhooks/order-confirmed.json').payload.id);
const UK = 'A1F83G8C2ARO7P';

/** The URLs of the replay's ready line: its control API's origin and the Admin API base to give the hub. */
interface ReplayUrls {
  readonly url: string;
  readonly apiUrl: string;
}

/** Resolves with the URLs `scayle-replay/main.ts` prints once it listens; rejects if it exits first. */
const readyLineOf = (child: ChildProcess): Promise<ReplayUrls> =>
  new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the replay peer exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const match = /^scayle-replay ready (\{.*\})$/.exec(line);
      if (match?.[1]) resolve(JSON.parse(match[1]) as ReplayUrls);
    });
  });

let child: ChildProcess | undefined;
let replay: ReplayUrls | undefined;
// useHub starts the hub in its own beforeAll, which runs after this one: the replay's port is known by then.
const peers: NonNullable<HubOptions['peers']> = {};
beforeAll(async () => {
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'local/simulators/scayle-replay/main.ts', '--fixtures', FIXTURES, '--token', TOKEN],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  replay = await readyLineOf(child);
  peers.scayle = { url: replay.apiUrl, credentials: { accessToken: TOKEN } };
}, 30_000);
// Also when the peer never became ready, or a test failed: it is a process of its own and would outlive the run.
afterAll(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
// An empty catalogue map: the test maps only the SKUs the samples name, so no demo SKU makes the hub call SCAYLE
// for a variant the replay was never meant to know. Failed messages come back at once (their visibility timeouts at
// 3,600x), so an event SCAYLE cannot answer spends its receives in seconds.
const hub = useHub({ peers, catalogueMap: 'empty', redeliveryCompression: 3_600 });

const replayed = async (): Promise<ReplayedRequest[]> =>
  (await (await fetch(`${replay?.url}/_replay/requests`)).json()) as ReplayedRequest[];

/** Has the replay post a webhook sample to the hub, as SCAYLE would; resolves to the hub's status. */
const deliver = async (file: string): Promise<number> => {
  const response = await fetch(`${replay?.url}/_replay/webhooks/${file}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${hub().urls.api}/webhooks/scayle`, ...LOCAL_WEBHOOK_CREDENTIALS }),
  });
  const answer = (await response.json()) as { status?: number; error?: string };
  expect(answer.error, `the replay could not deliver ${file}`).toBeUndefined();
  return answer.status as number;
};

/** What the dead-letter queue a stack output names holds, each letter with why it failed last. */
const deadLetters = (dlqOutput: string) => {
  const { engines, outputs } = hub();
  const letters = new DeadLetters(
    engines.sqs,
    new FailuresRepository(makeDocumentClient(engines.dynamodb), outputs.FailuresTableName as string),
  );
  return letters.inspect(outputs[dlqOutput] as string);
};

describe('the local hub against the SCAYLE replay peer', () => {
  it('keeps order 123, which SCAYLE does not show, as a dead letter naming why, having asked SCAYLE for it', async () => {
    const { engines, ledger, outputs, simulators } = hub();
    expect(await deliver('order-confirmed')).toBe(202);
    expect(await deliver('order-cancelled')).toBe(202);

    const [letter] = await eventually(
      async () => {
        const letters = (await deadLetters('OrderEventsDlqUrl')).filter((l) => l.groupId === ORDER_ID);
        return letters.length > 0 ? letters : undefined;
      },
      90_000,
      `the event of order ${ORDER_ID} dead-lettered`,
    );
    // Not lost: the confirmation waits in the DLQ with its reason, for `hub redrive OrderEvents` once SCAYLE has it.
    expect(letter).toMatchObject({
      reason: `ScayleOrderNotFoundError: SCAYLE shows no order ${ORDER_ID} in any shop country`,
      retryable: true,
    });
    expect(JSON.parse(letter?.body ?? '{}')).toMatchObject({ event: 'order-confirmed', orderId: ORDER_ID });
    expect(letter?.receiveCount).toBeGreaterThanOrEqual(10);
    // The cancel behind it in the order's group was handled (SCAYLE shows no such order cancelled: nothing to do).
    await eventually(
      async () => (await depth(engines.sqs, outputs.OrderEventsQueueUrl as string)) === 0,
      30_000,
      'the orders queue drained',
    );
    expect(await depth(engines.sqs, outputs.OrderEventsDlqUrl as string)).toBe(1);
    const entry = await ledger.get('scayle', ORDER_ID);
    expect(entry?.status).toBe('pending');
    expect(simulators.orderwise.ordersByReference(ORDER_ID)).toEqual([]);
    // The hub asked SCAYLE itself, and the replay had no sample to answer with.
    const reads = (await replayed()).filter((r) => r.method === 'GET' && r.path.endsWith(`/orders/${ORDER_ID}`));
    expect(reads.length).toBeGreaterThan(0);
    expect(new Set(reads.map((r) => `${r.status} ${r.outcome}`))).toEqual(new Set(['404 unreplayable']));
  }, 120_000);

  it('dead-letters the stock and price events of SKU-1, a variant no SCAYLE sample holds, and records nothing', async () => {
    const { engines, outputs, stock } = hub();
    expect(await deliver('product-variant-stock-updated')).toBe(202);
    expect(await deliver('product-variant-prices-updated')).toBe(202);

    // Both wait in the DLQ (one FIFO group, so only the first can be looked at while the other is there too).
    const dlq = outputs.StockEventsDlqUrl as string;
    await eventually(async () => (await depth(engines.sqs, dlq)) === 2, 90_000, 'both SKU-1 events dead-lettered');
    const [letter] = (await deadLetters('StockEventsDlqUrl')).filter((l) => l.groupId === 'scayle#SKU-1');
    expect(JSON.parse(letter?.body ?? '{}')).toMatchObject({ event: 'product-variant-stock-updated', sku: 'SKU-1' });
    expect(letter?.reason).toMatch(/^UpstreamRejectedError: SCAYLE getStock answered 404/);
    expect(await stock.get('SKU-1')).toBeUndefined();
    // The hub read SCAYLE's stock and prices back, as it does after these webhooks; no sample holds SKU-1.
    const reads = (await replayed()).filter((r) => r.path.includes(encodeURIComponent('key=SKU-1')));
    expect(new Set(reads.map((r) => `${r.method} ${r.path.split('/').pop()} ${r.outcome}`))).toEqual(
      new Set(['GET stocks unreplayable', 'GET prices unreplayable']),
    );
  }, 120_000);

  it('takes down the Amazon listing of SKU-1 and forgets its mapping for product-variant-deleted', async () => {
    const { catalogue, simulators } = hub();
    await mapAndListOnAmazon(hub(), 'SKU-1', UK);
    expect(simulators.amazon.listing('SKU-1')?.marketplaces[UK]).toBeTruthy();

    expect(await deliver('product-variant-deleted')).toBe(202);

    await eventually(
      async () => !simulators.amazon.listing('SKU-1')?.marketplaces[UK] && !(await catalogue.get('SKU-1')),
      60_000,
      'the listing of SKU-1 taken down and its mapping gone',
    );
  }, 90_000);

  it(`writes an OrderWise stock change of ${SKU} to SCAYLE in a body that fits SCAYLE's sample`, async () => {
    const { catalogue, config, simulators, stock } = hub();
    // A stock code the OrderWise simulator holds, mapped to the sample's SKU alone (the map is otherwise empty).
    const variantCode = DEMO_CATALOGUE.find((v) => v.orderwise)?.orderwise?.variantCode as string;
    await catalogue.put({ sku: SKU, orderwiseVariantCode: variantCode });

    await simulators.orderwise.changeStock([{ variantCode, quantity: 20 }]);

    const write = await eventually(
      async () =>
        (await replayed()).find(
          (r) => r.method === 'POST' && decodeURIComponent(r.path).endsWith(`/variants/key=${SKU}/stocks`),
        ),
      60_000,
      `a stock write of ${SKU} at the replay`,
    );
    expect(write, JSON.stringify(write)).toMatchObject({ status: 201, outcome: 'accepted' });
    const pushed = await eventually(async () => (await stock.get(SKU))?.scayle, 30_000, 'the push on the stock ledger');
    expect(write.body).toMatchObject({
      quantity: pushed.quantity,
      warehouseReferenceKey: config.scayle.warehouseReferenceKey,
    });
  }, 90_000);

  it('posts the sample order 901 to OrderWise once and gives SCAYLE its OrderWise number, all from samples', async () => {
    const { catalogue, engines, ledger, outputs, simulators } = hub();
    const order = scayleFixture<{ id: number; items: { variant: { referenceKey: string } }[] }>(
      'admin-api/OrderGetResponse.json',
    );
    const variantCode = DEMO_CATALOGUE.find((v) => v.orderwise)?.orderwise?.variantCode as string;
    for (const item of order.items)
      await catalogue.put({ sku: item.variant.referenceKey, orderwiseVariantCode: variantCode });
    // Its webhook is not among the samples: the order is queued as `hub retry` or a sweep would queue it.
    const now = new Date().toISOString();
    await new OrderEventsQueue(engines.sqs, outputs.OrderEventsQueueUrl as string).send({
      eventId: `retry#${Date.now()}`,
      event: 'order-confirmed',
      orderId: String(order.id),
      shopKey: 'ac',
      countryCode: 'DE',
      occurredAt: now,
      receivedAt: now,
    });

    const entry = await eventually(
      async () => {
        const found = await ledger.get('scayle', String(order.id));
        return found?.status === 'acknowledged' ? found : undefined;
      },
      60_000,
      `order ${order.id} acknowledged`,
    );
    const [salesOrder, ...more] = simulators.orderwise.ordersByReference(String(order.id));
    expect(more).toEqual([]);
    expect(entry.ids.orderwise).toBe(salesOrder?.orderNumber);
    const referenceKey = (await replayed()).filter((r) => r.method === 'PUT' && r.path.endsWith('/reference-key'));
    expect(referenceKey).toEqual([
      expect.objectContaining({ status: 204, outcome: 'accepted', body: { referenceKey: salesOrder?.orderNumber } }),
    ]);
  }, 90_000);

  it('sent SCAYLE no body its samples refuse and never a wrong token', async () => {
    const requests = await replayed();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.outcome === 'rejected' || r.outcome === 'unauthorized')).toEqual([]);
  });
});
