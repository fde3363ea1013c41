import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ScayleClient } from '../../shared/adapters/scayle/client';
import { ScayleSetupReader } from '../../shared/adapters/scayle/setup';
import { scayleOrderSchema } from '../../shared/schemas/scayle';
import { startScriptedServer } from '../helpers/scripted-server';

/** A SCAYLE SDK fixture (test/fixtures/scayle-sdk, copied unchanged from scayle/admin-api-php-sdk), as text. */
const fixture = (name: string) => readFileSync(new URL(`../fixtures/scayle-sdk/${name}.json`, import.meta.url), 'utf8');

/** The setup reader against a server answering each call with the next fixture, byte for byte. */
const readerAnswering = async (...names: string[]) => {
  const server = await startScriptedServer(
    names.map((name) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: fixture(name) })),
  );
  const reader = new ScayleSetupReader({ baseUrl: server.url, credentials: async () => ({ accessToken: 'token' }) });
  return { reader, server };
};

describe("hub doctor's SCAYLE reader on the Admin API SDK's fixtures", () => {
  it('reads shop countries with the id webhooks carry as locale.appId', async () => {
    const { reader, server } = await readerAnswering('ShopCountryAllResponse');
    try {
      expect((await reader.shopCountries('ac'))?.map((c) => [c.id, c.countryCode])).toEqual([[2, 'DE']]);
      expect(server.seen[0]).toMatchObject({ method: 'GET', url: '/shops/ac/countries' });
      expect(server.seen[0]?.headers['x-access-token']).toBe('token');
    } finally {
      await server.close();
    }
  });

  it('reads webhook subscriptions with their masked credentials, a list without a cursor being the last page', async () => {
    const { reader, server } = await readerAnswering('WebhookSubscriptionAllResponse');
    try {
      expect(await reader.webhookSubscriptions()).toEqual([
        expect.objectContaining({
          id: 42,
          event: 'customer-created',
          version: 1,
          url: 'https://***:***@foobar.tld/notifiy',
        }),
      ]);
      expect(server.seen).toHaveLength(1);
      expect(server.seen[0]?.url).toBe('/webhooks/subscriptions?limit=100');
    } finally {
      await server.close();
    }
  });

  it('reads carriers by key', async () => {
    const { reader, server } = await readerAnswering('CarrierAllResponse');
    try {
      expect(await reader.carriers()).toEqual([expect.objectContaining({ id: 1, key: 'DHL_STD_NATIONAL' })]);
    } finally {
      await server.close();
    }
  });

  it('reads an order list whose every order parses as the hub reads orders', async () => {
    const { reader, server } = await readerAnswering('OrderAllResponse');
    try {
      const orders = await reader.recentOrders('ac', 'DE', 5);
      expect(orders.length).toBeGreaterThan(0);
      for (const order of orders) {
        const parsed = scayleOrderSchema.safeParse(order);
        expect(parsed.error?.issues ?? []).toEqual([]);
      }
      expect(server.seen[0]?.url).toBe('/shops/ac/countries/DE/orders?limit=5');
    } finally {
      await server.close();
    }
  });

  it("reads the order list as the order sweep does: each order's id and confirmedAt, and the next page's cursor", async () => {
    const server = await startScriptedServer([
      { status: 200, headers: { 'content-type': 'application/json' }, body: fixture('OrderAllResponse') },
    ]);
    try {
      const client = new ScayleClient({ baseUrl: server.url, credentials: async () => ({ accessToken: 'token' }) });
      const page = await client.listOrdersUpdatedSince('ac', 'DE', {
        filter: 'filters[minUpdatedAt]',
        since: '2026-12-08T04:00:00.000Z',
      });
      const sample = JSON.parse(fixture('OrderAllResponse')) as {
        entities: { id: number; confirmedAt?: string }[];
        cursor: { next: string };
      };
      expect(page).toEqual({
        orders: sample.entities.map((o) => ({ id: o.id, ...(o.confirmedAt ? { confirmedAt: o.confirmedAt } : {}) })),
        next: sample.cursor.next,
      });
      expect(page.orders.every((o) => o.confirmedAt)).toBe(true);
      expect(decodeURIComponent(server.seen[0]?.url ?? '')).toBe(
        '/shops/ac/countries/DE/orders?filters[minUpdatedAt]=2026-12-08T04:00:00.000Z&limit=100',
      );
    } finally {
      await server.close();
    }
  });
});
