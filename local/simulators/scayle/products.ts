/**
 * SCAYLE's product read API over the demo catalogue's 60 products [V SDK `Product`, `ProductVariant`, `Master`;
 * fixture ProductGetResponse.json]: `GET /products/{identifier}` and `GET /products`, and the changes made in SCAYLE
 * itself with their webhooks: `PATCH /_sim/products/{referenceKey}` (`product-updated`, the whole product without
 * prices [V scayle.dev developer-guide/customise-extend/webhooks/events/product-updated]) and `DELETE /_sim/variants/{referenceKey}` (`product-variant-deleted` [V fixture]).
 * [A] `with` is ignored: a read always carries master, attributes, categories and variants with their prices;
 * `product-updated` is delivered at once (SCAYLE debounces it 30–60 s [V same page]).
 */
import { z } from 'zod';
import { DEMO_PRODUCTS, type DemoProduct, type ScayleAttribute } from '../catalogue';
import { type ApiContext, controlInvalid, notFound, pageOf, param, parseIdentifier, timestamp } from './api';
import type { VariantPrice } from './stock-and-prices';
import type { VariantDirectory } from './variants';
import type { WebhookSender } from './webhooks';

const localizedString = z.object({ de_DE: z.string(), en_GB: z.string() });
const attributeName = z.string().min(1).max(255);

/** A SCAYLE attribute `{name, type, value}` [V SDK fixture ProductGetResponse.json]. */
export const scayleAttributeSchema = z.discriminatedUnion('type', [
  z.object({ name: attributeName, type: z.literal('simple'), value: z.string() }),
  z.object({ name: attributeName, type: z.literal('localizedString'), value: localizedString }),
  z.object({ name: attributeName, type: z.literal('localizedStringList'), value: z.array(localizedString) }),
  z.object({
    name: attributeName,
    type: z.literal('advancedList'),
    value: z.array(z.record(z.string(), z.unknown())),
  }),
]) satisfies z.ZodType<ScayleAttribute>;

/** Body of `PATCH /_sim/products/{referenceKey}`: a product's attributes changed in SCAYLE itself. */
export const productChangeSchema = z
  .object({
    /** Replace the attribute of the same name, or add it. */
    attributes: z.array(scayleAttributeSchema).default([]),
    /** Attribute names to remove. */
    removeAttributes: z.array(attributeName).default([]),
  })
  .refine((change) => change.attributes.length + change.removeAttributes.length > 0, 'name attributes to change')
  .refine(
    (change) => !change.attributes.some((a) => change.removeAttributes.includes(a.name)),
    'an attribute cannot be both set and removed',
  );

/** What the product routes need of the rest of the simulator. */
export interface ProductsDeps extends ApiContext {
  readonly variants: VariantDirectory;
  readonly webhooks: WebhookSender;
  /** The stored prices of a variant, as `GET /variants/{id}/prices` lists them. */
  readonly pricesOf: (sku: string) => readonly VariantPrice[];
}

/** Attributes as SCAYLE returns them: each with `isLocked` [V fixture]. */
const locked = (attributes: readonly ScayleAttribute[]) => attributes.map((a) => ({ ...a, isLocked: false }));

/** The demo products as SCAYLE holds them, with their changes. */
export class Products {
  #products = new Map<string, DemoProduct>();
  readonly #keyById: ReadonlyMap<number, string> = new Map(DEMO_PRODUCTS.map((p) => [p.id, p.referenceKey]));

  constructor(private readonly deps: ProductsDeps) {
    this.reset();
  }

  reset(): void {
    this.#products = new Map(DEMO_PRODUCTS.map((p) => [p.referenceKey, p]));
  }

  /** The product as `GET /products/key={referenceKey}` returns it now, or undefined. */
  productOf(referenceKey: string) {
    const product = this.#products.get(referenceKey);
    return product && this.#view(product);
  }

  /** Changes a product's attributes in SCAYLE itself and delivers `product-updated`; undefined for an unknown key. */
  async updateProduct(referenceKey: string, input: z.input<typeof productChangeSchema>) {
    const change = productChangeSchema.parse(input);
    const product = this.#products.get(referenceKey);
    if (!product) return undefined;
    const byName = new Map(product.attributes.map((a) => [a.name, a]));
    for (const name of change.removeAttributes) byName.delete(name);
    for (const attribute of change.attributes) byName.set(attribute.name, attribute);
    const updated = { ...product, attributes: [...byName.values()] };
    this.#products.set(referenceKey, updated);
    const { webhooks } = this.deps;
    await webhooks.deliver(webhooks.message('product-updated', timestamp(), this.#eventPayload(updated)), {
      productKey: referenceKey,
    });
    return this.#view(updated);
  }

  /**
   * Deletes a variant in SCAYLE itself and delivers `product-variant-deleted` `{id, ean, referenceKey,
   * merchantReferenceKey, isComposite}` [V fixture]; the product stays, without the variant. Undefined when no
   * product has the variant.
   */
  async deleteVariant(sku: string) {
    const product = [...this.#products.values()].find((p) => p.variants.some((v) => v.referenceKey === sku));
    const variant = product?.variants.find((v) => v.referenceKey === sku);
    if (!product || !variant) return undefined;
    const updated = { ...product, variants: product.variants.filter((v) => v.referenceKey !== sku) };
    this.#products.set(product.referenceKey, updated);
    const payload = {
      id: variant.id,
      ean: this.#ean(sku),
      referenceKey: sku,
      merchantReferenceKey: [],
      isComposite: false,
    };
    const { webhooks } = this.deps;
    await webhooks.deliver(webhooks.message('product-variant-deleted', timestamp(), payload), { sku });
    return this.#view(updated);
  }

  /** The Admin API routes and the control routes of products. */
  register(): void {
    const { app, base, authed } = this.deps;
    app.get(
      `${base}/products`,
      authed('listProducts', (c) => {
        const all = [...this.#products.values()].sort((a, b) => a.id - b.id);
        return pageOf(c, all, (p) => this.#view(p));
      }),
    );
    app.get(
      `${base}/products/:product`,
      authed('getProduct', (c) => {
        const product = this.#find(param(c, 'product'));
        return product ? c.json(this.#view(product)) : notFound(c, 'Product not found');
      }),
    );
    app.patch('/_sim/products/:referenceKey', async (c) => {
      const parsed = productChangeSchema.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return controlInvalid(c, parsed.error);
      const updated = await this.updateProduct(param(c, 'referenceKey'), parsed.data);
      return updated ? c.json(updated) : c.json({ error: 'no such product' }, 404);
    });
    app.delete('/_sim/variants/:referenceKey', async (c) => {
      const product = await this.deleteVariant(param(c, 'referenceKey'));
      return product ? c.json(product) : c.json({ error: 'no such variant' }, 404);
    });
  }

  /** The product a product identifier names: the numeric id or `key=<referenceKey>`. */
  #find(identifier: string): DemoProduct | undefined {
    const parsed = parseIdentifier(identifier);
    const key =
      parsed && 'key' in parsed ? parsed.key : parsed && 'id' in parsed ? this.#keyById.get(parsed.id) : undefined;
    return key === undefined ? undefined : this.#products.get(key);
  }

  #ean(sku: string): string {
    return this.deps.variants.byKey(sku)?.ean ?? '';
  }

  /** What product reads and `product-updated` share: the product without prices. */
  #core(product: DemoProduct) {
    return {
      id: product.id,
      referenceKey: product.referenceKey,
      state: 'live',
      master: {
        referenceKey: product.masterKey,
        categories: { isLocked: false, paths: product.categories },
        attributes: [],
      },
      name: product.name,
      attributes: locked(product.attributes),
      isComposite: false,
      merchantReferenceKeys: [],
      images: [],
    };
  }

  /** The product as the Admin API returns it; a variant's prices are the ones SCAYLE holds now. */
  #view(product: DemoProduct) {
    return {
      ...this.#core(product),
      variants: product.variants.map((v) => ({
        id: v.id,
        referenceKey: v.referenceKey,
        ean: this.#ean(v.referenceKey),
        merchantReferenceKeys: [],
        attributes: locked(v.attributes),
        prices: this.deps.pricesOf(v.referenceKey),
        isComposite: false,
      })),
    };
  }

  /** `product-updated`'s payload: the product with `problems`, its variants without prices [V product-updated page]. */
  #eventPayload(product: DemoProduct) {
    return {
      ...this.#core(product),
      problems: [],
      variants: product.variants.map((v) => ({
        id: v.id,
        ean: this.#ean(v.referenceKey),
        referenceKey: v.referenceKey,
        merchantReferenceKey: [],
        isComposite: false,
        attributes: locked(v.attributes),
      })),
    };
  }
}
