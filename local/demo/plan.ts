/**
 * The script of the trading day, drawn from a seed: which SCAYLE orders come in (and how often their webhooks
 * repeat), which are cancelled and when, which SKUs OrderWise changes and in what order the exports arrive, which
 * Amazon orders come in (one notification lost, one repeated, one for a SellerSKU SCAYLE does not know, one due to
 * ship within hours), which couriers carry the parcels. The same seed and order count give the same day.
 */
import {
  DEMO_CATALOGUE,
  DEMO_PRODUCT_GAPS,
  type DemoVariant,
  LEGACY_AMAZON_SKUS,
  productKeyOf,
} from '../simulators/catalogue';

/** Couriers OrderWise names that the carrier table knows, with the Amazon carrier code each must become. */
export const KNOWN_COURIERS: Readonly<Record<string, string>> = {
  'Royal Mail Tracked 24': 'Royal Mail',
  Evri: 'Hermes UK',
  DPD: 'DPD',
  Yodel: 'Yodel',
};
/** A courier the carrier table does not know: its confirmation goes to Amazon as `Other` with its name. */
export const UNKNOWN_COURIER = 'Pigeon Post';

const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';

/** A small, fast, seedable generator (mulberry32): the same seed gives the same sequence on every machine. */
const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (below: number): number => Math.floor(next() * below);
  return {
    next,
    int,
    chance: (p: number): boolean => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    shuffle: <T>(items: readonly T[]): T[] => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy;
    },
  };
};

/** A SCAYLE shop order of the day, with how many times SCAYLE delivers its `order-confirmed`. */
export interface WebOrderPlan {
  readonly items: readonly { readonly sku: string; readonly quantity: number; readonly discountMinor: number }[];
  readonly countryCode: 'DE' | 'GB';
  readonly shippingMinor: number;
  readonly vouchers: readonly { readonly key: string; readonly amountMinor: number }[];
  readonly deliveries: number;
  /** Whether the warehouse despatches it today (about half the orders), by which courier, in two parcels or one. */
  readonly despatched: boolean;
  readonly courier: string;
  readonly twoParts: boolean;
}

/** One SKU whose free stock OrderWise changes three times; the exports reach the hub shuffled and repeated. */
export interface StockPlan {
  readonly sku: string;
  readonly variantCode: string;
  readonly variantId: number;
  readonly sellerSku: string;
  /** Ascending figures (goods in), oldest first, each with its change time in seconds before the day starts. */
  readonly changes: readonly { readonly quantity: number; readonly secondsBefore: number }[];
}

/** What an Amazon order is there to show. */
export type AmazonRole = 'regular' | 'lost-notification' | 'repeated-notification' | 'ghost' | 'late-shipment';

/** An Amazon order of the day. */
export interface AmazonOrderPlan {
  readonly role: AmazonRole;
  readonly marketplaceId: string;
  readonly items: readonly {
    readonly sellerSku: string;
    readonly quantity: number;
    readonly promotionDiscount?: string;
  }[];
  readonly shippingPrice?: string;
  readonly courier: string;
}

/** The whole day. */
export interface DayPlan {
  readonly seed: number;
  readonly orders: number;
  readonly webOrders: readonly WebOrderPlan[];
  /** A SKU with no OrderWise stock code: its order must be flagged for ecommerce, never posted. */
  readonly unmappedSku: string;
  /** Indexes into `webOrders`: cancelled before picking, cancelled after picking started, amended in OrderWise. */
  readonly cancelInTime: number;
  readonly cancelTooLate: number;
  readonly amendedInOrderwise: number;
  readonly cancelSpellings: readonly ['order-cancelled' | 'order-canceled', 'order-cancelled' | 'order-canceled'];
  readonly stock: readonly StockPlan[];
  /** Export deliveries: each a list of (index into `stock`, index into its `changes`). */
  readonly exports: readonly (readonly (readonly [number, number])[])[];
  /** A price typed into SCAYLE for the first stock SKU, in euro (Amazon DE's currency). */
  readonly priceChange: { readonly sku: string; readonly sellerSku: string; readonly priceMinor: number };
  readonly amazonOrders: readonly AmazonOrderPlan[];
  readonly settlementId: string;
  /** SCAYLE products whose care instructions ecommerce rewrites, and the one whose care instructions are deleted. */
  readonly catalogue: { readonly rewritten: readonly string[]; readonly blocked: string };
}

/** Products Amazon cannot list as they are: a variant without an OrderWise stock code, or a missing attribute. */
export const UNLISTABLE_PRODUCTS: ReadonlySet<string> = new Set(
  DEMO_CATALOGUE.filter(
    (v) => v.amazon && (!v.orderwise || DEMO_PRODUCT_GAPS.some((g) => g.productKey === productKeyOf(v.sku))),
  ).map((v) => productKeyOf(v.sku)),
);

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * Draws the day from `seed` for `orders` SCAYLE shop orders (at least 3: one is cancelled in time, one too late,
 * one amended in OrderWise), plus one for a SKU OrderWise does not stock. Amazon orders, restocked SKUs and
 * changed products scale with it. The SKUs of the stock changes are kept apart from every order's and product
 * change's, so their expected figures depend on nothing else that happens that day.
 */
export const planDay = ({ seed, orders }: { seed: number; orders: number }): DayPlan => {
  if (!Number.isInteger(orders) || orders < 3 || orders > 2_000)
    throw new RangeError(`orders must be a whole number from 3 to 2000, not ${orders}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be a whole number, not ${seed}`);
  const random = seededRandom(seed);
  const stocked = random.shuffle(DEMO_CATALOGUE.filter((v) => v.orderwise));

  const stockCount = clamp(Math.ceil(orders / 10), 3, 12);
  const stockVariants = stocked
    .filter((v) => v.amazon && !UNLISTABLE_PRODUCTS.has(productKeyOf(v.sku)))
    .slice(0, stockCount);
  const taken = new Set(stockVariants.map((v) => v.sku));
  const webPool = stocked.filter((v) => !taken.has(v.sku));
  const amazonPool = webPool.filter((v) => v.amazon);
  const couriers = Object.keys(KNOWN_COURIERS);

  const webOrders = Array.from({ length: orders }, (): WebOrderPlan => {
    const lines = 1 + random.int(3);
    const items = random
      .shuffle(webPool)
      .slice(0, lines)
      .map((v) => ({ sku: v.sku, quantity: 1 + random.int(3), discountMinor: random.chance(0.25) ? 300 : 0 }));
    return {
      items,
      countryCode: random.chance(0.2) ? 'GB' : 'DE',
      shippingMinor: random.chance(0.5) ? 495 : 0,
      vouchers: random.chance(0.15) ? [{ key: 'WELCOME5', amountMinor: 500 }] : [],
      // SCAYLE retries a webhook it thinks failed: about half the orders arrive more than once.
      deliveries: random.pick([1, 1, 1, 2, 2, 3]),
      despatched: random.chance(0.5),
      courier: random.pick(couriers),
      twoParts: lines > 1 && random.chance(0.35),
    };
  });
  const [cancelInTime, cancelTooLate, amendedInOrderwise] = random.shuffle(webOrders.map((_, i) => i)) as [
    number,
    number,
    number,
  ];
  const spelling = () => random.pick(['order-cancelled', 'order-canceled'] as const);

  const stock = stockVariants.map((v): StockPlan => {
    const first = v.initialStock + 2 + random.int(5);
    const second = first + 1 + random.int(6);
    const third = second + 1 + random.int(8);
    return {
      sku: v.sku,
      variantCode: v.orderwise?.variantCode as string,
      variantId: v.orderwise?.variantId as number,
      sellerSku: v.amazon?.sellerSku as string,
      changes: [
        { quantity: first, secondsBefore: 180 },
        { quantity: second, secondsBefore: 120 },
        { quantity: third, secondsBefore: 60 },
      ],
    };
  });
  const rows = stock.flatMap((s, i) => s.changes.map((_, k) => [i, k] as const));
  // Every row once, a third of them again (OrderWise resends after a timeout), in any order.
  const deliveries = random.shuffle([...rows, ...rows.filter(() => random.chance(0.33))]);
  const exports: (readonly [number, number])[][] = [];
  for (let i = 0; i < deliveries.length; ) {
    const size = 1 + random.int(3);
    exports.push(deliveries.slice(i, i + size));
    i += size;
  }
  const priced = stockVariants[0] as DemoVariant;
  const stockProducts = new Set(stockVariants.map((v) => productKeyOf(v.sku)));
  const [blockedProduct, ...rewritten] = random.shuffle(
    [...new Set(DEMO_CATALOGUE.map((v) => productKeyOf(v.sku)))].filter(
      (p) => !UNLISTABLE_PRODUCTS.has(p) && !stockProducts.has(p),
    ),
  );

  const amazonItems = () =>
    random
      .shuffle(amazonPool)
      .slice(0, 1 + (random.chance(0.3) ? 1 : 0))
      .map((v, i) => ({
        sellerSku: v.amazon?.sellerSku as string,
        quantity: 1 + random.int(2),
        ...(i === 0 && random.chance(0.2) ? { promotionDiscount: '1.50' } : {}),
      }));
  const amazonOrder = (role: AmazonRole, marketplaceId = random.chance(0.5) ? DE : UK): AmazonOrderPlan => ({
    role,
    marketplaceId,
    items: amazonItems(),
    ...(random.chance(0.3) ? { shippingPrice: '3.99' } : {}),
    courier: random.pick(couriers),
  });
  const regular = clamp(Math.ceil(orders / 5), 1, 40);
  const amazonOrders: AmazonOrderPlan[] = [
    amazonOrder('lost-notification', DE),
    amazonOrder('repeated-notification', UK),
    ...Array.from({ length: regular }, () => amazonOrder('regular')),
    amazonOrder('late-shipment', DE),
    {
      role: 'ghost',
      marketplaceId: UK,
      items: [{ sellerSku: random.pick(LEGACY_AMAZON_SKUS), quantity: 1 }],
      courier: random.pick(couriers),
    },
  ];
  // One parcel of an Amazon order goes with a courier the carrier table does not know.
  const unknownCarrier = random.int(amazonOrders.length - 1);
  return {
    seed,
    orders,
    webOrders,
    unmappedSku: random.pick(DEMO_CATALOGUE.filter((v) => !v.orderwise)).sku,
    cancelInTime,
    cancelTooLate,
    amendedInOrderwise,
    cancelSpellings: [spelling(), spelling()],
    stock,
    exports,
    priceChange: {
      sku: priced.sku,
      sellerSku: priced.amazon?.sellerSku as string,
      priceMinor: priced.priceMinor + 100 * (1 + random.int(9)),
    },
    amazonOrders: amazonOrders.map((o, i) => (i === unknownCarrier ? { ...o, courier: UNKNOWN_COURIER } : o)),
    settlementId: String(20_000_000_000 + random.int(9_999_999_999)),
    catalogue: {
      rewritten: rewritten.slice(0, clamp(Math.ceil(orders / 15), 2, 6)),
      blocked: blockedProduct as string,
    },
  };
};
