/**
 * searchListingsItems (Listings Items API 2021-08-01): the seller's listings a page at a time, as a go-live check
 * reads them to compare with the hub's catalogue. The filters the simulator does not model (identifiers, variation
 * and package hierarchy, dates, issue severity, status) are refused by name rather than ignored, so that a caller
 * never takes an unfiltered page for a filtered one.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { type ApiContext, foreignSeller, marketplaceProblem } from './api';
import { ERRORS, LISTINGS_SEARCH } from './facts';
import type { ListingStore, ListingsSortKey } from './listings';
import { includedDataOf } from './listings-api';
import { invalidInput, queryList } from './support';

/** Query parameters of searchListingsItems [V listingsItems_2021-08-01.json] the simulator does not answer. */
const UNMODELLED_FILTERS = [
  'identifiers',
  'identifiersType',
  'variationParentSku',
  'packageHierarchySku',
  'createdAfter',
  'createdBefore',
  'lastUpdatedAfter',
  'lastUpdatedBefore',
  'withIssueSeverity',
  'withStatus',
  'withoutStatus',
];

const SORT_KEYS: readonly ListingsSortKey[] = ['sku', 'createdDate', 'lastUpdatedDate'];

/**
 * What a page token carries: where its page starts and a digest of the search that made it. Amazon's tokens are
 * opaque; that they too are bound to the search is [O amzn/selling-partner-api-models#4977], and that `pageSize`
 * may change between pages is [A].
 */
interface PageToken {
  readonly offset: number;
  readonly search: string;
}

const encodeToken = (token: PageToken): string => Buffer.from(JSON.stringify(token)).toString('base64url');

const decodeToken = (text: string): PageToken | undefined => {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<PageToken>;
    return Number.isInteger(token.offset) && (token.offset ?? -1) >= 0 && typeof token.search === 'string'
      ? (token as PageToken)
      : undefined;
  } catch {
    return undefined;
  }
};

/** A digest of the search's parameters, the paging ones aside. */
const searchDigest = (c: Context): string => {
  const params = [...new URL(c.req.url).searchParams]
    .filter(([name]) => name !== 'pageToken' && name !== 'pageSize')
    .sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y));
  return createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 16);
};

/** Registers searchListingsItems over the seller's listings. */
export const registerListingsSearchApi = (api: ApiContext, listings: ListingStore): void => {
  api.route('GET', '/listings/2021-08-01/items/:sellerId', 'searchListingsItems', 'seller', (c) => {
    const refused = foreignSeller(api, c);
    if (refused) return refused;
    const marketplaces = queryList(c, 'marketplaceIds');
    const problem = marketplaceProblem(api, marketplaces, api.marketplaceIds.length);
    if (problem) return invalidInput(c, problem);
    const unmodelled = UNMODELLED_FILTERS.find((name) => c.req.query(name) !== undefined);
    if (unmodelled) return invalidInput(c, `The simulator does not support the ${unmodelled} parameter.`);
    const includedData = includedDataOf(c);
    if (includedData instanceof Response) return includedData;
    const pageSize = Number(c.req.query('pageSize') ?? LISTINGS_SEARCH.defaultPageSize);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > LISTINGS_SEARCH.maxPageSize) {
      return invalidInput(c, `pageSize must be between 1 and ${LISTINGS_SEARCH.maxPageSize}.`);
    }
    const sortBy = SORT_KEYS.find((key) => key === (c.req.query('sortBy') ?? 'lastUpdatedDate'));
    if (!sortBy) return invalidInput(c, `Invalid sortBy value ${c.req.query('sortBy')}.`);
    const sortOrder = c.req.query('sortOrder') ?? 'DESC';
    if (sortOrder !== 'ASC' && sortOrder !== 'DESC') return invalidInput(c, `Invalid sortOrder value ${sortOrder}.`);

    const search = searchDigest(c);
    const pageToken = c.req.query('pageToken');
    const page = pageToken === undefined ? { offset: 0, search } : decodeToken(pageToken);
    if (!page) return invalidInput(c, 'Invalid pageToken.');
    if (page.search !== search) return invalidInput(c, ERRORS.pageTokenMismatch);

    const hits = listings.search(marketplaces ?? [], sortBy, sortOrder);
    const pageable = Math.min(hits.length, LISTINGS_SEARCH.maxResults);
    const end = Math.min(page.offset + pageSize, pageable);
    const previous = Math.max(0, page.offset - pageSize);
    const pagination = {
      ...(end < pageable ? { nextToken: encodeToken({ offset: end, search }) } : {}),
      ...(page.offset > 0 ? { previousToken: encodeToken({ offset: previous, search }) } : {}),
    };
    return c.json({
      numberOfResults: hits.length,
      ...(Object.keys(pagination).length > 0 ? { pagination } : {}),
      items: hits
        .slice(page.offset, end)
        .flatMap((hit) => listings.view(hit.sku, hit.marketplaceIds, includedData) ?? []),
    });
  });
};
