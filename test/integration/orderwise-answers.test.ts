import { describe, expect, it } from 'vitest';
import { OrderwiseClient } from '../../shared/adapters/orderwise/client';
import { ValidationError } from '../../shared/runtime/errors';
import { recordingClock } from '../helpers/fake-clock';
import { type ScriptedAnswer, startScriptedServer } from '../helpers/scripted-server';

/** The client against an OrderWise answering the token, then each of `answers` in turn. */
const answering = async (token: unknown, ...answers: ScriptedAnswer[]) => {
  const server = await startScriptedServer([{ status: 200, body: token }, ...answers]);
  const client = new OrderwiseClient({
    baseUrl: server.url,
    sessionId: 1,
    customerAccount: 'WEB001',
    credentials: async () => ({ username: 'hub', password: 'pw' }),
    timeoutMs: 2_000,
    clock: recordingClock(),
  });
  return { client, server };
};

const row = (overrides: Record<string, unknown> = {}) => ({
  vad_id: 7,
  vad_variant_code: 'OW-7',
  vasq_free_stock_quantity: 3,
  last_changed: '2026-12-08T10:00:00.000',
  ...overrides,
});

describe('OrderwiseClient reading the answers a real OrderWise may give', () => {
  it('takes the token as an object, rows wrapped in data, and whole numbers written as strings', async () => {
    const { client, server } = await answering(
      { access_token: 'ow-token' },
      { status: 200, body: { data: [row({ vad_id: '7', vasq_free_stock_quantity: '3' })] } },
    );
    try {
      expect(await client.freeStockPage(0, 1)).toEqual([
        { variantId: 7, variantCode: 'OW-7', freeStock: 3, changedAt: '2026-12-08T10:00:00.000Z' },
      ]);
      expect(server.seen[1]?.headers.authorization).toBe('Bearer ow-token');
    } finally {
      await server.close();
    }
  });

  it('refuses a row whose free stock is null, empty or not a number, rather than pushing 0', async () => {
    for (const quantity of [null, '', false, '3.5']) {
      const { client, server } = await answering('"ow-token"', {
        status: 200,
        body: [row({ vasq_free_stock_quantity: quantity })],
      });
      try {
        await expect(client.freeStockPage(0, 1)).rejects.toThrow(ValidationError);
      } finally {
        await server.close();
      }
    }
  });

  it('reads a status whose totals are null as one without totals', async () => {
    const status = {
      orderId: 4,
      orderNumber: 'SO4',
      eCommerceOrderNumber: '1001',
      orderStatus: 'Awaiting despatch',
      totalGross: null,
      totalTax: null,
    };
    const { client, server } = await answering('"ow-token"', { status: 200, body: status });
    try {
      expect(await client.salesOrderTotals(4)).toEqual({
        orderNumber: 'SO4',
        unavailable: expect.stringContaining('no totalGross/totalTax'),
      });
      expect(server.seen[1]?.url).toBe('/sales/order/4/status?include_lines=true&include_delivery=true');
    } finally {
      await server.close();
    }
  });
});
