/**
 * Feeds API 2021-06-30 for JSON_LISTINGS_FEED: a feed waits IN_QUEUE, runs IN_PROGRESS and ends DONE (each message
 * applied through the same listing rules as patchListingsItem/putListingsItem) or FATAL (the document is not a
 * valid listings feed), with a processing report as its result document.
 */
import { z } from 'zod';
import type { DocumentStore } from './documents';
import { ISSUE_CODES, MAX_FEED_MESSAGES } from './facts';
import { changesOfPatches, type ListingIssue, type ListingStore, patchSchema } from './listings';
import { describeIssues, type IdSource, isoMillis, type QueuedJob, stepJob } from './support';

/** The only feed type the simulator processes. */
export const LISTINGS_FEED_TYPE = 'JSON_LISTINGS_FEED';

/** Body of createFeedDocument. */
export const createFeedDocumentBodySchema = z.object({ contentType: z.string().min(1) });

/** Body of createFeed. */
export const createFeedBodySchema = z.object({
  feedType: z.string().min(1),
  marketplaceIds: z.array(z.string()).min(1),
  inputFeedDocumentId: z.string().min(1),
  feedOptions: z.record(z.string(), z.string()).optional(),
});

/** The feed document's envelope [V schemas/feeds/listings-feed-schema-v2.json]; a violation makes the feed FATAL. */
const feedEnvelopeSchema = z.object({
  header: z.object({
    sellerId: z.string().min(1),
    version: z.literal('2.0'),
    issueLocale: z.string().optional(),
    report: z.object({ includedData: z.array(z.string()).optional(), apiVersion: z.string() }).optional(),
  }),
  messages: z.array(z.unknown()).min(1).max(MAX_FEED_MESSAGES),
});

/** One message; a violation makes only that message invalid. */
const feedMessageSchema = z
  .object({
    messageId: z
      .int()
      .min(1)
      .max(2 ** 31 - 1),
    sku: z.string().min(1),
    operationType: z.enum(['UPDATE', 'PARTIAL_UPDATE', 'PATCH', 'DELETE']),
    productType: z.string().min(1).optional(),
    requirements: z.enum(['LISTING', 'LISTING_PRODUCT_ONLY', 'LISTING_OFFER_ONLY']).optional(),
    attributes: z.record(z.string(), z.array(z.unknown())).optional(),
    patches: z.array(patchSchema).min(1).optional(),
  })
  .superRefine((message, context) => {
    const needs = (ok: boolean, field: string) => {
      if (!ok) context.addIssue({ code: 'custom', path: [field], message: `required for ${message.operationType}` });
    };
    if (message.operationType === 'DELETE') return;
    needs(message.productType !== undefined, 'productType');
    if (message.operationType === 'PATCH') needs(message.patches !== undefined, 'patches');
    else needs(message.attributes !== undefined, 'attributes');
  });

interface SimFeed extends QueuedJob {
  readonly feedId: string;
  readonly feedType: string;
  readonly marketplaceIds: readonly string[];
  readonly inputFeedDocumentId: string;
  processingEndTime?: number;
  resultFeedDocumentId?: string;
}

/** A processing report issue. */
interface ReportIssue {
  readonly messageId?: number;
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly attributeName?: string;
}

/** The feeds of one simulated seller. */
export class FeedStore {
  #feeds = new Map<string, SimFeed>();

  constructor(
    private readonly sellerId: string,
    private readonly ids: IdSource,
    private readonly documents: DocumentStore,
    private readonly listings: ListingStore,
  ) {}

  /** Forgets every feed. */
  clear(): void {
    this.#feeds = new Map();
  }

  /** createFeed: queues a feed over an uploaded (or yet to be uploaded) document. */
  create(feedType: string, marketplaceIds: readonly string[], inputFeedDocumentId: string): string {
    const feedId = this.ids.digits(11);
    this.#feeds.set(feedId, {
      feedId,
      feedType,
      marketplaceIds,
      inputFeedDocumentId,
      createdAt: Date.now(),
      processingStatus: 'IN_QUEUE',
    });
    return feedId;
  }

  /** The feed, or undefined. */
  get(feedId: string): SimFeed | undefined {
    return this.#feeds.get(feedId);
  }

  /** Every feed. */
  all(): SimFeed[] {
    return [...this.#feeds.values()];
  }

  /** Moves feeds along (see `stepJob`); `polled` is the feed a getFeed asks for. */
  advance(polled?: string): void {
    const now = Date.now();
    for (const feed of this.#feeds.values()) {
      if (stepJob(feed, now, feed.feedId === polled)) this.#process(feed, now);
    }
  }

  /** getFeed's answer. */
  view(feed: SimFeed) {
    return {
      feedId: feed.feedId,
      feedType: feed.feedType,
      marketplaceIds: [...feed.marketplaceIds],
      createdTime: isoMillis(feed.createdAt),
      processingStatus: feed.processingStatus,
      ...(feed.processingStartTime === undefined ? {} : { processingStartTime: isoMillis(feed.processingStartTime) }),
      ...(feed.processingEndTime === undefined ? {} : { processingEndTime: isoMillis(feed.processingEndTime) }),
      ...(feed.resultFeedDocumentId === undefined ? {} : { resultFeedDocumentId: feed.resultFeedDocumentId }),
    };
  }

  #process(feed: SimFeed, now: number): void {
    const outcome = this.#run(feed);
    feed.processingStatus = outcome.fatal ? 'FATAL' : 'DONE';
    feed.processingEndTime = now;
    const errors = outcome.issues.filter((i) => i.severity === 'ERROR').length;
    const report = {
      header: { sellerId: this.sellerId, version: '2.0', feedId: feed.feedId },
      issues: outcome.issues,
      summary: {
        errors,
        warnings: outcome.issues.filter((i) => i.severity === 'WARNING').length,
        messagesProcessed: outcome.processed,
        messagesAccepted: outcome.accepted,
        messagesInvalid: outcome.processed - outcome.accepted,
      },
    };
    const id = `amzn1.tortuga.4.eu.${this.ids.uuid()}.${this.ids.hex(14).toUpperCase()}`;
    this.documents.put({ id, content: Buffer.from(JSON.stringify(report)), contentType: 'application/json' });
    feed.resultFeedDocumentId = id;
  }

  #run(feed: SimFeed): { fatal: boolean; issues: ReportIssue[]; processed: number; accepted: number } {
    const fatal = (message: string) => ({
      fatal: true,
      issues: [{ code: ISSUE_CODES.invalidValue, severity: 'ERROR', message }],
      processed: 0,
      accepted: 0,
    });
    const content = this.documents.get(feed.inputFeedDocumentId)?.content;
    if (!content) return fatal(`Feed document ${feed.inputFeedDocumentId} was never uploaded.`);
    let json: unknown;
    try {
      json = JSON.parse(content.toString('utf8'));
    } catch {
      return fatal('The feed document is not valid JSON.');
    }
    const envelope = feedEnvelopeSchema.safeParse(json);
    if (!envelope.success)
      return fatal(`The feed document does not match the schema: ${describeIssues(envelope.error)}`);
    if (envelope.data.header.sellerId !== this.sellerId) {
      return fatal(`The header's sellerId ${envelope.data.header.sellerId} is not the submitting seller.`);
    }
    const issues: ReportIssue[] = [];
    const seen = new Set<number>();
    let accepted = 0;
    for (const [index, raw] of envelope.data.messages.entries()) {
      const messageIssues = this.#apply(raw, index, seen, feed.marketplaceIds);
      issues.push(...messageIssues);
      if (!messageIssues.some((i) => i.severity === 'ERROR')) accepted++;
    }
    return { fatal: false, issues, processed: envelope.data.messages.length, accepted };
  }

  #apply(raw: unknown, index: number, seen: Set<number>, marketplaceIds: readonly string[]): ReportIssue[] {
    const parsed = feedMessageSchema.safeParse(raw);
    const rawId = (raw as { messageId?: unknown } | null)?.messageId;
    const messageId = parsed.success ? parsed.data.messageId : typeof rawId === 'number' ? rawId : index + 1;
    const invalid = (message: string): ReportIssue[] => [
      { messageId, code: ISSUE_CODES.invalidValue, severity: 'ERROR', message },
    ];
    if (!parsed.success) return invalid(`The message does not match the schema: ${describeIssues(parsed.error)}`);
    if (seen.has(messageId)) return invalid(`messageId ${messageId} is used more than once.`);
    seen.add(messageId);
    const message = parsed.data;
    const productType = message.productType ?? '';
    const toReport = (listingIssues: readonly ListingIssue[]): ReportIssue[] =>
      listingIssues.map((i) => ({
        messageId,
        code: i.code,
        severity: i.severity,
        message: i.message,
        ...(i.attributeNames.length === 1 ? { attributeName: i.attributeNames[0] } : {}),
      }));
    switch (message.operationType) {
      case 'DELETE':
        return toReport(this.listings.delete(message.sku, marketplaceIds).issues);
      case 'UPDATE':
        return toReport(
          this.listings.put(
            message.sku,
            marketplaceIds,
            { productType, requirements: message.requirements ?? 'LISTING', attributes: message.attributes ?? {} },
            false,
          ).issues,
        );
      case 'PARTIAL_UPDATE': {
        const changes = Object.entries(message.attributes ?? {}).map(([name, value]) => ({
          op: 'replace' as const,
          name,
          value,
        }));
        return toReport(this.listings.patch(message.sku, marketplaceIds, productType, changes, false).issues);
      }
      case 'PATCH': {
        const changes = changesOfPatches(message.patches ?? []);
        if (typeof changes === 'string') return invalid(changes);
        return toReport(this.listings.patch(message.sku, marketplaceIds, productType, changes, false).issues);
      }
    }
  }
}
