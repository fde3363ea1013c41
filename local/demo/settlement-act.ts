/**
 * Loop 9: Amazon settles the day's euro orders in a V2 flat file (as Amazon.de writes them: German dates, comma
 * decimals, gzipped); the fetcher (invoked as its schedule would) stores it, the S3 put runs the parser, and the
 * settlement must become one balanced journal, posted once and announced once.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { SettlementJournalJson } from '../../shared/domain/settlement/journal';
import { V2_SETTLEMENT_COLUMNS as COLUMNS } from '../simulators/amazon/facts';
import type { PlacedAmazonOrder } from './amazon-act';
import { type DayContext, invokeJob } from './context';
import { plural, waitUntil } from './day-log';

const DE = 'A1PA6795UKMFR9';

/** The journal of the day's settlement, for the report: amounts in minor units. */
export interface DemoJournal {
  readonly settlementId: string;
  readonly currency: string;
  readonly depositAccount: string;
  readonly totalAmount: number;
  readonly balanced: boolean;
  readonly lines: readonly { readonly account: string; readonly description: string; readonly amount: number }[];
}

const minorOf = (decimal: string): number => Math.round(Number(decimal) * 100);
/** `1234` -> `12,34`, as Amazon.de writes amounts. */
const germanAmount = (minor: number): string =>
  `${minor < 0 ? '-' : ''}${Math.floor(Math.abs(minor) / 100)},${String(Math.abs(minor) % 100).padStart(2, '0')}`;
/** `07.12.2026` and `07.12.2026 20:43:19 UTC`. */
const germanDate = (at: number): [string, string] => {
  const iso = new Date(at).toISOString();
  const day = `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
  return [day, `${day} ${iso.slice(11, 19)} UTC`];
};

/**
 * A V2 settlement file of the orders given, in euro: per item its price (net and VAT at 19%), shipping, promotion
 * and a 15% referral fee, plus the period's advertising; the summary row's total is what the rows add up to.
 */
const settlementFile = (
  settlementId: string,
  orders: readonly PlacedAmazonOrder[],
  at: number,
): { content: string; totalMinor: number; rows: number } => {
  const detail: Record<(typeof COLUMNS)[number], string>[] = [];
  const [postedDate, postedDateTime] = germanDate(at);
  const row = (
    order: PlacedAmazonOrder['order'] | undefined,
    item: PlacedAmazonOrder['order']['items'][number] | undefined,
    transactionType: string,
    amountType: string,
    amountDescription: string,
    amount: number,
  ) => {
    if (amount === 0) return;
    detail.push({
      ...(Object.fromEntries(COLUMNS.map((c) => [c, ''])) as Record<(typeof COLUMNS)[number], string>),
      'settlement-id': settlementId,
      'transaction-type': transactionType,
      'order-id': order?.amazonOrderId ?? '',
      'merchant-order-id': order?.amazonOrderId ?? '',
      'marketplace-name': 'Amazon.de',
      'amount-type': amountType,
      'amount-description': amountDescription,
      amount: germanAmount(amount),
      'fulfillment-id': order ? 'MFN' : '',
      'posted-date': postedDate,
      'posted-date-time': postedDateTime,
      'order-item-code': item?.orderItemId ?? '',
      sku: item?.sellerSku ?? '',
      'quantity-purchased': item ? String(item.quantity) : '',
    });
  };
  for (const { order } of orders) {
    for (const item of order.items) {
      const gross = minorOf(item.unitPrice) * item.quantity;
      const vat = Math.round((gross * 19) / 119);
      row(order, item, 'Order', 'ItemPrice', 'Principal', gross - vat);
      row(order, item, 'Order', 'ItemPrice', 'Tax', vat);
      const shipping = minorOf(item.shippingPrice);
      const shippingVat = Math.round((shipping * 19) / 119);
      row(order, item, 'Order', 'ItemPrice', 'Shipping', shipping - shippingVat);
      row(order, item, 'Order', 'ItemPrice', 'ShippingTax', shippingVat);
      const promotion = minorOf(item.promotionDiscount);
      row(order, item, 'Order', 'Promotion', 'Principal', -promotion);
      row(order, item, 'Order', 'ItemFees', 'Commission', -Math.round((gross - promotion) * 0.15));
    }
  }
  row(undefined, undefined, 'ServiceFee', 'Cost of Advertising', 'TransactionTotalAmount', -1250);
  const totalMinor = detail.reduce((sum, r) => sum + minorOf(r.amount.replace(',', '.')), 0);
  const [, start] = germanDate(at - 14 * 86_400_000);
  const [, end] = germanDate(at);
  const [, deposit] = germanDate(at + 2 * 86_400_000);
  const summary = [
    settlementId,
    start,
    end,
    deposit,
    germanAmount(totalMinor),
    'EUR',
    ...COLUMNS.slice(6).map(() => ''),
  ];
  const lines = [COLUMNS.join('\t'), summary.join('\t'), ...detail.map((r) => COLUMNS.map((c) => r[c]).join('\t'))];
  return { content: `${lines.join('\n')}\n`, totalMinor, rows: detail.length };
};

export const runSettlementAct = async (
  ctx: DayContext,
  placed: readonly PlacedAmazonOrder[],
): Promise<DemoJournal | undefined> => {
  const { hub, plan, log } = ctx;
  const { simulators, engines, bucket, settlements, events } = hub;
  const id = plan.settlementId;
  const euro = placed.filter((p) => p.plan.marketplaceId === DE && p.plan.role !== 'ghost');
  const file = settlementFile(id, euro, Date.now());
  const addedAt = Date.now();
  const { reportId } = simulators.amazon.addReport({
    content: file.content,
    gzip: true,
    charset: 'UTF-8',
    marketplaceIds: [DE],
  });
  log.event(
    9,
    `settlement report ${reportId} (settlement ${id}, ${plural(file.rows, 'row')}) ready at Amazon`,
    addedAt,
  );
  const fetched = await invokeJob<{ fetched: string[] }>(hub, 'SettlementsSettlementFetch', {
    source: 'aws.events',
    'detail-type': 'Scheduled Event',
    detail: {},
  });
  if ('error' in fetched) log.event(9, `settlement fetch failed: ${fetched.error}`, Date.now(), 0);
  else log.effect(9, `fetched ${fetched.fetched.join(', ')} into settlements/incoming/`, Date.now(), 0);

  const record = await waitUntil(async () => {
    const r = await settlements.get(id);
    return r?.status === 'posted' && r.journalKey ? r : undefined;
  }, ctx.deadline);
  const read = async (key: string) =>
    (await (await engines.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString()) ?? '';
  const json = record?.journalKey
    ? (JSON.parse(await read(record.journalKey).catch(() => '{}')) as Partial<SettlementJournalJson>)
    : undefined;
  const journal: DemoJournal | undefined =
    json?.lines && json.totalAmount !== undefined
      ? {
          settlementId: id,
          currency: String(json.currency),
          depositAccount: String(json.depositAccount),
          totalAmount: minorOf(json.totalAmount),
          balanced: json.balanced === true,
          lines: json.lines.map((l) => ({ account: l.account, description: l.description, amount: minorOf(l.amount) })),
        }
      : undefined;
  if (record) {
    log.effect(
      9,
      `journal ${record.journalKey} posted (${plural(journal?.lines.length ?? 0, 'line')})`,
      record.updatedAt,
    );
    log.latency(9, addedAt, record.updatedAt);
  }
  const announced = await waitUntil(
    () => {
      const found = events.filter(
        (e) =>
          e.detailType === 'SettlementJournalCreated' && (e.detail as { settlementId?: string }).settlementId === id,
      );
      return found.length > 0 ? found : undefined;
    },
    Math.min(ctx.deadline, Date.now() + 5_000),
  );
  for (const e of announced ?? []) log.effect(9, `SettlementJournalCreated ${id} on the event bus`, e.time);
  const { Contents = [] } = await engines.s3.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: `settlements/journals/${id}` }),
  );
  const sum = journal?.lines.reduce((s, l) => s + l.amount, 0);
  log.check(
    9,
    'the settlement report became one balanced journal, posted once and announced once',
    journal?.balanced === true &&
      sum === journal.totalAmount &&
      journal.totalAmount === file.totalMinor &&
      Contents.length === 2 &&
      announced?.length === 1,
    journal
      ? `settlement ${id}: ${plural(file.rows, 'row')} -> ${plural(journal.lines.length, 'journal line')} summing to ${(
          (sum ?? 0) / 100
        ).toFixed(2)} ${journal.currency}, total-amount ${(file.totalMinor / 100).toFixed(2)}, ${plural(
          Contents.length,
          'journal file',
        )}, ${plural(announced?.length ?? 0, 'event')}`
      : `settlement ${id}: no journal (${record ? record.status : 'not recorded'})`,
  );
  return journal;
};
