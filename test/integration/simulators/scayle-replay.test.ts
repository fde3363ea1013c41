import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplayedRequest, type ScayleReplay, startScayleReplay } from '../../../local/simulators/scayle-replay';
import { startScriptedServer } from '../../helpers/scripted-server';

// SCAYLE's samples as the repository holds them (byte-identical to ../shared/fixtures/scayle).
const FIXTURES = fileURLToPath(new URL('../../fixtures/scayle/', import.meta.url));
const TOKEN = 'replay-token';
const sampleBytes = (path: string) => readFileSync(`${FIXTURES}${path}`);
const sample = (path: string) => JSON.parse(sampleBytes(path).toString('utf8')) as Record<string, unknown>;

const ORDER = sample('admin-api/OrderGetResponse.json') as { id: number; referenceKey: string };
const SHIPMENT = sample('admin-api/ShipmentCreateRequest.json');

describe('SCAYLE replay peer, run as its own process', () => {
  let child: ChildProcess;
  const stdout: string[] = [];

  beforeAll(() => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'local/simulators/scayle-replay/main.ts', '--fixtures', FIXTURES, '--token', TOKEN],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
  });

  afterAll(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('says ready in one stdout line, serves the order sample byte for byte, and exits 0 on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ready = await new Promise<{ url: string; apiUrl: string }>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the peer exited (${code}) before it was ready`)));
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        stdout.push(line);
        const match = /^scayle-replay ready (\{.*\})$/.exec(line);
        if (match?.[1]) resolve(JSON.parse(match[1]));
      });
    });
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.apiUrl).toBe(`${ready.url}/api/admin/v1`);

    const response = await fetch(`${ready.apiUrl}/shops/ms/countries/DE/orders/${ORDER.id}`, {
      headers: { 'X-Access-Token': TOKEN },
    });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(sampleBytes('admin-api/OrderGetResponse.json'))).toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toEqual([`scayle-replay ready ${JSON.stringify(ready)}`]);
  }, 30_000);
});

describe('SCAYLE replay peer: answers only from the samples', () => {
  let replay: ScayleReplay;

  const admin = (method: string, path: string, options: { body?: unknown; token?: string | null } = {}) => {
    const token = options.token === undefined ? TOKEN : options.token;
    return fetch(`${replay.apiUrl}${path}`, {
      method,
      headers: {
        ...(token === null ? {} : { 'X-Access-Token': token }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  };

  /** What the control API recorded while `act` ran. */
  const recordedDuring = async (act: () => Promise<unknown>): Promise<ReplayedRequest[]> => {
    const list = async () => (await (await fetch(`${replay.url}/_replay/requests`)).json()) as ReplayedRequest[];
    const before = (await list()).length;
    await act();
    return (await list()).slice(before);
  };

  const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

  beforeAll(async () => {
    replay = await startScayleReplay({ fixturesDir: FIXTURES, token: TOKEN });
  });

  afterAll(async () => replay?.stop());

  it("answers an order read by id or by URL-encoded key=referenceKey with the sample's exact bytes", async () => {
    const byKey = `key%3D${encodeURIComponent(ORDER.referenceKey)}`;
    for (const identifier of [String(ORDER.id), byKey]) {
      const order = await admin('GET', `/shops/ms/countries/DE/orders/${identifier}`);
      expect(order.status).toBe(200);
      expect(order.headers.get('content-type')).toBe('application/json');
      expect((await bytesOf(order)).equals(sampleBytes('admin-api/OrderGetResponse.json'))).toBe(true);

      const status = await admin('GET', `/shops/ms/countries/DE/orders/${identifier}/status`);
      expect((await bytesOf(status)).equals(sampleBytes('admin-api/OrderGetStatusResponse.json'))).toBe(true);
    }
  });

  it('answers 404 for an order no sample names and records it as unreplayable', async () => {
    let status = 0;
    const recorded = await recordedDuring(async () => {
      status = (await admin('GET', '/shops/ms/countries/DE/orders/123')).status;
    });
    expect(status).toBe(404);
    expect(recorded).toEqual([
      {
        method: 'GET',
        path: '/api/admin/v1/shops/ms/countries/DE/orders/123',
        status: 404,
        outcome: 'unreplayable',
        body: null,
      },
    ]);
  });

  it("answers 401 in the SDK's error shape without or with a wrong X-Access-Token, known route or not", async () => {
    for (const token of [null, 'wrong-token']) {
      for (const path of [`/shops/ms/countries/DE/orders/${ORDER.id}`, '/no/such/route']) {
        const answer = await admin('GET', path, { token });
        expect({ path, status: answer.status, body: await answer.json() }).toEqual({
          path,
          status: 401,
          body: { errors: [{ errorKey: 'UNAUTHORIZED', message: 'Missing or invalid X-Access-Token', context: {} }] },
        });
      }
    }
  });

  it('accepts a reference key with 204, records its body, and refuses a body without referenceKey', async () => {
    const path = `/shops/ms/countries/DE/orders/${ORDER.id}/reference-key`;
    const answers: Response[] = [];
    const recorded = await recordedDuring(async () => {
      answers.push(await admin('PUT', path, { body: { referenceKey: 'OW-SO-1001' } }));
      answers.push(await admin('PUT', path, { body: { reference: 'OW-SO-1001' } }));
    });
    expect(answers.map((a) => a.status)).toEqual([204, 400]);
    expect(await answers[1]?.json()).toEqual({
      errors: [
        {
          errorKey: 'VALIDATION_ERROR',
          message: 'The field "referenceKey" is required',
          context: { field: 'referenceKey' },
        },
      ],
    });
    expect(recorded).toEqual([
      {
        method: 'PUT',
        path: `/api/admin/v1${path}`,
        status: 204,
        outcome: 'accepted',
        body: { referenceKey: 'OW-SO-1001' },
      },
      {
        method: 'PUT',
        path: `/api/admin/v1${path}`,
        status: 400,
        outcome: 'rejected',
        body: { reference: 'OW-SO-1001' },
      },
    ]);
  });

  it('refuses a shipment that lacks a field of the sample, or carries one with another JSON type, naming the field', async () => {
    const { carrier: _, ...withoutCarrier } = SHIPMENT;
    const missing = await admin('POST', '/fulfillment/shipments', { body: withoutCarrier });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ errors: [{ message: 'The field "carrier" is required' }] });

    const mistyped = await admin('POST', '/fulfillment/shipments', { body: { ...SHIPMENT, orderId: '123' } });
    expect(mistyped.status).toBe(400);
    expect(await mistyped.json()).toMatchObject({
      errors: [{ message: 'The field "orderId" must be of type number, got string', context: { field: 'orderId' } }],
    });

    const fits = await admin('POST', '/fulfillment/shipments', { body: SHIPMENT });
    expect({ status: fits.status, body: await fits.text() }).toEqual({ status: 201, body: '' });
  });

  it('accepts the cancellation and stock samples, and creates an external order answering with the order sample', async () => {
    const cancellation = await admin('POST', '/fulfillment/cancellations', {
      body: sample('admin-api/CancellationSendRequest.json'),
    });
    expect(cancellation.status).toBe(201);

    const stock = sample('admin-api/ProductVariantStockCreateRequest.json');
    expect((await admin('POST', '/variants/key%3DM00012-black-M/stocks', { body: stock })).status).toBe(201);
    expect((await admin('POST', '/variants/key%3DSKU-UNKNOWN/stocks', { body: stock })).status).toBe(404);

    const created = await admin('POST', '/shops/ms/countries/DE/orders', {
      body: sample('admin-api/OrderCreateRequest.json'),
    });
    expect(created.status).toBe(201);
    expect((await bytesOf(created)).equals(sampleBytes('admin-api/OrderGetResponse.json'))).toBe(true);
  });

  it('serves stocks, prices and the product only for identifiers the samples name', async () => {
    const reads: [string, string][] = [
      ['/variants/7/stocks', 'ProductVariantStockAllResponse'],
      ['/variants/key%3D563843898/stocks', 'ProductVariantStockAllResponse'],
      ['/variants/key%3DM00012-black-M/prices', 'ProductVariantPriceAllResponse'],
      ['/products/9', 'ProductGetResponse'],
      ['/products/key%3DM00012-black', 'ProductGetResponse'],
    ];
    for (const [path, name] of reads) {
      const answer = await admin('GET', path);
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      expect((await bytesOf(answer)).equals(sampleBytes(`admin-api/${name}.json`))).toBe(true);
    }
    for (const path of ['/variants/8/stocks', '/variants/key%3DSKU-1/prices', '/products/10']) {
      expect({ path, status: (await admin('GET', path)).status }).toEqual({ path, status: 404 });
    }
  });

  it('answers 404 to a route no sample covers and records it as unreplayable', async () => {
    let answer: Response | undefined;
    const recorded = await recordedDuring(async () => {
      answer = await admin('GET', '/shops/ms/countries/DE/orders?limit=10');
    });
    expect(answer?.status).toBe(404);
    expect(await answer?.json()).toMatchObject({ errors: [{ errorKey: 'NOT_FOUND' }] });
    expect(recorded).toEqual([
      {
        method: 'GET',
        path: '/api/admin/v1/shops/ms/countries/DE/orders?limit=10',
        status: 404,
        outcome: 'unreplayable',
        body: null,
      },
    ]);
  });

  it("posts each webhook file byte for byte with HTTP Basic credentials and reports the receiver's status", async () => {
    const receiver = await startScriptedServer([{ status: 202 }]);
    try {
      const files = ['order-confirmed', 'order-cancelled', 'product-variant-stock-updated'];
      for (const file of files) {
        const answer = await fetch(`${replay.url}/_replay/webhooks/${file}`, {
          method: 'POST',
          body: JSON.stringify({ url: `${receiver.url}/webhooks/scayle`, username: 'scayle', password: 's3cret' }),
        });
        expect({ file, body: await answer.json() }).toEqual({ file, body: { status: 202 } });
      }
      expect(receiver.seen.map((r) => [r.method, r.url, r.headers['content-type'], r.headers.authorization])).toEqual(
        files.map(() => [
          'POST',
          '/webhooks/scayle',
          'application/json',
          `Basic ${Buffer.from('scayle:s3cret').toString('base64')}`,
        ]),
      );
      // The webhook samples are ASCII, so equal text is equal bytes.
      expect(receiver.seen.map((r) => r.body)).toEqual(
        files.map((file) => sampleBytes(`webhooks/${file}.json`).toString('utf8')),
      );
    } finally {
      await receiver.close();
    }
  });

  it('refuses to replay a webhook name that is not a file of the webhooks folder', async () => {
    const target = JSON.stringify({ url: 'http://127.0.0.1:9/', username: 'u', password: 'p' });
    for (const file of ['order-created', '..%2Fadmin-api%2FOrderGetResponse', 'order-confirmed.json']) {
      const answer = await fetch(`${replay.url}/_replay/webhooks/${file}`, { method: 'POST', body: target });
      expect({ file, status: answer.status }).toEqual({ file, status: 404 });
    }
  });
});
