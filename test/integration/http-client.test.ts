import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, parseRetryAfter, type RetryPolicy, summarise } from '../../shared/http/client';
import { RateLimiters } from '../../shared/http/rate-limiter';
import { ThrottledError, TimeoutError, UpstreamError, UpstreamRejectedError } from '../../shared/runtime/errors';
import { recordingClock } from '../helpers/fake-clock';
import { type ScriptedAnswer, startScriptedServer } from '../helpers/scripted-server';

const retry: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };
let close: (() => Promise<void>) | undefined;

afterEach(async () => {
  await close?.();
  close = undefined;
});

const setup = async (script: ScriptedAnswer[], extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) => {
  const server = await startScriptedServer(script);
  close = server.close;
  const clock = recordingClock();
  const client = new HttpClient({
    peer: 'Peer',
    baseUrl: `${server.url}/api`,
    timeoutMs: 500,
    retry,
    clock,
    random: () => 1,
    ...extra,
  });
  return { server, clock, client };
};

describe('HttpClient', () => {
  it('stops retrying a failing peer after maxAttempts and says so', async () => {
    const { server, client, clock } = await setup([{ status: 503, body: { message: 'down' } }]);
    const error = await client.send({ operation: 'getThing', method: 'GET', path: '/things/1' }).catch((e) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe('Peer getThing answered 503');
    expect(server.seen).toHaveLength(4);
    // Exponential back-off, capped: 100, 200, 400 (random() = 1 takes the whole ceiling).
    expect(clock.sleeps).toEqual([100, 200, 400]);
  });

  it('draws each back-off at random below its ceiling (full jitter)', async () => {
    const { client, clock } = await setup([{ status: 500 }], { random: () => 0.5 });
    await client.send({ operation: 'op', method: 'GET', path: '/' }).catch(() => {});
    expect(clock.sleeps).toEqual([50, 100, 200]);
  });

  it('waits as long as Retry-After asks before trying a throttled call again', async () => {
    const { server, client, clock } = await setup([
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 200, body: { ok: true } },
    ]);
    const response = await client.send({ operation: 'op', method: 'POST', path: '/create', json: { a: 1 } });
    expect(response.body).toEqual({ ok: true });
    expect(server.seen).toHaveLength(2);
    expect(clock.sleeps).toEqual([2_000]);
  });

  it('hands a long Retry-After back to the queue instead of waiting in the function', async () => {
    const { server, client } = await setup([{ status: 429, headers: { 'retry-after': '60' } }]);
    const error = await client.send({ operation: 'op', method: 'GET', path: '/' }).catch((e) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error.retryAfterMs).toBe(60_000);
    expect(server.seen).toHaveLength(1);
  });

  it('does not retry a 4xx and keeps the peer error for the exception, its codes and messages only', async () => {
    const { server, client } = await setup([
      { status: 400, body: { errors: [{ code: 'InvalidInput', details: 'Jane Doe, 1 High St' }] } },
    ]);
    const error = await client
      .send({ operation: 'confirmShipment', method: 'POST', path: '/x', json: {} })
      .catch((e) => e);
    expect(error).toBeInstanceOf(UpstreamRejectedError);
    expect(error.status).toBe(400);
    expect(error.body).toEqual({ errors: [{ code: 'InvalidInput' }] });
    expect(server.seen).toHaveLength(1);
  });

  it('never resends a create after a 5xx, since the peer may have acted on it', async () => {
    const { server, client } = await setup([{ status: 502 }, { status: 201 }]);
    await expect(
      client.send({ operation: 'createOrder', method: 'POST', path: '/orders', json: {} }),
    ).rejects.toBeInstanceOf(UpstreamError);
    expect(server.seen).toHaveLength(1);
  });

  it('turns a slow answer into a TimeoutError after retrying an idempotent read', async () => {
    const { server, client } = await setup([{ status: 200, delayMs: 2_000 }], {
      timeoutMs: 50,
      retry: { ...retry, maxAttempts: 2 },
    });
    const error = await client.send({ operation: 'slow', method: 'GET', path: '/' }).catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.seen).toHaveLength(2);
  });

  it('accepts statuses the caller expects, such as a 404 on a look-up', async () => {
    const { client } = await setup([{ status: 404, body: { error: 'not found' } }]);
    const response = await client.send({ operation: 'find', method: 'GET', path: '/', accept: [404] });
    expect(response.status).toBe(404);
  });

  it('mints a new token once when the peer answers 401', async () => {
    let token = 'old';
    const { server, client } = await setup([{ status: 401 }, { status: 200, body: 'ok' }], {
      auth: {
        headers: async () => ({ authorization: `Bearer ${token}` }),
        invalidate: () => {
          token = 'new';
        },
      },
    });
    const response = await client.send({ operation: 'op', method: 'POST', path: '/', json: {} });
    expect(response.body).toBe('ok');
    expect(server.seen.map((r) => r.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('sends query, JSON and form bodies as the peer expects', async () => {
    const { server, client } = await setup([{ status: 200 }]);
    await client.send({
      operation: 'q',
      method: 'GET',
      path: '/orders',
      query: { MarketplaceIds: ['A', 'B'], limit: 5, skip: undefined },
    });
    await client.send({ operation: 'f', method: 'POST', path: '/token', form: { grant_type: 'refresh_token' } });
    expect(server.seen[0]?.url).toBe('/api/orders?MarketplaceIds=A%2CB&limit=5');
    expect(server.seen[1]?.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(server.seen[1]?.body).toBe('grant_type=refresh_token');
  });

  it('takes a rate-limit token per call and adopts the rate the peer reports', async () => {
    const limiters = new RateLimiters({ getOrders: { rate: 5, burst: 5 } });
    const { client } = await setup([{ status: 200, headers: { 'x-amzn-RateLimit-Limit': '0.0167' } }], {
      limiters,
      rateLimitHeader: 'x-amzn-ratelimit-limit',
    });
    await client.send({ operation: 'getOrders', method: 'GET', path: '/' });
    expect(limiters.for('getOrders')?.plan.rate).toBe(0.0167);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', 0)).toBe(3_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});

describe('summarise (what a refusal leaves in logs and the failures table)', () => {
  it('keeps only the codes and messages of a JSON error body, however the peer nests them', () => {
    expect(
      summarise({
        errors: [{ code: 'InvalidInput', message: 'Invalid postal code', details: 'Jane Doe, 1 High St, SW1A 1AA' }],
      }),
    ).toBe('{"errors":[{"code":"InvalidInput","message":"Invalid postal code"}]}');
    expect(
      summarise({ errors: [{ errorKey: 'VALIDATION_ERROR', message: 'bad', context: { address: 'Domstrasse 10' } }] }),
    ).toBe('{"errors":[{"errorKey":"VALIDATION_ERROR","message":"bad"}]}');
    expect(summarise({ error: 'Duplicate eCommerceOrderNumber', order: { deliveryName: 'Anna' } })).toBe(
      '{"error":"Duplicate eCommerceOrderNumber"}',
    );
  });

  it('cuts a text body short', () => {
    expect(summarise('x'.repeat(400))).toBe(`${'x'.repeat(300)}...`);
  });
});
