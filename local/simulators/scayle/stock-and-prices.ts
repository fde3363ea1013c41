/**
 * Variant stock and prices [V reference §1.5, §1.6; SDK `ProductVariantStock`, `ProductVariantPrice`; fixtures
 * ProductVariantStockCreateRequest/ProductVariantStockAllResponse/ProductVariantPriceAllResponse]: absolute stock per
 * warehouse with `changedAt`, bulk stock requests, prices with their validity, and the changes made in SCAYLE itself
 * that announce themselves with `product-variant-stock-updated` / `product-variant-prices-updated`.
 */
import { z } from 'zod';
import { DEMO_CATALOGUE } from '../catalogue';
import { type ApiContext, controlInvalid, describe, invalid, notFound, param, readJson, timestamp } from './api';
import type { ShopCountry } from './shops';
import type { VariantDirectory } from './variants';
import type { WebhookSender } from './webhooks';

const minor = z.number().int().min(0);
const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');
const isoTime = z.iso.datetime({ offset: true });

/** Body of `POST /variants/{variantIdentifier}/stocks` [V SDK `ProductVariantStock`]. */
const stockBodySchema = z.object({
  quantity: z.number().int().min(0),
  warehouseReferenceKey: z.string().min(1),
  changedAt: isoTime,
  sellableWithoutStock: z.boolean().optional(),
  merchantReferenceKey: z.string().min(1).nullish(),
  /** A date (fixture `2020-07-24`) or a time. */
  expectedAvailabilityAt: z.union([z.iso.date(), isoTime]).nullish(),
});

/** The stock of one variant in one warehouse, as `GET /variants/{id}/stocks` lists it. */
export interface StockEntity {
  readonly quantity: number;
  readonly warehouseReferenceKey: string;
  readonly changedAt: string;
  readonly sellableWithoutStock: boolean;
  readonly merchantReferenceKey: string | null;
  readonly expectedAvailabilityAt: string | null;
}

/**
 * One accepted stock write, for tests: through `POST /variants/{id}/stocks` (`single`), a bulk request (`bulk`) or a
 * change made in SCAYLE itself with `POST /_sim/stock` (`panel`); `at` is when the simulator took it.
 */
export interface StockWrite {
  readonly warehouseReferenceKey: string;
  readonly quantity: number;
  readonly changedAt: string;
  readonly via: 'single' | 'bulk' | 'panel';
  readonly at: string;
}

/**
 * Body of `POST /variants/stocks/bulk-requests` [V reference §1.1, SDK fixture
 * ProductVariantStockCreateBulkRequestRequest.json]; [A] 1..1000 operations with distinct keys, each checked on its
 * own so one bad operation fails alone. The callbacks are accepted and never called: the simulator completes a bulk
 * request before it answers.
 */
const bulkStocksSchema = z.object({
  callbacks: z
    .object({ requestUrl: z.url().optional(), operationUrl: z.url().optional(), requestStatus: z.string().optional() })
    .optional(),
  operations: z
    .array(
      z.object({
        key: z.string().min(1).max(255),
        url: z.string(),
        method: z.string(),
        headers: z.record(z.string(), z.string()).optional(),
        body: z.unknown(),
      }),
    )
    .min(1)
    .max(1000)
    .superRefine((operations, context) => {
      const seen = new Set<string>();
      for (const [index, operation] of operations.entries()) {
        if (seen.has(operation.key))
          context.addIssue({ code: 'custom', path: [index, 'key'], message: `duplicate key ${operation.key}` });
        seen.add(operation.key);
      }
    }),
});

/** The url of a stock operation in a bulk request, relative to the Admin API base [V fixture `/variants/123/stocks`]. */
const BULK_STOCK_URL = /^\/variants\/([^/?#]+)\/stocks$/;

/**
 * A bulk request as the simulator answers it. [A] `id`, `status` and `operations`; `key` (the same number) and
 * `progress` as in SCAYLE's bulk request status [V SDK fixture BulkRequestStatusGetResponse.json].
 */
export interface BulkRequestResult {
  readonly id: number;
  readonly key: number;
  readonly status: 'completed';
  readonly progress: { totalOperations: number; processedOperations: number; failedOperations: number };
  readonly operations: readonly { key: string; status: 'succeeded' | 'failed'; message?: string }[];
}

/** Body of `POST /variants/{variantIdentifier}/prices` [V reference §1.6, SDK `ProductVariantPrice`]. */
const priceBodySchema = z.object({
  price: minor,
  oldPrice: minor.nullish(),
  recommendedRetailPrice: minor.nullish(),
  buyingPrice: minor.nullish(),
  /** VAT in percent here (`19`) [V fixture], unlike order prices. */
  tax: z.number().min(0).max(100).nullish(),
  countryCode: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as DE')
    .nullish(),
  currencyCode,
  groupKey: z.string().min(1).nullish(),
  promotionKey: z.string().min(1).nullish(),
  unitPrice: z.object({ unit: z.string().min(1), amount: z.number().positive(), price: minor }).nullish(),
  validFrom: isoTime.nullish(),
  validTo: isoTime.nullish(),
  merchantReferenceKey: z.string().min(1).nullish(),
});

/** A stored variant price as `GET /variants/{id}/prices` lists it; fields not given are null. */
export interface VariantPrice {
  readonly key: string;
  readonly price: number;
  readonly oldPrice: number | null;
  readonly recommendedRetailPrice: number | null;
  readonly buyingPrice: number | null;
  readonly tax: number | null;
  readonly countryCode: string | null;
  readonly currencyCode: string;
  readonly groupKey: string | null;
  readonly promotionKey: string | null;
  readonly unitPrice: { unit: string; amount: number; price: number } | null;
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly merchantReferenceKey: string | null;
}

/** When the seeded prices became valid: any fixed time in the past. */
const SEEDED_PRICES_VALID_FROM = '2025-01-01T00:00:00+00:00';

const knownSku = (variants: VariantDirectory) =>
  z.string().refine((sku) => variants.byKey(sku) !== undefined, 'unknown SKU: not in SCAYLE');

/** Body of `POST /_sim/stock`: stock changed in SCAYLE itself (Panel, another integration). */
const simStockSchema = (variants: VariantDirectory, defaultWarehouse: string) =>
  z.object({
    changes: z
      .array(
        z.object({
          sku: knownSku(variants),
          quantity: z.number().int().min(0),
          warehouseReferenceKey: z.string().min(1).default(defaultWarehouse),
        }),
      )
      .min(1),
  });

/** Body of `POST /_sim/prices`: a currency's current price changed in SCAYLE itself. */
const simPricesSchema = (variants: VariantDirectory) =>
  z.object({ changes: z.array(z.object({ sku: knownSku(variants), currencyCode, price: minor })).min(1) });

/** One stock change made in SCAYLE itself; without a warehouse it goes to the default one. */
export type SimStockChange = z.input<ReturnType<typeof simStockSchema>>['changes'][number];
/** One price change made in SCAYLE itself. */
export type SimPriceChange = z.input<ReturnType<typeof simPricesSchema>>['changes'][number];

/** What stock and prices need of the rest of the simulator. */
export interface StockAndPricesDeps extends ApiContext {
  readonly variants: VariantDirectory;
  readonly webhooks: WebhookSender;
  /** Where a change made in SCAYLE puts stock when it names no warehouse. */
  readonly warehouseReferenceKey: string;
}

/** Stock and prices of the simulator's variants, their Admin API routes and their changes made in SCAYLE. */
export class StockAndPrices {
  #stocks = new Map<string, Map<string, StockEntity>>();
  #history = new Map<string, StockWrite[]>();
  #writes = 0;
  #bulk = new Map<number, BulkRequestResult>();
  #nextBulkId = 1;
  #prices = new Map<string, VariantPrice[]>();
  #nextPriceKey = 1;
  /** Warehouse ids by reference key: the default one is 1, others are numbered as they first appear [A]. */
  readonly #warehouseIds = new Map<string, number>();

  /** Body of `POST /_sim/stock`. */
  readonly simStockSchema: ReturnType<typeof simStockSchema>;
  /** Body of `POST /_sim/prices`. */
  readonly simPricesSchema: ReturnType<typeof simPricesSchema>;

  constructor(private readonly deps: StockAndPricesDeps) {
    this.simStockSchema = simStockSchema(deps.variants, deps.warehouseReferenceKey);
    this.simPricesSchema = simPricesSchema(deps.variants);
    this.reset();
  }

  reset(): void {
    this.#stocks = new Map();
    this.#history = new Map();
    this.#writes = 0;
    this.#bulk = new Map();
    this.#nextBulkId = 1;
    this.#nextPriceKey = 1;
    this.#prices = this.#seedPrices();
    this.#warehouseIds.clear();
    this.#warehouseIds.set(this.deps.warehouseReferenceKey, 1);
  }

  /** Stock of a SKU per warehouse: `{[warehouseReferenceKey]: {quantity, changedAt}}`. */
  stockOf(sku: string): Record<string, { quantity: number; changedAt: string }> {
    return Object.fromEntries(
      [...(this.#stocks.get(sku) ?? new Map<string, StockEntity>())].map(([warehouse, s]) => [
        warehouse,
        { quantity: s.quantity, changedAt: s.changedAt },
      ]),
    );
  }

  /** Every SKU's stock, for `GET /_sim/state`. */
  allStock(): Record<string, Record<string, { quantity: number; changedAt: string }>> {
    return Object.fromEntries([...this.#stocks.keys()].map((sku) => [sku, this.stockOf(sku)]));
  }

  /** How many stock writes were taken (a stock run makes thousands; `historyOf` has the detail). */
  get writes(): number {
    return this.#writes;
  }

  /** Every accepted stock write of a SKU, oldest first. */
  historyOf(sku: string): readonly StockWrite[] {
    return [...(this.#history.get(sku) ?? [])];
  }

  /** The stored prices of a SKU, as `GET /variants/key={sku}/prices` lists them. */
  pricesOf(sku: string): readonly VariantPrice[] {
    return [...(this.#prices.get(sku) ?? [])];
  }

  /**
   * The price a shop country shows now: its currency, its country or none, no group, promotion or merchant, valid
   * now, the latest start; undefined when there is none.
   */
  currentPrice(sku: string, currency: string, countryCode?: string): VariantPrice | undefined {
    const now = Date.now();
    return (this.#prices.get(sku) ?? [])
      .filter(
        (p) =>
          p.currencyCode === currency &&
          (countryCode === undefined || p.countryCode === null || p.countryCode === countryCode) &&
          p.groupKey === null &&
          p.promotionKey === null &&
          p.merchantReferenceKey === null &&
          Date.parse(p.validFrom) <= now &&
          (p.validTo === null || Date.parse(p.validTo) > now),
      )
      .sort((a, b) => Date.parse(b.validFrom) - Date.parse(a.validFrom))[0];
  }

  /** The gross price of a unit in a shop country's orders. */
  orderPrice(sku: string, shopCountry: ShopCountry): number | undefined {
    return this.currentPrice(sku, shopCountry.facts.currencyCode, shopCountry.countryCode)?.price;
  }

  /**
   * Sets stock in SCAYLE itself, `changedAt` now, and delivers one `product-variant-stock-updated` per change
   * [V fixture payload].
   */
  async changeStock(input: readonly SimStockChange[]) {
    const { changes } = this.simStockSchema.parse({ changes: input });
    const changedAt = timestamp();
    const applied = changes.map((change) => {
      const entity = this.#store(
        change.sku,
        {
          quantity: change.quantity,
          warehouseReferenceKey: change.warehouseReferenceKey,
          changedAt,
        },
        'panel',
      );
      return { sku: change.sku, entity };
    });
    await Promise.all(
      applied.map(({ sku, entity }) => {
        const variant = this.deps.variants.byKey(sku);
        const payload = {
          productVariant: this.deps.variants.refOf(sku),
          product: variant?.product ?? { id: 0, referenceKey: sku },
          warehouse: {
            id: this.#warehouseId(entity.warehouseReferenceKey),
            referenceKey: entity.warehouseReferenceKey,
          },
          quantity: entity.quantity,
          sellableWithoutStock: entity.sellableWithoutStock,
          createdAt: entity.changedAt,
          merchantReferenceKey: entity.merchantReferenceKey,
          expectedAvailabilityAt: entity.expectedAvailabilityAt,
        };
        return this.deps.webhooks.deliver(
          this.deps.webhooks.message('product-variant-stock-updated', changedAt, payload),
          { sku },
        );
      }),
    );
    return applied.map(({ sku, entity }) => ({ ...this.deps.variants.refOf(sku), ...entity }));
  }

  /**
   * Replaces the current price of a currency in SCAYLE itself (adds one valid from now when the currency has none)
   * and delivers one `product-variant-prices-updated` per variant with all its prices [V fixture payload].
   */
  async changePrices(input: readonly SimPriceChange[]) {
    const { changes } = this.simPricesSchema.parse({ changes: input });
    const applied = changes.map((change) => {
      const current = this.currentPrice(change.sku, change.currencyCode);
      const price: VariantPrice = current
        ? { ...current, key: this.#priceKey(change.sku), price: change.price }
        : this.#storePrice(change.sku, { currencyCode: change.currencyCode, price: change.price });
      if (current)
        this.#prices.set(
          change.sku,
          (this.#prices.get(change.sku) ?? []).map((p) => (p === current ? price : p)),
        );
      return { ...this.deps.variants.refOf(change.sku), price };
    });
    const occurredAt = timestamp();
    await Promise.all(
      [...new Set(changes.map((c) => c.sku))].map((sku) => {
        const payload = {
          productVariant: this.deps.variants.refOf(sku),
          product: this.deps.variants.byKey(sku)?.product ?? { id: 0, referenceKey: sku },
          prices: this.pricesOf(sku),
          // [A] The simulator's tenant sells without merchants.
          merchantReferenceKey: null,
        };
        return this.deps.webhooks.deliver(
          this.deps.webhooks.message('product-variant-prices-updated', occurredAt, payload),
          { sku },
        );
      }),
    );
    return applied;
  }

  /** The Admin API routes of stock and prices, and the control routes of their changes made in SCAYLE. */
  register(): void {
    const { app, base, authed, variants } = this.deps;
    app.post(
      `${base}/variants/:variant/stocks`,
      authed('putStock', async (c) => {
        const written = this.#write(param(c, 'variant'), await readJson(c), 'single');
        return written.ok ? c.json(written.entity, 201) : invalid(c, written.message);
      }),
    );
    app.get(
      `${base}/variants/:variant/stocks`,
      authed('getStock', (c) => {
        const sku = variants.skuOf(param(c, 'variant')) ?? '';
        return c.json({ entities: [...(this.#stocks.get(sku) ?? new Map<string, StockEntity>()).values()] });
      }),
    );
    // Bulk stock updates: SCAYLE answers 202 and works through the operations later [A]; the simulator applies them
    // before it answers, so the answer is already the final status.
    app.post(
      `${base}/variants/stocks/bulk-requests`,
      authed('bulkStocks', async (c) => {
        const parsed = bulkStocksSchema.safeParse(await readJson(c));
        if (!parsed.success) return invalid(c, parsed.error);
        const operations = parsed.data.operations.map((operation) => {
          const variant = BULK_STOCK_URL.exec(operation.url)?.[1];
          const written =
            operation.method !== 'POST'
              ? { ok: false as const, message: `method: must be POST, got ${operation.method}` }
              : variant === undefined
                ? { ok: false as const, message: 'url: must be /variants/{variantIdentifier}/stocks' }
                : this.#write(variant, operation.body, 'bulk');
          return written.ok
            ? { key: operation.key, status: 'succeeded' as const }
            : { key: operation.key, status: 'failed' as const, message: written.message };
        });
        const id = this.#nextBulkId++;
        const failed = operations.filter((o) => o.status === 'failed').length;
        const result: BulkRequestResult = {
          id,
          key: id,
          status: 'completed',
          progress: {
            totalOperations: operations.length,
            processedOperations: operations.length,
            failedOperations: failed,
          },
          operations,
        };
        this.#bulk.set(id, result);
        return c.json(result, 202);
      }),
    );
    app.get(
      `${base}/variants/stocks/bulk-requests/:id`,
      authed('getBulkRequest', (c) => {
        const result = this.#bulk.get(Number(param(c, 'id')));
        return result ? c.json(result) : notFound(c, 'Bulk request not found');
      }),
    );
    app.post(
      `${base}/variants/:variant/prices`,
      authed('putPrice', async (c) => {
        const sku = variants.skuOf(param(c, 'variant'));
        if (sku === undefined) return notFound(c, 'Variant not found');
        const parsed = priceBodySchema.safeParse(await readJson(c));
        if (!parsed.success) return invalid(c, parsed.error);
        return c.json(this.#storePrice(sku, parsed.data), 201);
      }),
    );
    app.get(
      `${base}/variants/:variant/prices`,
      authed('getPrices', (c) => c.json({ entities: this.pricesOf(variants.skuOf(param(c, 'variant')) ?? '') })),
    );
    app.post('/_sim/stock', async (c) => {
      const parsed = this.simStockSchema.safeParse(await readJson(c));
      if (!parsed.success) return controlInvalid(c, parsed.error);
      return c.json({ changes: await this.changeStock(parsed.data.changes) });
    });
    app.post('/_sim/prices', async (c) => {
      const parsed = this.simPricesSchema.safeParse(await readJson(c));
      if (!parsed.success) return controlInvalid(c, parsed.error);
      return c.json({ changes: await this.changePrices(parsed.data.changes) });
    });
  }

  /** One stock write of the Admin API, alone or in a bulk request: the stored stock, or what was wrong. */
  #write(
    identifier: string,
    body: unknown,
    via: 'single' | 'bulk',
  ): { ok: true; entity: StockEntity } | { ok: false; message: string } {
    const sku = this.deps.variants.skuOf(identifier);
    if (sku === undefined) return { ok: false, message: 'variantIdentifier: no such variant' };
    const parsed = stockBodySchema.safeParse(body);
    if (!parsed.success) return { ok: false, message: describe(parsed.error, via === 'bulk' ? 'body.' : '') };
    return { ok: true, entity: this.#store(sku, parsed.data, via) };
  }

  /** Stores one absolute stock figure and records the write in the variant's history. */
  #store(sku: string, input: z.output<typeof stockBodySchema>, via: StockWrite['via']): StockEntity {
    const entity: StockEntity = {
      quantity: input.quantity,
      warehouseReferenceKey: input.warehouseReferenceKey,
      changedAt: input.changedAt,
      sellableWithoutStock: input.sellableWithoutStock ?? false,
      merchantReferenceKey: input.merchantReferenceKey ?? null,
      expectedAvailabilityAt: input.expectedAvailabilityAt ?? null,
    };
    const perWarehouse = this.#stocks.get(sku) ?? new Map<string, StockEntity>();
    perWarehouse.set(entity.warehouseReferenceKey, entity);
    this.#stocks.set(sku, perWarehouse);
    this.#warehouseId(entity.warehouseReferenceKey);
    const history = this.#history.get(sku) ?? [];
    const { warehouseReferenceKey, quantity, changedAt } = entity;
    history.push({ warehouseReferenceKey, quantity, changedAt, via, at: new Date().toISOString() });
    this.#history.set(sku, history);
    this.#writes++;
    return entity;
  }

  #warehouseId(referenceKey: string): number {
    let id = this.#warehouseIds.get(referenceKey);
    if (id === undefined) {
      id = this.#warehouseIds.size + 1;
      this.#warehouseIds.set(referenceKey, id);
    }
    return id;
  }

  /** A price key as SCAYLE generates it (fixture `1-100`): unique, meaningless to the caller. */
  #priceKey(sku: string): string {
    return `${this.deps.variants.refOf(sku).id}-${this.#nextPriceKey++}`;
  }

  /**
   * Stores a price. [A] A price replaces the one with the same dimensions (country, currency, group, promotion,
   * merchant) and the same `validFrom`; any other is added, as SCAYLE keeps upcoming prices next to current ones.
   * Every stored price gets a new key, as SCAYLE generates one for every new price.
   */
  #storePrice(sku: string, input: z.output<typeof priceBodySchema>): VariantPrice {
    const price: VariantPrice = {
      key: this.#priceKey(sku),
      price: input.price,
      oldPrice: input.oldPrice ?? null,
      recommendedRetailPrice: input.recommendedRetailPrice ?? null,
      buyingPrice: input.buyingPrice ?? null,
      tax: input.tax ?? null,
      countryCode: input.countryCode ?? null,
      currencyCode: input.currencyCode,
      groupKey: input.groupKey ?? null,
      promotionKey: input.promotionKey ?? null,
      unitPrice: input.unitPrice ?? null,
      validFrom: input.validFrom ?? timestamp(),
      validTo: input.validTo ?? null,
      merchantReferenceKey: input.merchantReferenceKey ?? null,
    };
    const sameSlot = (p: VariantPrice) =>
      p.countryCode === price.countryCode &&
      p.currencyCode === price.currencyCode &&
      p.groupKey === price.groupKey &&
      p.promotionKey === price.promotionKey &&
      p.merchantReferenceKey === price.merchantReferenceKey &&
      Date.parse(p.validFrom) === Date.parse(price.validFrom);
    this.#prices.set(sku, [...(this.#prices.get(sku) ?? []).filter((p) => !sameSlot(p)), price]);
    return price;
  }

  /** Every demo variant starts with a current EUR price for DE and a GBP price for GB, VAT in percent. */
  #seedPrices(): Map<string, VariantPrice[]> {
    return new Map(
      DEMO_CATALOGUE.map((v): [string, VariantPrice[]] => [
        v.sku,
        [
          { currencyCode: 'EUR', countryCode: 'DE', price: v.priceMinor, tax: v.taxRate },
          { currencyCode: 'GBP', countryCode: 'GB', price: Math.round(v.priceMinor * 0.86), tax: 20 },
        ].map((p) => ({
          key: this.#priceKey(v.sku),
          oldPrice: null,
          recommendedRetailPrice: null,
          buyingPrice: null,
          groupKey: null,
          promotionKey: null,
          unitPrice: null,
          validFrom: SEEDED_PRICES_VALID_FROM,
          validTo: null,
          merchantReferenceKey: null,
          ...p,
        })),
      ]),
    );
  }
}
