import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { devStage } from '../../lib/config/stages';
import { LOCAL_ORDERWISE_EXPORT_CREDENTIALS, LOCAL_WEBHOOK_CREDENTIALS } from '../../local/hub/hub';
import { readScayleWebhook } from '../../shared/adapters/scayle/webhook-events';
import { basicAuthHeader } from '../../shared/runtime/basic-auth';
import { useHub } from '../helpers/hub';

const hub = useHub();

/** SCAYLE's documented envelope (Admin format), as ../shared/fixtures/scayle/webhooks has it. */
const valid = {
  key: 'evt-fuzz-1',
  type: 'order-confirmed',
  version: 1,
  occurredAt: '2026-11-23T10:00:00Z',
  meta: { tenantKey: 'acme', xRequestId: 'req-fuzz' },
  payload: { id: 900_001 },
};

/** Whether the hub's own reading takes the body (an unknown event type is taken: SCAYLE must not retry it). */
const readable = (text: string): boolean => {
  try {
    readScayleWebhook(JSON.parse(text), devStage.scayle.shops, new Date().toISOString());
    return true;
  } catch {
    return false;
  }
};

/** Bodies that are wrong in one of the ways a sender gets things wrong. */
const badBody = fc.oneof(
  fc.string({ maxLength: 200 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
  fc.json({ maxDepth: 3 }).filter((s) => s.trim() !== '' && !readable(s)),
  fc
    .record({
      field: fc.constantFrom('type', 'occurredAt', 'payload', 'payload.id', 'key', 'meta', 'version'),
      value: fc.oneof(
        fc.constant(undefined),
        fc.string({ maxLength: 20 }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.constant([]),
      ),
    })
    .map(({ field, value }) => {
      const body = structuredClone(valid) as Record<string, unknown>;
      const [head, tail] = field.split('.') as [string, string | undefined];
      if (tail) (body[head] as Record<string, unknown>)[tail] = value;
      else body[head] = value;
      return JSON.stringify(body);
    })
    // A mutation that happens to stay valid (e.g. dropping the optional version) is not a bad body.
    .filter((text) => !readable(text)),
  fc.constant('x'.repeat(300 * 1024)),
);

const auth = fc.constantFrom('right', 'missing', 'wrong-password', 'wrong-user', 'bearer', 'garbage');
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', undefined);

const headerFor = (kind: string): string | undefined => {
  switch (kind) {
    case 'right':
      return basicAuthHeader(LOCAL_WEBHOOK_CREDENTIALS);
    case 'wrong-password':
      return basicAuthHeader({ ...LOCAL_WEBHOOK_CREDENTIALS, password: 'nope' });
    case 'wrong-user':
      return basicAuthHeader({ ...LOCAL_WEBHOOK_CREDENTIALS, username: 'orderwise' });
    case 'bearer':
      return 'Bearer abc';
    case 'garbage':
      return 'Basic !!!';
    default:
      return undefined;
  }
};

const rejectedCount = async (prefix = 'rejected/scayle-webhook/'): Promise<number> => {
  const { engines, bucket } = hub();
  let count = 0;
  let token: string | undefined;
  do {
    const page = await engines.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    count += page.KeyCount ?? 0;
    token = page.NextContinuationToken;
  } while (token);
  return count;
};

describe('POST /webhooks/scayle under fuzzing', () => {
  it('answers every bad request with a 4xx JSON error naming the problem, never a 5xx, and keeps every authenticated bad body', async () => {
    const before = await rejectedCount();
    let keptExpected = 0;
    await fc.assert(
      fc.asyncProperty(badBody, auth, contentType, async (body, who, type) => {
        const headers: Record<string, string> = {};
        const authorization = headerFor(who);
        if (authorization) headers.authorization = authorization;
        if (type) headers['content-type'] = type;
        const response = await fetch(`${hub().urls.api}/webhooks/scayle`, { method: 'POST', headers, body });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        const error = (await response.json()) as { error: string; message: string; issues?: { field: string }[] };
        expect(error.error).toMatch(/Error$/);
        expect(error.message.length).toBeGreaterThan(5);
        if (who !== 'right') {
          expect(response.status).toBe(401);
          return;
        }
        keptExpected++;
        if (type === 'text/plain' || type === undefined) expect(response.status).toBe(415);
        else if (body.length > 200 * 1024) expect(response.status).toBe(413);
        else {
          // Every validation failure names its field, even a body that is not JSON at all (`(root)`).
          expect(response.status).toBe(400);
          expect(error.issues?.[0]?.field).toBeTruthy();
        }
      }),
      { numRuns: 150 },
    );
    expect(await rejectedCount()).toBe(before + keptExpected);
  }, 120_000);

  it('accepts a valid, authenticated webhook with 202 and its event id', async () => {
    const response = await fetch(`${hub().urls.api}/webhooks/scayle`, {
      method: 'POST',
      headers: { authorization: basicAuthHeader(LOCAL_WEBHOOK_CREDENTIALS), 'content-type': 'application/json' },
      body: JSON.stringify({ ...valid, type: 'order-canceled' }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: true, eventId: 'evt-fuzz-1' });
  });

  it('answers a well-formed event of a type the hub does not use with 202, so SCAYLE does not retry it', async () => {
    const response = await fetch(`${hub().urls.api}/webhooks/scayle`, {
      method: 'POST',
      headers: { authorization: basicAuthHeader(LOCAL_WEBHOOK_CREDENTIALS), 'content-type': 'application/json' },
      body: JSON.stringify({ ...valid, key: 'evt-fuzz-2', type: 'customer-created', payload: { id: 5 } }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: true, eventId: 'evt-fuzz-2', ignored: true });
  });
});

/** XML an OrderWise export must never be: declarations, entities, prototype keys, broken or huge documents. */
const hostileXml = fc.oneof(
  fc.constant(
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><StockExport>&x;</StockExport>',
  ),
  fc.constant(
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><StockExport>&lol2;</StockExport>',
  ),
  fc.constant('<StockExport><Variant><__proto__><polluted>1</polluted></__proto__></Variant></StockExport>'),
  fc.constant('<StockExport><constructor><prototype>1</prototype></constructor></StockExport>'),
  fc.string({ maxLength: 200 }).map((text) => `<StockExport>${text}`),
  fc.constant(`<StockExport>${'<Variant><vad_id>1</vad_id></Variant>'.repeat(160_000)}</StockExport>`),
);

describe('POST /webhooks/orderwise/stock and /despatch under hostile XML', () => {
  it('answers every hostile export with a 4xx naming the problem, never a 5xx, and keeps every body', async () => {
    const before = await rejectedCount('rejected/orderwise-');
    let kept = 0;
    await fc.assert(
      fc.asyncProperty(hostileXml, fc.constantFrom('stock', 'despatch'), async (xml, route) => {
        const response = await fetch(`${hub().urls.api}/webhooks/orderwise/${route}`, {
          method: 'POST',
          headers: {
            authorization: basicAuthHeader(LOCAL_ORDERWISE_EXPORT_CREDENTIALS),
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ ExportData: xml }).toString(),
        });
        expect({ route, status: response.status, xml: xml.slice(0, 80) }).toEqual({
          route,
          status: expect.toSatisfy((s: number) => s >= 400 && s < 500),
          xml: xml.slice(0, 80),
        });
        const error = (await response.json()) as { error: string; message: string };
        expect(error.error).toMatch(/Error$/);
        kept++;
      }),
      { numRuns: 40 },
    );
    expect(await rejectedCount('rejected/orderwise-')).toBe(before + kept);
  }, 120_000);
});
