import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { DEMO_PRODUCTS, type DemoProduct, type ScayleAttribute } from './catalogue';
import type { VariantPrice } from './scayle';
import type { SimEnv } from './sim-server';

type Handler = (c: Context<SimEnv>) => Response | Promise<Response>;

/** A product as webhook payloads name it. */
export interface ProductRef {
  readonly id: number;
  readonly referenceKey: string;
}

/** What the product routes need of the SCAYLE simulator. */
export interface ScayleProductsDeps {
  readonly app: Hono<SimEnv>;
  /** The Admin API base path, e.g. `/api/admin/v1`. */
  readonly base: string;
  /** Wraps an Admin API handler: `X-Access-Token`, the operation's rate limit and injected faults. */
  readonly authed: (operation: string, handler: Handler) => Handler;
  readonly notFound: (c: Context<SimEnv>, message: string) => Response;
  readonly invalid: (c: Context<SimEnv>, error: z.ZodError) => Response;
  /** The stored prices of a variant, as `GET /variants/{id}/prices` lists them. */
  readonly pricesOf: (sku: string) => readonly VariantPrice[];
  /** Delivers a product event, payload `{id, referenceKey}` of the product. */
  readonly deliverProduct: (event: string, product: ProductRef, occurredAt: string) => Promise<void>;
  /** Delivers a variant event, payload `{id, referenceKey}` of the variant plus `payload`. */
  readonly deliverVariant: (
    event: string,
    sku: string,
    occurredAt: string,
    payload: Record<string, unknown>,
  ) => Promise<void>;
}

const localizedString = z.object({ de_DE: z.string(), en_GB: z.string() });
const attributeName = z.string().min(1).max(255);

/** A SCAYLE attribute `{name, type, value}` [V PHP SDK fixture ProductGetResponse.json]. */
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

/** `limit` and `cursor` of a collection; [A] the cursor is the offset, as the simulator pages orders. */
const pageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.coerce.number().int().min(0).default(0),
});

const productKeyById: ReadonlyMap<number, string> = new Map(DEMO_PRODUCTS.map((p) => [p.id, p.referenceKey]));

/**
 * SCAYLE's product read API on the simulator, over the demo catalogue's 60 products: `GET /products/{identifier}`
 * and `GET /products` (rate limit operations `getProduct` and `listProducts`), and the changes made in SCAYLE itself
 * with their webhooks: `PATCH /_sim/products/{referenceKey}` (`product-updated`) and
 * `DELETE /_sim/variants/{referenceKey}` (`product-variant-deleted`). [A] `with` is ignored: a read always carries
 * master, attributes, categories and variants with their prices.
 */
export const addScayleProducts = (deps: ScayleProductsDeps) => {
  let products = new Map<string, DemoProduct>();
  const reset = () => {
    products = new Map(DEMO_PRODUCTS.map((p) => [p.referenceKey, p]));
  };
  reset();

  /** The product as the Admin API returns it; a variant's prices are the ones SCAYLE holds now. */
  const view = (product: DemoProduct) => ({
    id: product.id,
    referenceKey: product.referenceKey,
    state: 'live',
    master: { referenceKey: product.masterKey, attributes: [] },
    name: product.name,
    categories: product.categories,
    attributes: product.attributes,
    variants: product.variants.map((v) => ({
      id: v.id,
      referenceKey: v.referenceKey,
      attributes: v.attributes,
      prices: deps.pricesOf(v.referenceKey),
    })),
  });

  /** The product a product identifier names: the numeric id or `key=<referenceKey>`, URL-encoded either way. */
  const productOf = (identifier: string): DemoProduct | undefined => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(identifier);
    } catch {
      return undefined;
    }
    const key = decoded.startsWith('key=')
      ? decoded.slice(4)
      : /^\d+$/.test(decoded)
        ? productKeyById.get(Number(decoded))
        : undefined;
    return key === undefined ? undefined : products.get(key);
  };

  /** Changes a product's attributes in SCAYLE itself and delivers `product-updated`; undefined for an unknown key. */
  const updateProduct = async (referenceKey: string, input: z.input<typeof productChangeSchema>) => {
    const change = productChangeSchema.parse(input);
    const product = products.get(referenceKey);
    if (!product) return undefined;
    const byName = new Map(product.attributes.map((a) => [a.name, a]));
    for (const name of change.removeAttributes) byName.delete(name);
    for (const attribute of change.attributes) byName.set(attribute.name, attribute);
    const updated = { ...product, attributes: [...byName.values()] };
    products.set(referenceKey, updated);
    await deps.deliverProduct('product-updated', { id: product.id, referenceKey }, new Date().toISOString());
    return view(updated);
  };

  /**
   * Deletes a variant in SCAYLE itself and delivers `product-variant-deleted`, payload `{id, referenceKey, product:
   * {id, referenceKey}}` [A]; the product stays, without the variant. Undefined when no product has the variant.
   */
  const deleteVariant = async (sku: string) => {
    const product = [...products.values()].find((p) => p.variants.some((v) => v.referenceKey === sku));
    if (!product) return undefined;
    const updated = { ...product, variants: product.variants.filter((v) => v.referenceKey !== sku) };
    products.set(product.referenceKey, updated);
    await deps.deliverVariant('product-variant-deleted', sku, new Date().toISOString(), {
      product: { id: product.id, referenceKey: product.referenceKey },
    });
    return view(updated);
  };

  const { app, base, authed } = deps;
  app.get(
    `${base}/products`,
    authed('listProducts', (c) => {
      const page = pageSchema.safeParse({ limit: c.req.query('limit'), cursor: c.req.query('cursor') });
      if (!page.success) return deps.invalid(c, page.error);
      const { limit, cursor } = page.data;
      const all = [...products.values()].sort((a, b) => a.id - b.id);
      return c.json({
        entities: all.slice(cursor, cursor + limit).map(view),
        cursor: { next: cursor + limit < all.length ? String(cursor + limit) : null },
      });
    }),
  );
  app.get(
    `${base}/products/:product`,
    authed('getProduct', (c) => {
      const product = productOf(c.req.param('product') ?? '');
      return product ? c.json(view(product)) : deps.notFound(c, 'Product not found');
    }),
  );
  app.patch('/_sim/products/:referenceKey', async (c) => {
    const parsed = productChangeSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: 'invalid body', issues: parsed.error.issues }, 400);
    const updated = await updateProduct(c.req.param('referenceKey'), parsed.data);
    return updated ? c.json(updated) : c.json({ error: 'no such product' }, 404);
  });
  app.delete('/_sim/variants/:referenceKey', async (c) => {
    const product = await deleteVariant(c.req.param('referenceKey'));
    return product ? c.json(product) : c.json({ error: 'no such variant' }, 404);
  });

  return {
    reset,
    /** The product now, as `GET /products/key={referenceKey}` returns it, or undefined. */
    productOf: (referenceKey: string) => {
      const product = products.get(referenceKey);
      return product && view(product);
    },
    updateProduct,
    deleteVariant,
  };
};
