/**
 * Listings Items API 2021-08-01 (get, put, patch, delete with VALIDATION_PREVIEW; search is in
 * ./listings-search-api.ts) and the Product Type Definitions API 2020-09-01 whose schemas say what a listing needs.
 */
import type { Context } from 'hono';
import { type ApiContext, foreignSeller, marketplaceProblem, origin, param, unparsable } from './api';
import { s3Error } from './documents';
import { ERRORS, MARKETPLACES } from './facts';
import { changesOfPatches, type ListingStore, type ListingsOutcome, patchBodySchema, putBodySchema } from './listings';
import { META_SCHEMA, productTypeDefinition, productTypeSchema, searchProductTypes } from './product-types';
import { invalidInput, queryList, readJson, spApiError } from './support';

const INCLUDED_DATA = [
  'summaries',
  'attributes',
  'issues',
  'offers',
  'fulfillmentAvailability',
  'procurement',
  'relationships',
  'productTypes',
];

/** The sections a listings read asks for (`includedData`, default `summaries`), or the answer to an unknown one. */
export const includedDataOf = (c: Context): string[] | Response => {
  const includedData = queryList(c, 'includedData') ?? ['summaries'];
  const unknown = includedData.find((section) => !INCLUDED_DATA.includes(section));
  return unknown ? invalidInput(c, `Invalid includedData value ${unknown}.`) : includedData;
};

/** Registers the Listings Items and Product Type Definitions operations. */
export const registerListingsApi = (api: ApiContext, listings: ListingStore): void => {
  const { app, route } = api;

  /** SKU and marketplace of a listings call, or the error answer (another seller's path is refused). */
  const targetOf = (c: Context): { sku: string; marketplaces: string[] } | Response => {
    const refused = foreignSeller(api, c);
    if (refused) return refused;
    const marketplaces = queryList(c, 'marketplaceIds');
    const problem = marketplaceProblem(api, marketplaces, 1);
    return problem ? invalidInput(c, problem) : { sku: param(c, 'sku'), marketplaces: marketplaces ?? [] };
  };

  /** Whether this is a dry run (`mode=VALIDATION_PREVIEW`), or the error answer for another mode. */
  const previewOf = (c: Context): boolean | Response => {
    const mode = c.req.query('mode');
    if (mode === undefined) return false;
    return mode === 'VALIDATION_PREVIEW' ? true : invalidInput(c, `Invalid mode ${mode}.`);
  };

  const submission = (c: Context, sku: string, outcome: ListingsOutcome) =>
    c.json({ sku, status: outcome.status, submissionId: api.ids.hex(32), issues: outcome.issues });

  route('GET', '/listings/2021-08-01/items/:sellerId/:sku', 'getListingsItem', 'seller', (c) => {
    const target = targetOf(c);
    if (target instanceof Response) return target;
    const includedData = includedDataOf(c);
    if (includedData instanceof Response) return includedData;
    const view = listings.view(target.sku, target.marketplaces, includedData);
    return view
      ? c.json(view)
      : spApiError(
          c,
          404,
          ERRORS.listingNotFound,
          `SKU '${target.sku}' not found in marketplace ${target.marketplaces[0]}`,
        );
  });

  route('PATCH', '/listings/2021-08-01/items/:sellerId/:sku', 'patchListingsItem', 'seller', async (c) => {
    const target = targetOf(c);
    if (target instanceof Response) return target;
    const preview = previewOf(c);
    if (preview instanceof Response) return preview;
    const body = patchBodySchema.safeParse(await readJson(c));
    if (!body.success) return unparsable(c, body.error);
    const changes = changesOfPatches(body.data.patches);
    if (typeof changes === 'string') return invalidInput(c, changes);
    const outcome = listings.patch(target.sku, target.marketplaces, body.data.productType, changes, preview);
    return submission(c, target.sku, outcome);
  });

  route('PUT', '/listings/2021-08-01/items/:sellerId/:sku', 'putListingsItem', 'seller', async (c) => {
    const target = targetOf(c);
    if (target instanceof Response) return target;
    const preview = previewOf(c);
    if (preview instanceof Response) return preview;
    const body = putBodySchema.safeParse(await readJson(c));
    if (!body.success) return unparsable(c, body.error);
    return submission(c, target.sku, listings.put(target.sku, target.marketplaces, body.data, preview));
  });

  route('DELETE', '/listings/2021-08-01/items/:sellerId/:sku', 'deleteListingsItem', 'seller', (c) => {
    const target = targetOf(c);
    if (target instanceof Response) return target;
    return submission(c, target.sku, listings.delete(target.sku, target.marketplaces));
  });

  route('GET', '/definitions/2020-09-01/productTypes', 'searchDefinitionsProductTypes', 'seller', (c) => {
    const marketplaces = queryList(c, 'marketplaceIds');
    const problem = marketplaceProblem(api, marketplaces, 1);
    if (problem) return invalidInput(c, problem);
    const keywords = queryList(c, 'keywords');
    const itemName = c.req.query('itemName');
    if (keywords && itemName !== undefined) return invalidInput(c, 'keywords and itemName cannot be combined.');
    const words = keywords ?? itemName?.split(/[^\p{L}\p{N}-]+/u).filter((word) => word !== '') ?? [];
    return c.json(searchProductTypes(words, marketplaces ?? []));
  });

  route('GET', '/definitions/2020-09-01/productTypes/:productType', 'getDefinitionsProductType', 'seller', (c) => {
    const marketplaces = queryList(c, 'marketplaceIds');
    const problem = marketplaceProblem(api, marketplaces, 1);
    if (problem) return invalidInput(c, problem);
    const requirements = c.req.query('requirements') ?? 'LISTING';
    if (
      requirements !== 'LISTING' &&
      requirements !== 'LISTING_PRODUCT_ONLY' &&
      requirements !== 'LISTING_OFFER_ONLY'
    ) {
      return invalidInput(c, `Invalid requirements value ${requirements}.`);
    }
    const productType = param(c, 'productType');
    const definition = productTypeDefinition(productType, {
      marketplaceIds: marketplaces ?? [],
      requirements,
      locale: c.req.query('locale') ?? MARKETPLACES[marketplaces?.[0] ?? '']?.languageTag ?? 'en_GB',
      schemaUrl: (name) => `${origin(c)}/_sim/schemas/${name}`,
    });
    return definition
      ? c.json(definition)
      : spApiError(c, 404, ERRORS.notFound, `Product type ${productType} not found.`);
  });

  // The documents a definition links to, which Amazon serves from S3.
  app.get('/_sim/schemas/:name', (c) => {
    const name = param(c, 'name');
    const [productType = '', requirements = 'LISTING'] = name.split('.');
    const document =
      name === 'meta-schema'
        ? META_SCHEMA
        : requirements === 'LISTING' || requirements === 'LISTING_PRODUCT_ONLY' || requirements === 'LISTING_OFFER_ONLY'
          ? productTypeSchema(productType, requirements)
          : undefined;
    return document
      ? c.json(document)
      : c.body(s3Error('NoSuchKey', 'The specified key does not exist.'), 404, { 'content-type': 'application/xml' });
  });
};
