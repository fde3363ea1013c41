/**
 * Loops 3 and 5: OrderWise takes goods in on a few SKUs, three changes each; its HTTP exports reach the hub
 * shuffled, some twice, so older figures arrive after newer ones. SCAYLE must end with the newest figure less the
 * buffer, stamped with its change time, and Amazon with SCAYLE's figure less the Amazon buffer. A price typed into
 * SCAYLE must reach the Amazon offer in euro.
 */
import { buildStockExport, type StockExportRow } from '../../shared/adapters/orderwise/export-format';
import { LOCAL_ORDERWISE_EXPORT_CREDENTIALS } from '../hub/hub';
import type { DayContext } from './context';
import { listOf, plural, waitUntil } from './day-log';
import type { StockPlan } from './plan';

const DE = 'A1PA6795UKMFR9';
const authorization = `Basic ${Buffer.from(
  `${LOCAL_ORDERWISE_EXPORT_CREDENTIALS.username}:${LOCAL_ORDERWISE_EXPORT_CREDENTIALS.password}`,
).toString('base64')}`;

export const runStockAct = async (ctx: DayContext): Promise<void> => {
  const { hub, plan, log } = ctx;
  const { simulators, config, urls } = hub;
  const warehouse = config.scayle.warehouseReferenceKey;
  // Each change a few milliseconds apart as well, so no two rows of a SKU share a change time.
  const changedAt = (s: StockPlan, k: number) =>
    new Date(log.startedAt - (s.changes[k]?.secondsBefore ?? 0) * 1000 + k * 7).toISOString();
  const newest = (s: StockPlan) => s.changes.length - 1;
  const rowOf = (s: StockPlan, k: number): StockExportRow => ({
    variantId: s.variantId,
    variantCode: s.variantCode,
    freeStock: s.changes[k]?.quantity ?? 0,
    priceIncVat: '0.00',
    discontinued: false,
    changedAt: changedAt(s, k),
  });

  // OrderWise's truth after the three changes; the exports carry their history.
  await simulators.orderwise.changeStock(
    plan.stock.map((s) => ({
      variantCode: s.variantCode,
      quantity: s.changes[newest(s)]?.quantity ?? 0,
      changedAt: changedAt(s, newest(s)),
    })),
    false,
  );
  const newestSentAt = new Map<string, number>();
  let staleAfterNewer = 0;
  let rows = 0;
  for (const delivery of plan.exports) {
    const at = Date.now();
    const response = await fetch(`${urls.api}/webhooks/orderwise/stock`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
      body: new URLSearchParams({
        ExportData: buildStockExport(delivery.map(([i, k]) => rowOf(plan.stock[i] as StockPlan, k))),
      }).toString(),
    }).catch(() => undefined);
    const texts = delivery.map(([i, k]) => {
      const s = plan.stock[i] as StockPlan;
      if (k === newest(s) && !newestSentAt.has(s.sku)) newestSentAt.set(s.sku, at);
      else if (k !== newest(s) && newestSentAt.has(s.sku)) staleAfterNewer++;
      return `${s.variantCode} ${s.changes[k]?.quantity} @${changedAt(s, k).slice(11, 19)}`;
    });
    rows += delivery.length;
    log.event(3, `stock export (${response?.status ?? 'no answer'}): ${texts.join(', ')}`, at, delivery.length);
  }
  const priceAt = Date.now();
  await simulators.scayle.changePrices([
    { sku: plan.priceChange.sku, currencyCode: 'EUR', price: plan.priceChange.priceMinor },
  ]);
  log.event(
    5,
    `SCAYLE price of ${plan.priceChange.sku} set to EUR ${(plan.priceChange.priceMinor / 100).toFixed(2)}`,
    priceAt,
  );

  const expectedScayle = (s: StockPlan) =>
    Math.max(0, (s.changes[newest(s)]?.quantity ?? 0) - (config.stock.skuBuffers[s.sku] ?? config.stock.defaultBuffer));
  const scayleHeld = (s: StockPlan) => simulators.scayle.stockOf(s.sku)[warehouse];
  const scayleRight = (s: StockPlan) => {
    const held = scayleHeld(s);
    return held?.quantity === expectedScayle(s) && Date.parse(held.changedAt) === Date.parse(changedAt(s, newest(s)));
  };
  await waitUntil(() => (plan.stock.every(scayleRight) ? true : undefined), ctx.deadline);
  for (const s of plan.stock) {
    for (const write of simulators.scayle.stockHistory(s.sku)) {
      log.effect(3, `SCAYLE ${s.sku} = ${write.quantity} (changed ${write.changedAt.slice(11, 19)})`, write.at);
      log.event(5, `SCAYLE figure of ${s.sku} changed to ${write.quantity}`, write.at);
    }
    log.latency(3, newestSentAt.get(s.sku), simulators.scayle.stockHistory(s.sku).at(-1)?.at);
  }
  const wrongInScayle = plan.stock
    .filter((s) => !scayleRight(s))
    .map((s) => `${s.sku} ${scayleHeld(s)?.quantity ?? 'nothing'} (expected ${expectedScayle(s)})`);
  const repeats = plan.exports.flat().length - plan.stock.length * 3;
  log.check(
    3,
    "SCAYLE holds OrderWise's newest figure less the buffer, with its change time, for every SKU changed out of order",
    wrongInScayle.length === 0,
    wrongInScayle.length > 0
      ? listOf(wrongInScayle)
      : `${plural(plan.stock.length, 'SKU')} from ${plural(rows, 'row')} in ${plural(plan.exports.length, 'export')} (${repeats} repeated, ${staleAfterNewer} older after newer): ${listOf(
          plan.stock.map((s) => `${s.sku}=${expectedScayle(s)}`),
          4,
        )}`,
  );

  // Amazon: what SCAYLE sells, less the Amazon buffer, in every marketplace; the new price on the euro offer.
  const marketplaces = config.amazon.marketplaceIds;
  const expectedAmazon = (s: StockPlan) => Math.max(0, expectedScayle(s) - config.stock.amazonBuffer);
  const offer = (sellerSku: string, m: string) => simulators.amazon.listing(sellerSku)?.marketplaces[m];
  const amazonRight = (s: StockPlan) =>
    marketplaces.every((m) => offer(s.sellerSku, m)?.quantity === expectedAmazon(s));
  const priceRight = () => offer(plan.priceChange.sellerSku, DE)?.priceMinor === plan.priceChange.priceMinor;
  await waitUntil(() => (plan.stock.every(amazonRight) && priceRight() ? true : undefined), ctx.deadline);
  for (const s of plan.stock) {
    const scayleAt = simulators.scayle.stockHistory(s.sku).at(-1)?.at;
    for (const m of marketplaces) {
      const o = offer(s.sellerSku, m);
      if (!o || o.quantity !== expectedAmazon(s)) continue;
      log.effect(
        5,
        `Amazon ${m} ${s.sellerSku}: quantity ${o.quantity}${o.priceMinor ? `, price ${o.priceMinor}` : ''}`,
        o.updatedAt,
      );
      const from =
        s.sku === plan.priceChange.sku && m === DE ? Math.max(priceAt, Date.parse(scayleAt ?? '0')) : scayleAt;
      log.latency(5, from, o.updatedAt);
    }
  }
  const wrongOnAmazon = plan.stock.flatMap((s) =>
    marketplaces
      .filter((m) => offer(s.sellerSku, m)?.quantity !== expectedAmazon(s))
      .map(
        (m) => `${s.sellerSku}@${m} ${offer(s.sellerSku, m)?.quantity ?? 'nothing'} (expected ${expectedAmazon(s)})`,
      ),
  );
  log.check(
    5,
    "Amazon offers SCAYLE's figure less the Amazon buffer for every changed SKU, in both marketplaces",
    wrongOnAmazon.length === 0,
    wrongOnAmazon.length > 0
      ? listOf(wrongOnAmazon)
      : `${plural(plan.stock.length * marketplaces.length, 'offer')}: ${listOf(
          plan.stock.map((s) => `${s.sellerSku}=${expectedAmazon(s)}`),
          4,
        )}`,
  );
  const priced = offer(plan.priceChange.sellerSku, DE);
  log.check(
    5,
    'a price typed into SCAYLE reaches the Amazon DE offer',
    priceRight(),
    `${plan.priceChange.sellerSku}@${DE}: ${priced?.priceMinor ?? 'no offer'} (SCAYLE ${plan.priceChange.priceMinor})`,
  );
};
