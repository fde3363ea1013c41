/**
 * Feeds API 2021-06-30, Reports API 2021-06-30 and the pre-signed URLs behind both, which the simulator serves in
 * S3's manner: uploads by PUT, downloads by GET, XML errors, five-minute expiry.
 */
import { type ApiContext, marketplaceProblem, origin, param, unparsable } from './api';
import { type DocumentStore, isUnexpired, presignedUrl, s3Error } from './documents';
import { ERRORS, REPORT_RETENTION_MS, SETTLEMENT_REPORT_TYPES } from './facts';
import { createFeedBodySchema, createFeedDocumentBodySchema, type FeedStore, LISTINGS_FEED_TYPE } from './feeds';
import { createReportBodySchema, type ReportPage, type ReportStore } from './reports';
import { invalidInput, isoDateSchema, queryList, readJson, spApiError } from './support';

/** What the document APIs need besides the shared context. */
export interface DocumentsApiDeps {
  readonly documents: DocumentStore;
  readonly feeds: FeedStore;
  readonly reports: ReportStore;
}

const XML = { 'content-type': 'application/xml' };
const PROCESSING_STATUSES = ['IN_QUEUE', 'IN_PROGRESS', 'DONE', 'CANCELLED', 'FATAL'];

/** Registers the Feeds and Reports operations and the pre-signed upload and download URLs. */
export const registerDocumentsApi = (api: ApiContext, { documents, feeds, reports }: DocumentsApiDeps): void => {
  const { app, route } = api;

  route('POST', '/feeds/2021-06-30/documents', 'createFeedDocument', 'seller', async (c) => {
    const body = createFeedDocumentBodySchema.safeParse(await readJson(c));
    if (!body.success) return unparsable(c, body.error);
    const feedDocumentId = `amzn1.tortuga.4.eu.${api.ids.uuid()}.${api.ids.hex(14).toUpperCase()}`;
    documents.put({ id: feedDocumentId, contentType: body.data.contentType });
    return c.json({ feedDocumentId, url: presignedUrl(origin(c), 'uploads', feedDocumentId) }, 201);
  });

  app.put(
    '/_sim/uploads/:id',
    api.operation('uploadFeedDocument', async (c) => {
      if (!isUnexpired(c.req.query('expires'))) return c.body(s3Error('AccessDenied', 'Request has expired'), 403, XML);
      const document = documents.get(param(c, 'id'));
      if (!document) return c.body(s3Error('NoSuchKey', 'The specified key does not exist.'), 404, XML);
      document.content = Buffer.from(await c.req.arrayBuffer());
      document.contentType = c.req.header('content-type') ?? document.contentType;
      return c.body(null, 200);
    }),
  );

  route('POST', '/feeds/2021-06-30/feeds', 'createFeed', 'seller', async (c) => {
    const body = createFeedBodySchema.safeParse(await readJson(c));
    if (!body.success) return unparsable(c, body.error);
    const { feedType, marketplaceIds, inputFeedDocumentId } = body.data;
    if (feedType !== LISTINGS_FEED_TYPE) {
      return invalidInput(c, `The simulator processes only ${LISTINGS_FEED_TYPE}, not ${feedType}.`);
    }
    const problem = marketplaceProblem(api, marketplaceIds, api.marketplaceIds.length);
    if (problem) return invalidInput(c, problem);
    if (!documents.get(inputFeedDocumentId))
      return invalidInput(c, `Unknown inputFeedDocumentId ${inputFeedDocumentId}.`);
    return c.json({ feedId: feeds.create(feedType, marketplaceIds, inputFeedDocumentId) }, 202);
  });

  route('GET', '/feeds/2021-06-30/feeds/:feedId', 'getFeed', 'seller', (c) => {
    const feedId = param(c, 'feedId');
    feeds.advance(feedId);
    const feed = feeds.get(feedId);
    return feed ? c.json(feeds.view(feed)) : spApiError(c, 404, ERRORS.notFound, `Feed ${feedId} not found.`);
  });

  route('GET', '/feeds/2021-06-30/documents/:feedDocumentId', 'getFeedDocument', 'seller', (c) => {
    const id = param(c, 'feedDocumentId');
    const document = documents.get(id);
    if (!document?.content) return spApiError(c, 404, ERRORS.notFound, `Feed document ${id} not found.`);
    return c.json({
      feedDocumentId: id,
      url: presignedUrl(origin(c), 'documents', id),
      ...(document.compression ? { compressionAlgorithm: document.compression } : {}),
    });
  });

  route('GET', '/reports/2021-06-30/reports', 'getReports', 'seller', (c) => {
    const answer = (page: ReportPage) =>
      c.json({
        reports: page.reports.map((report) => reports.view(report)),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      });
    const nextToken = c.req.query('nextToken');
    if (nextToken !== undefined) {
      const others = Object.keys(c.req.queries()).filter((key) => key !== 'nextToken');
      if (others.length > 0) {
        return invalidInput(c, `With nextToken no other parameter may be given: ${others.join(', ')}.`);
      }
      const page = reports.continue(nextToken);
      return page ? answer(page) : invalidInput(c, 'Invalid nextToken.');
    }
    const reportTypes = queryList(c, 'reportTypes');
    if (!reportTypes?.length || reportTypes.length > 10)
      return invalidInput(c, 'reportTypes takes 1 to 10 report types.');
    const statuses = queryList(c, 'processingStatuses');
    const badStatus = statuses?.find((status) => !PROCESSING_STATUSES.includes(status));
    if (badStatus) return invalidInput(c, `Invalid processingStatuses value ${badStatus}.`);
    const marketplaces = queryList(c, 'marketplaceIds');
    const problem = marketplaces && marketplaceProblem(api, marketplaces, 10);
    if (problem) return invalidInput(c, problem);
    const pageSizeText = c.req.query('pageSize') ?? '10';
    const pageSize = Number(pageSizeText);
    if (!/^\d+$/.test(pageSizeText) || pageSize < 1 || pageSize > 100) {
      return invalidInput(c, 'pageSize must be an integer from 1 to 100.');
    }
    const range: Record<string, number> = {};
    for (const key of ['createdSince', 'createdUntil']) {
      const value = c.req.query(key);
      if (value === undefined) continue;
      if (!isoDateSchema.safeParse(value).success) return invalidInput(c, `${key} must be an ISO-8601 date-time.`);
      range[key] = Date.parse(value);
    }
    const query = {
      reportTypes,
      processingStatuses: statuses,
      marketplaceIds: marketplaces,
      createdSince: range.createdSince ?? Date.now() - REPORT_RETENTION_MS,
      createdUntil: range.createdUntil ?? Date.now(),
    };
    return answer(reports.search(query, pageSize));
  });

  route('GET', '/reports/2021-06-30/reports/:reportId', 'getReport', 'seller', (c) => {
    const reportId = param(c, 'reportId');
    reports.advance(reportId);
    const report = reports.get(reportId);
    return report ? c.json(reports.view(report)) : spApiError(c, 404, ERRORS.notFound, `Report ${reportId} not found.`);
  });

  route('POST', '/reports/2021-06-30/reports', 'createReport', 'seller', async (c) => {
    const body = createReportBodySchema.safeParse(await readJson(c));
    if (!body.success) return unparsable(c, body.error);
    if (SETTLEMENT_REPORT_TYPES.includes(body.data.reportType)) {
      return invalidInput(
        c,
        `${body.data.reportType} cannot be requested: Amazon generates settlement reports itself.`,
      );
    }
    const problem = marketplaceProblem(api, body.data.marketplaceIds, api.marketplaceIds.length);
    if (problem) return invalidInput(c, problem);
    return c.json({ reportId: reports.request(body.data) }, 202);
  });

  route('GET', '/reports/2021-06-30/documents/:reportDocumentId', 'getReportDocument', 'seller', (c) => {
    const id = param(c, 'reportDocumentId');
    const document = reports.byDocument(id) ? documents.get(id) : undefined;
    if (!document) return spApiError(c, 404, ERRORS.notFound, `Report document ${id} not found.`);
    return c.json({
      reportDocumentId: id,
      url: presignedUrl(origin(c), 'documents', id),
      ...(document.compression ? { compressionAlgorithm: document.compression } : {}),
    });
  });

  app.get(
    '/_sim/documents/:id',
    api.operation('downloadDocument', (c) => {
      if (!isUnexpired(c.req.query('expires'))) return c.body(s3Error('AccessDenied', 'Request has expired'), 403, XML);
      const document = documents.get(param(c, 'id'));
      if (!document?.content) return c.body(s3Error('NoSuchKey', 'The specified key does not exist.'), 404, XML);
      // No Content-Encoding even when gzipped: like S3 here, the client unzips because the API said GZIP.
      return c.body(new Uint8Array(document.content), 200, { 'content-type': document.contentType });
    }),
  );
};
