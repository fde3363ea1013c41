/**
 * Reports API 2021-06-30 as the hub uses it for settlements: Amazon generates settlement reports on its own
 * schedule (here: `POST /_sim/reports`), the hub finds them with getReports and downloads the document, which may
 * be gzipped and in a charset other than UTF-8. Requested reports of other types are accepted and end CANCELLED,
 * Amazon's status for "no data", because the simulator has no data to put in them.
 */
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { type DocumentStore, encodeText } from './documents';
import { REPORT_RETENTION_MS } from './facts';
import { type IdSource, isoDateSchema, isoMillis, type QueuedJob, stepJob } from './support';

/** The default of `POST /_sim/reports`: what the hub's settlement loop reads. */
export const SETTLEMENT_REPORT_TYPE = 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2';

/** Body of `POST /_sim/reports` (and of `addReport`). */
export const addReportInputSchema = z.object({
  reportType: z.string().min(1).default(SETTLEMENT_REPORT_TYPE),
  content: z.string(),
  charset: z.string().min(1).default('UTF-8'),
  gzip: z.boolean().default(false),
  marketplaceIds: z.array(z.string()).optional(),
  dataStartTime: isoDateSchema.optional(),
  dataEndTime: isoDateSchema.optional(),
});

/** Input of `addReport`. */
export type AddReportInput = z.input<typeof addReportInputSchema>;

/** Body of createReport. */
export const createReportBodySchema = z.object({
  reportType: z.string().min(1),
  marketplaceIds: z.array(z.string()).min(1).max(25),
  dataStartTime: isoDateSchema.optional(),
  dataEndTime: isoDateSchema.optional(),
  reportOptions: z.record(z.string(), z.string()).optional(),
});

interface SimReport extends QueuedJob {
  readonly reportId: string;
  readonly reportType: string;
  readonly marketplaceIds?: readonly string[];
  readonly dataStartTime: number;
  readonly dataEndTime: number;
  processingEndTime?: number;
  reportDocumentId?: string;
}

/** A getReports search. */
export interface ReportQuery {
  readonly reportTypes: readonly string[];
  readonly processingStatuses?: readonly string[];
  readonly marketplaceIds?: readonly string[];
  readonly createdSince: number;
  readonly createdUntil: number;
}

/** One page of getReports. */
export interface ReportPage {
  readonly reports: SimReport[];
  readonly nextToken?: string;
}

const DAY_MS = 24 * 3600_000;

/** The reports of one simulated seller. */
export class ReportStore {
  #reports = new Map<string, SimReport>();
  #pages = new Map<string, { pageSize: number; ids: readonly string[] }>();

  constructor(
    private readonly ids: IdSource,
    private readonly documents: DocumentStore,
  ) {}

  /** Forgets every report and paging token. */
  clear(): void {
    this.#reports = new Map();
    this.#pages = new Map();
  }

  /** A DONE report with the given document, as if Amazon had generated it. Throws on an unusable charset. */
  add(input: z.output<typeof addReportInputSchema>): { reportId: string; reportDocumentId: string } {
    const body = encodeText(input.content, input.charset);
    const now = Date.now();
    const reportId = this.#newReportId();
    const reportDocumentId = `amzn1.spdoc.1.4.eu.${this.ids.uuid()}.${this.ids.hex(14).toUpperCase()}`;
    this.documents.put({
      id: reportDocumentId,
      content: input.gzip ? gzipSync(body) : body,
      contentType: `text/tab-separated-values;charset=${input.charset}`,
      ...(input.gzip ? { compression: 'GZIP' as const } : {}),
    });
    this.#reports.set(reportId, {
      reportId,
      reportType: input.reportType,
      ...(input.marketplaceIds ? { marketplaceIds: input.marketplaceIds } : {}),
      // Settlement periods run about 14 days [O reference amazon-settlement.md].
      dataStartTime: input.dataStartTime ? Date.parse(input.dataStartTime) : now - 14 * DAY_MS,
      dataEndTime: input.dataEndTime ? Date.parse(input.dataEndTime) : now,
      createdAt: now,
      processingStatus: 'DONE',
      processingStartTime: now,
      processingEndTime: now,
      reportDocumentId,
    });
    return { reportId, reportDocumentId };
  }

  /** createReport for a type the simulator has no data for. */
  request(input: z.output<typeof createReportBodySchema>): string {
    const now = Date.now();
    const reportId = this.#newReportId();
    this.#reports.set(reportId, {
      reportId,
      reportType: input.reportType,
      marketplaceIds: input.marketplaceIds,
      dataStartTime: input.dataStartTime ? Date.parse(input.dataStartTime) : now - DAY_MS,
      dataEndTime: input.dataEndTime ? Date.parse(input.dataEndTime) : now,
      createdAt: now,
      processingStatus: 'IN_QUEUE',
    });
    return reportId;
  }

  #newReportId(): string {
    for (;;) {
      const id = `5${this.ids.digits(10)}`;
      if (!this.#reports.has(id)) return id;
    }
  }

  /** Moves requested reports along (see `stepJob`); `polled` is the report a getReport asks for. */
  advance(polled?: string): void {
    const now = Date.now();
    for (const report of this.#reports.values()) {
      if (stepJob(report, now, report.reportId === polled)) {
        report.processingStatus = 'CANCELLED';
        report.processingEndTime = now;
      }
    }
  }

  /** The report, or undefined. */
  get(reportId: string): SimReport | undefined {
    return this.#reports.get(reportId);
  }

  /** Every report. */
  all(): SimReport[] {
    return [...this.#reports.values()];
  }

  /** The report whose document this is, or undefined. */
  byDocument(reportDocumentId: string): SimReport | undefined {
    return this.all().find((report) => report.reportDocumentId === reportDocumentId);
  }

  /** getReports' first page: newest first, nothing older than the 90 days Amazon keeps. */
  search(query: ReportQuery, pageSize: number): ReportPage {
    const oldest = Date.now() - REPORT_RETENTION_MS;
    const ids = this.all()
      .filter(
        (report) =>
          query.reportTypes.includes(report.reportType) &&
          (!query.processingStatuses || query.processingStatuses.includes(report.processingStatus)) &&
          (!query.marketplaceIds || query.marketplaceIds.some((id) => report.marketplaceIds?.includes(id))) &&
          report.createdAt >= Math.max(query.createdSince, oldest) &&
          report.createdAt <= query.createdUntil,
      )
      .sort((a, b) => b.createdAt - a.createdAt || b.reportId.localeCompare(a.reportId))
      .map((report) => report.reportId);
    return this.#page(ids, pageSize);
  }

  /** The page after `nextToken`, or undefined for an unknown token. */
  continue(nextToken: string): ReportPage | undefined {
    const page = this.#pages.get(nextToken);
    return page && this.#page(page.ids, page.pageSize);
  }

  #page(ids: readonly string[], pageSize: number): ReportPage {
    const reports = ids.slice(0, pageSize).flatMap((id) => this.#reports.get(id) ?? []);
    if (ids.length <= pageSize) return { reports };
    const nextToken = this.ids.hex(32);
    // The page size rides with the token because a nextToken request may carry nothing else.
    this.#pages.set(nextToken, { pageSize, ids: ids.slice(pageSize) });
    return { reports, nextToken };
  }

  /** getReport's answer. */
  view(report: SimReport) {
    return {
      reportId: report.reportId,
      reportType: report.reportType,
      ...(report.marketplaceIds ? { marketplaceIds: [...report.marketplaceIds] } : {}),
      dataStartTime: isoMillis(report.dataStartTime),
      dataEndTime: isoMillis(report.dataEndTime),
      createdTime: isoMillis(report.createdAt),
      processingStatus: report.processingStatus,
      ...(report.processingStartTime === undefined
        ? {}
        : { processingStartTime: isoMillis(report.processingStartTime) }),
      ...(report.processingEndTime === undefined ? {} : { processingEndTime: isoMillis(report.processingEndTime) }),
      ...(report.reportDocumentId === undefined ? {} : { reportDocumentId: report.reportDocumentId }),
    };
  }
}
