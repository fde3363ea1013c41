/**
 * Loop 8: ecommerce rewrites the care instructions of a few products in SCAYLE and deletes them from one; SCAYLE
 * announces each change (`product-updated`), and the hub syncs the product to Amazon. Every variant of a rewritten
 * product must be listed under its parent with the new text in the marketplace's language; the product that lost
 * its care instructions must raise LISTING_BLOCKED in each marketplace and send nothing.
 */
import { DEMO_CATALOGUE, masterKeyOf, productKeyOf } from '../simulators/catalogue';
import type { DayContext } from './context';
import { listOf, plural, waitUntil } from './day-log';

const CARE = { de_DE: 'Schonwaschgang 30°C, auf links waschen', en_GB: 'Gentle wash 30°C, inside out' };

type ListingAttributes = {
  child_parent_sku_relationship?: { parent_sku?: string }[];
  care_instructions?: { value?: string }[];
};

export const runCatalogueAct = async (ctx: DayContext): Promise<void> => {
  const { hub, plan, log } = ctx;
  const { simulators, exceptions, config } = hub;
  const marketplaces = config.amazon.marketplaceIds;
  const { rewritten, blocked } = plan.catalogue;
  const changedAt = new Map<string, number>();
  for (const product of rewritten) {
    changedAt.set(product, Date.now());
    await simulators.scayle.updateProduct(product, {
      attributes: [{ name: 'care_instructions', type: 'localizedString', value: CARE }],
    });
    log.event(8, `product-updated ${product}: care instructions rewritten`);
  }
  changedAt.set(blocked, Date.now());
  await simulators.scayle.updateProduct(blocked, { removeAttributes: ['care_instructions'] });
  log.event(8, `product-updated ${blocked}: care instructions deleted`);

  const variantsOf = (product: string) => DEMO_CATALOGUE.filter((v) => v.amazon && productKeyOf(v.sku) === product);
  const attributesOf = (sellerSku: string, m: string) =>
    simulators.amazon.listingView(sellerSku, ['attributes'], [m])?.attributes as ListingAttributes | undefined;
  const listedAsChanged = (sku: string, sellerSku: string, m: string) => {
    const attributes = attributesOf(sellerSku, m);
    return (
      attributes?.child_parent_sku_relationship?.[0]?.parent_sku === masterKeyOf(sku) &&
      // The simulator keeps one value per attribute for all marketplaces (the last patch wins): either language.
      Object.values(CARE).includes(attributes.care_instructions?.[0]?.value ?? '')
    );
  };
  const expected = rewritten.flatMap((p) =>
    variantsOf(p).flatMap((v) =>
      marketplaces.map((m) => ({ sku: v.sku, sellerSku: v.amazon?.sellerSku as string, m })),
    ),
  );
  const blockedKeys = marketplaces.map((m) => `${blocked}@${m}`);
  await waitUntil(
    async () => {
      const raised = await Promise.all(blockedKeys.map((k) => exceptions.get(`LISTING_BLOCKED#${k}`)));
      return raised.every(Boolean) && expected.every((l) => listedAsChanged(l.sku, l.sellerSku, l.m))
        ? true
        : undefined;
    },
    ctx.deadline,
    1_000,
  );

  for (const product of rewritten) {
    for (const m of marketplaces) {
      const listed = variantsOf(product).filter((v) => listedAsChanged(v.sku, v.amazon?.sellerSku as string, m));
      if (listed.length === 0) continue;
      const updatedAt = Math.max(
        ...listed.map((v) => {
          const summaries = simulators.amazon.listingView(v.amazon?.sellerSku as string, ['summaries'], [m])
            ?.summaries as { lastUpdatedDate?: string }[] | undefined;
          return Date.parse(summaries?.[0]?.lastUpdatedDate ?? '') || Date.now();
        }),
      );
      log.effect(
        8,
        `listed ${product}@${m}: ${plural(listed.length, 'child', 'children')} under ${masterKeyOf(product)}`,
        updatedAt,
        listed.length,
      );
      log.latency(8, changedAt.get(product), updatedAt);
    }
  }
  const missing = expected.filter((l) => !listedAsChanged(l.sku, l.sellerSku, l.m)).map((l) => `${l.sellerSku}@${l.m}`);
  log.check(
    8,
    "every variant of a changed product is listed under its parent with SCAYLE's new text, in both marketplaces",
    missing.length === 0,
    missing.length > 0
      ? `not as SCAYLE has it: ${listOf(missing)}`
      : `${plural(expected.length, 'listing')} of ${plural(rewritten.length, 'product')}: ${listOf([...rewritten])}`,
  );
  const allBlocked = (await exceptions.list({ type: 'LISTING_BLOCKED' })).map((e) => e.key).sort();
  const rejected = (await exceptions.list({ type: 'AMAZON_LISTING_REJECTED' })).filter(
    (e) => e.details.loop === 'catalogue',
  );
  // Nothing of the blocked product was sent: its listings still carry what Amazon had before.
  const sent = variantsOf(blocked).flatMap((v) =>
    marketplaces
      .filter((m) => attributesOf(v.amazon?.sellerSku as string, m)?.child_parent_sku_relationship)
      .map((m) => `${v.sku}@${m}`),
  );
  log.check(
    8,
    'the product without care instructions raises LISTING_BLOCKED in each marketplace, alone, and sends nothing',
    allBlocked.join() === [...blockedKeys].sort().join() && rejected.length === 0 && sent.length === 0,
    `LISTING_BLOCKED for ${allBlocked.join(', ') || 'nothing'}${rejected.length ? `; AMAZON_LISTING_REJECTED ${rejected.map((e) => e.key).join(', ')}` : ''}${
      sent.length ? `; sent anyway: ${listOf(sent)}` : ''
    }`,
  );
};
