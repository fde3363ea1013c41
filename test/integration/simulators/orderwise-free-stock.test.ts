import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE } from '../../../local/simulators/catalogue';
import { startOrderwiseSimulator } from '../../../local/simulators/orderwise';
import { startScriptedServer } from '../../helpers/scripted-server';

const STOCKED = DEMO_CATALOGUE.flatMap((v) => (v.orderwise ? [v.orderwise] : [])).sort(
  (a, b) => a.variantId - b.variantId,
);
const [V1, V2, V3] = STOCKED as [(typeof STOCKED)[number], (typeof STOCKED)[number], (typeof STOCKED)[number]];

interface FreeStockRow {
  vad_id: number;
  vad_variant_code: string;
  vasq_free_stock_quantity: number;
  last_changed: string;
}

let orderwise: Awaited<ReturnType<typeof startOrderwiseSimulator>>;
let token: string;

/** Runs a definition with its parameters as OrderWise takes them, `[{name, value}]` [O]; `body` posts anything else. */
const runExport = async (id: number | string, parameters: Record<string, unknown> = {}, body?: unknown) => {
  const list = Object.entries(parameters).map(([name, value]) => ({ name, value }));
  const response = await fetch(`${orderwise.apiUrl}/system/export-definition/${id}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? list),
  });
  return { status: response.status, body: (await response.json()) as unknown };
};
const changedSince = (since: string) =>
  runExport(orderwise.exportDefinitionIds.freeStockChangedSince, { '@since': since });
const page = (parameters?: Record<string, unknown>) =>
  runExport(orderwise.exportDefinitionIds.freeStockPage, parameters);
const rows = (answer: { body: unknown }) => answer.body as FreeStockRow[];

beforeAll(async () => {
  orderwise = await startOrderwiseSimulator();
});

afterAll(async () => {
  await orderwise?.stop();
});

beforeEach(async () => {
  await fetch(`${orderwise.url}/_sim/reset`, { method: 'POST' });
  const basic = Buffer.from(`${orderwise.user.username}:${orderwise.user.password}`).toString('base64');
  token = (await (
    await fetch(`${orderwise.apiUrl}/token/gettoken`, { headers: { authorization: `Basic ${basic}` } })
  ).json()) as string;
});

describe('OrderWise simulator: FreeStockChangedSince', () => {
  it('answers every stocked variant for a time before the reset, each changed at the reset', async () => {
    const answer = await changedSince('2020-01-01T00:00:00Z');

    expect(answer.status).toBe(200);
    expect(rows(answer)).toHaveLength(STOCKED.length);
    expect(new Set(rows(answer).map((r) => r.last_changed)).size).toBe(1);
    expect(rows(answer)[0]).toEqual({
      vad_id: V1.variantId,
      vad_variant_code: V1.variantCode,
      vasq_free_stock_quantity: orderwise.freeStock(V1.variantCode),
      last_changed: expect.any(String),
    });
  });

  it('answers only the variants changed strictly after @since, with their absolute free stock, oldest change first', async () => {
    await orderwise.changeStock(
      [
        { variantCode: V2.variantCode, quantity: 12, changedAt: '2030-01-01T10:00:05Z' },
        { variantCode: V1.variantCode, delta: 3, changedAt: '2030-01-01T10:00:00Z' },
        { variantCode: V3.variantCode, quantity: 1, changedAt: '2030-01-01T09:59:59Z' },
      ],
      false,
    );

    const answer = await changedSince('2030-01-01T10:00:00+00:00');

    expect(rows(answer)).toEqual([
      {
        vad_id: V2.variantId,
        vad_variant_code: V2.variantCode,
        vasq_free_stock_quantity: 12,
        // SQL Server's datetime, local to the server (London is on UTC in January) [A].
        last_changed: '2030-01-01T10:00:05.000',
      },
    ]);
    expect(rows(await changedSince('2030-01-01T09:59:58Z')).map((r) => r.vad_variant_code)).toEqual([
      V3.variantCode,
      V1.variantCode,
      V2.variantCode,
    ]);
  });

  it('dates a change now when no changedAt is given', async () => {
    // Past the reset, which dated every variant's stock at its own millisecond.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = new Date(Date.now() - 1).toISOString();
    await orderwise.changeStock([{ variantCode: V1.variantCode, quantity: 4 }], false);

    expect(rows(await changedSince(before))).toEqual([
      expect.objectContaining({ vad_variant_code: V1.variantCode, vasq_free_stock_quantity: 4 }),
    ]);
  });

  it('reads @since as SQL Server reads a datetime: a date, a local date and time, or one with a zone', async () => {
    await orderwise.changeStock(
      [{ variantCode: V1.variantCode, quantity: 2, changedAt: '2030-07-01T10:00:00Z' }],
      false,
    );
    const changed = async (since: string) => rows(await changedSince(since)).map((r) => r.vad_variant_code);

    expect(await changed('2030-07-01')).toEqual([V1.variantCode]);
    // London is an hour ahead of UTC in July: 10:59 local is 09:59Z, 11:00 local is the change itself.
    expect(await changed('2030-07-01 10:59:59')).toEqual([V1.variantCode]);
    expect(await changed('2030-07-01T11:00:00')).toEqual([]);
    expect(await changed('2030-07-01T09:59:59Z')).toEqual([V1.variantCode]);
    expect(rows(await changedSince('2030-07-02'))).toEqual([]);
  });

  it('refuses a missing or malformed @since, or parameters not in a list, with 400', async () => {
    const id = orderwise.exportDefinitionIds.freeStockChangedSince;
    for (const parameters of [{}, { '@since': 'yesterday' }]) {
      const answer = await runExport(id, parameters);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: expect.stringMatching(/^Invalid parameters: @since: /) });
    }
    expect(await runExport(id, {}, { '@since': '2030-01-01' })).toEqual({
      status: 400,
      body: { error: 'Invalid parameters: expected a list of {name, value}' },
    });
  });
});

describe('OrderWise simulator: FreeStockPage', () => {
  it('pages through every stocked variant once, in vad_id order, with the same columns', async () => {
    const seen: FreeStockRow[] = [];
    let afterId = 0;
    for (;;) {
      const answer = await page({ '@afterId': afterId, '@limit': 100 });
      expect(answer.status).toBe(200);
      const batch = rows(answer);
      if (batch.length === 0) break;
      expect(batch.length).toBeLessThanOrEqual(100);
      seen.push(...batch);
      afterId = (batch.at(-1) as FreeStockRow).vad_id;
    }

    expect(seen.map((r) => r.vad_id)).toEqual(STOCKED.map((v) => v.variantId));
    expect(seen[0]).toEqual({
      vad_id: V1.variantId,
      vad_variant_code: V1.variantCode,
      vasq_free_stock_quantity: orderwise.freeStock(V1.variantCode),
      last_changed: expect.any(String),
    });
  });

  it('starts at the first variant and answers at most 1000 rows without parameters', async () => {
    const answer = await page();

    expect(rows(answer)).toHaveLength(Math.min(1000, STOCKED.length));
    expect(rows(answer)[0]?.vad_id).toBe(V1.variantId);
    expect(rows(await page({ '@limit': 2 })).map((r) => r.vad_id)).toEqual([V1.variantId, V2.variantId]);
    expect(rows(await page({ '@afterId': V1.variantId, '@limit': 1 })).map((r) => r.vad_id)).toEqual([V2.variantId]);
  });

  it('shows a change in the next page read', async () => {
    await orderwise.changeStock(
      [{ variantCode: V2.variantCode, quantity: 33, changedAt: '2030-01-01T00:00:00Z' }],
      false,
    );

    expect(rows(await page({ '@afterId': V1.variantId, '@limit': 1 }))).toEqual([
      {
        vad_id: V2.variantId,
        vad_variant_code: V2.variantCode,
        vasq_free_stock_quantity: 33,
        last_changed: '2030-01-01T00:00:00.000',
      },
    ]);
  });

  it('refuses bad paging parameters with 400 naming the parameter', async () => {
    for (const [body, name] of [
      [{ '@limit': 0 }, '@limit'],
      [{ '@limit': 5001 }, '@limit'],
      [{ '@limit': 10.5 }, '@limit'],
      [{ '@afterId': -1 }, '@afterId'],
      [{ '@afterId': 'ten' }, '@afterId'],
    ] as const) {
      const answer = await page(body);
      expect(answer).toEqual({
        status: 400,
        body: { error: expect.stringContaining(`Invalid parameters: ${name}: `) },
      });
    }
    expect(rows(await page({ '@limit': 5000 }))).toHaveLength(STOCKED.length);
  });

  it('answers 404 for a definition the tenant does not have, or one it never created', async () => {
    expect((await runExport('StockMovementsSince', { '@since': '2020-01-01' })).status).toBe(404);
    orderwise.misconfigure({ missing: ['freeStockPage'] });
    try {
      expect((await page()).status).toBe(404);
    } finally {
      orderwise.misconfigure({});
    }
  });

  it('answers the columns a mis-set tenant names otherwise', async () => {
    orderwise.misconfigure({ renameColumns: { vasq_free_stock_quantity: 'free_stock' } });
    try {
      expect(Object.keys(rows(await page({ '@limit': 1 }))[0] ?? {})).toEqual([
        'vad_id',
        'vad_variant_code',
        'free_stock',
        'last_changed',
      ]);
    } finally {
      orderwise.misconfigure({});
    }
  });
});

describe('OrderWise simulator: stock changes with a change time', () => {
  it('takes changedAt through POST /_sim/stock and pushes it as last_changed', async () => {
    const receiver = await startScriptedServer([{ status: 202 }]);
    try {
      orderwise.setExportTargets({ stockUrl: `${receiver.url}/stock`, username: 'ow', password: 'secret' });
      const response = await fetch(`${orderwise.url}/_sim/stock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          changes: [{ variantCode: V1.variantCode, quantity: 8, changedAt: '2030-02-01T08:00:00Z' }],
        }),
      });

      expect(response.status).toBe(200);
      expect(((await response.json()) as { rows: unknown[] }).rows).toEqual([
        expect.objectContaining({ variantCode: V1.variantCode, freeStock: 8, changedAt: '2030-02-01T08:00:00Z' }),
      ]);
      const xml = new URLSearchParams(receiver.seen[0]?.body ?? '').get('ExportData') ?? '';
      expect(new XMLParser().parse(xml).StockExport.Variant).toMatchObject({
        vad_variant_code: V1.variantCode,
        vasq_free_stock_quantity: 8,
        last_changed: '2030-02-01T08:00:00Z',
      });
      // The export definition answers SQL Server's zone-less local time (London is on UTC in February).
      expect(rows(await changedSince('2030-01-31T00:00:00Z')).map((r) => r.last_changed)).toEqual([
        '2030-02-01T08:00:00.000',
      ]);
    } finally {
      orderwise.setExportTargets(undefined);
      await receiver.close();
    }
  });

  it('refuses a changedAt that is not ISO-8601 with a time zone, changing nothing', async () => {
    const before = orderwise.freeStock(V1.variantCode);
    const response = await fetch(`${orderwise.url}/_sim/stock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ changes: [{ variantCode: V1.variantCode, quantity: 8, changedAt: '01/02/2030' }] }),
    });

    expect(response.status).toBe(400);
    expect(orderwise.freeStock(V1.variantCode)).toBe(before);
  });
});
