import { describe, expect, it } from 'vitest';
import { LOCAL_ORDERWISE_EXPORT_CREDENTIALS } from '../../local/hub/hub';
import { DEMO_CATALOGUE } from '../../local/simulators/catalogue';
import { buildDespatchExport } from '../../shared/adapters/orderwise/export-format';
import { eventually, eventuallyLedger, useHub } from '../helpers/hub';

// A window of 30 seconds (real time): a SCAYLE outage longer than that must raise FULFILMENT_UNACKED.
const hub = useHub({
  timeCompression: 60,
  // The pull finds the despatches whose export was lost.
  schedules: { despatchPull: true },
  stageOverrides: {
    windows: { fulfilmentAckMinutes: 0.5, amazonConfirmationAckMinutes: 2 },
  },
});

const post = async (url: string, body: unknown) =>
  (
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  ).json();

const COURIERS = ['Royal Mail Tracked 24', 'Evri', 'DPD', 'Yodel', 'Pigeon Post'];
const sellable = DEMO_CATALOGUE.filter((v) => v.amazon && v.orderwise);

type OwOrder = { orderNumber: string; lines: { variantCode: string; quantity: number }[] };

/** Posts SCAYLE web orders and Amazon orders and waits until OrderWise has every one; returns OrderWise's orders. */
const ordersInOrderwise = async (web: number, amazon: number) => {
  const { simulators, ledger } = hub();
  const webOrders = await simulators.scayle.createOrders({
    orders: Array.from({ length: web }, (_, n) => ({
      items: [
        { sku: (sellable[(n * 5) % sellable.length] as (typeof sellable)[number]).sku, quantity: 1 + (n % 3) },
        { sku: (sellable[(n * 5 + 1) % sellable.length] as (typeof sellable)[number]).sku, quantity: 1 },
      ],
    })),
  });
  const amazonOrders =
    amazon === 0
      ? []
      : await simulators.amazon.createOrders({
          orders: Array.from({ length: amazon }, (_, n) => ({
            items: [0, 1].map((line) => ({
              sellerSku: (sellable[(n * 3 + 2 + line * 11) % sellable.length] as (typeof sellable)[number]).amazon
                ?.sellerSku as string,
              quantity: 1 + ((n + line) % 2),
            })),
          })),
        });
  const amazonHeads = await eventuallyLedger(
    ledger,
    'amazon',
    amazonOrders.map((o) => o.amazonOrderId),
    (h) => h.status === 'acknowledged',
    120_000,
    'every Amazon order in SCAYLE',
  );
  const scayleIds = [...webOrders.map((o) => String(o.id)), ...amazonHeads.map((h) => h?.ids.scayle as string)];
  await eventuallyLedger(
    ledger,
    'scayle',
    scayleIds,
    (e) => e.status === 'acknowledged',
    180_000,
    'every order in OrderWise',
  );
  const owOrders = scayleIds.map((id) => simulators.orderwise.ordersByReference(id)[0] as unknown as OwOrder);
  return { scayleIds, owOrders, amazonIds: amazonOrders.map((o) => o.amazonOrderId) };
};

describe('despatches to SCAYLE and Amazon through the local hub', () => {
  it('ships 200 packages in SCAYLE and confirms them on Amazon exactly once: repeats, parts, lost exports, SCAYLE failing', async () => {
    const { simulators, exceptions, urls } = hub();
    // 150 orders, a third of them despatched in two parts: 200 packages.
    const { scayleIds, owOrders, amazonIds } = await ordersInOrderwise(110, 40);
    // SCAYLE fails a fifth of the shipment pushes meanwhile: the state machine waits them out.
    await post(`${urls.scayle}/_sim/faults`, { createShipment: { errorRate: 0.2, status: 503 } });
    let packages = 0;
    for (const [n, order] of owOrders.entries()) {
      // Every third order in two parts (one package each); the others in one package.
      const parts =
        n % 3 === 0 && order.lines.length > 1 ? [order.lines.slice(0, 1), order.lines.slice(1)] : [order.lines];
      for (const [p, lines] of parts.entries()) {
        const courierName = COURIERS[(n + p) % COURIERS.length] as string;
        // Every seventh export is lost on its way: only the scheduled pull can find it.
        const despatched = await simulators.orderwise.despatch(
          order.orderNumber,
          [{ courierName, consignmentNumbers: [`TRK${n}x${p}`], lines }],
          n % 7 !== 3,
        );
        packages++;
        // Every fifth export is sent again, as OrderWise does after a timeout.
        if (n % 5 === 0 && despatched) {
          const last = despatched.deliveries.at(-1);
          const auth = `Basic ${Buffer.from(`${LOCAL_ORDERWISE_EXPORT_CREDENTIALS.username}:${LOCAL_ORDERWISE_EXPORT_CREDENTIALS.password}`).toString('base64')}`;
          const xml = buildDespatchExport([
            {
              orderNumber: order.orderNumber,
              eCommerceOrderNumber: scayleIds[n] as string,
              orderStatus: despatched.orderStatus,
              deliveries: last ? [last] : [],
            },
          ]);
          const status = (
            await fetch(`${urls.api}/webhooks/orderwise/despatch`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth },
              body: new URLSearchParams({ ExportData: xml }).toString(),
            })
          ).status;
          expect(status).toBe(202);
        }
      }
    }
    // SCAYLE: every item shipped, one package per OrderWise delivery, never two for one tracking number.
    await eventually(
      async () =>
        scayleIds.every((id) => {
          const order = simulators.scayle.orders().find((o) => String(o.id) === id) as {
            items: { packageId: number | null }[];
          };
          return order.items.every((item) => item.packageId !== null);
        }),
      180_000,
      'every SCAYLE item shipped',
    );
    const scaylePackages = scayleIds.flatMap((id) => {
      const order = simulators.scayle.orders().find((o) => String(o.id) === id) as {
        packages: { shipmentKey: string }[];
      };
      return order.packages.map((p) => p.shipmentKey);
    });
    expect(packages).toBe(200);
    expect(scaylePackages).toHaveLength(packages);
    expect(new Set(scaylePackages).size).toBe(packages);
    // Amazon: every package of its orders confirmed once, with Amazon's carrier code.
    const state = (await (await fetch(`${urls.amazon}/_sim/state`)).json()) as {
      confirmations: Record<
        string,
        Record<string, { carrierCode: string; carrierName?: string; trackingNumber: string }>
      >;
    };
    await eventually(
      async () => {
        const s = (await (await fetch(`${urls.amazon}/_sim/state`)).json()) as typeof state;
        return amazonIds.every((id) => Object.keys(s.confirmations[id] ?? {}).length > 0);
      },
      180_000,
      'every Amazon order confirmed',
    );
    const confirmed = ((await (await fetch(`${urls.amazon}/_sim/state`)).json()) as typeof state).confirmations;
    for (const id of amazonIds) {
      for (const pkg of Object.values(confirmed[id] ?? {})) {
        expect(['Royal Mail', 'Hermes UK', 'DPD', 'Yodel', 'Other']).toContain(pkg.carrierCode);
        if (pkg.carrierCode === 'Other') expect(pkg.carrierName).toBe('Pigeon Post');
      }
    }
    await post(`${urls.scayle}/_sim/faults`, {});
    expect((await exceptions.list({ type: 'CARRIER_UNMAPPED' })).map((e) => e.key)).toEqual(['Pigeon Post']);
    expect(await exceptions.list({ type: 'FULFILMENT_UNACKED' })).toEqual([]);
  }, 600_000);

  it('raises FULFILMENT_UNACKED for exactly the packages despatched while SCAYLE is down longer than the window', async () => {
    const { simulators, exceptions, urls } = hub();
    const { owOrders } = await ordersInOrderwise(6, 0);
    const [down, up] = [owOrders.slice(0, 3), owOrders.slice(3)];
    await post(`${urls.scayle}/_sim/faults`, { createShipment: { errorRate: 1, status: 503 } });
    try {
      for (const order of down)
        await simulators.orderwise.despatch(order.orderNumber, [
          { courierName: 'DPD', consignmentNumbers: [`OUT-${order.orderNumber}`], lines: order.lines },
        ]);
      const raised = await eventually(
        async () => {
          const open = await exceptions.list({ type: 'FULFILMENT_UNACKED', status: 'open' });
          return open.length >= down.length ? open : undefined;
        },
        180_000,
        'FULFILMENT_UNACKED for the packages SCAYLE did not take',
      );
      expect(raised.map((e) => e.details.orderNumber).sort()).toEqual(down.map((o) => o.orderNumber).sort());
    } finally {
      await post(`${urls.scayle}/_sim/faults`, {});
    }
    for (const order of up)
      await simulators.orderwise.despatch(order.orderNumber, [
        { courierName: 'DPD', consignmentNumbers: [`OK-${order.orderNumber}`], lines: order.lines },
      ]);
    // The packages SCAYLE took are done when their executions end: acknowledged, with no exception of their own.
    const healthy = await eventually(
      async () => {
        const runs = [...hub().stepFunctions.executions.values()].filter((e) =>
          up.some((o) => e.input.includes(`OK-${o.orderNumber}`)),
        );
        return runs.length === up.length && runs.every((e) => e.status !== 'RUNNING') ? runs : undefined;
      },
      120_000,
      'the despatch executions of the packages SCAYLE took ended',
    );
    expect(healthy.map((e) => e.status)).toEqual(up.map(() => 'SUCCEEDED'));
    expect((await exceptions.list({ type: 'FULFILMENT_UNACKED' })).map((e) => e.details.orderNumber).sort()).toEqual(
      down.map((o) => o.orderNumber).sort(),
    );
  }, 600_000);
});
