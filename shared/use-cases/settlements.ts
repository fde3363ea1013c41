import type { Readable } from 'node:stream';
import type { ObjectStore } from '../adapters/aws/object-store';
import type { SettlementsRepository } from '../adapters/aws/settlements-repository';
import { readSettlementRows } from '../adapters/settlement-file';
import type { AccountMapping } from '../domain/settlement/account-mapping';
import { aggregateSettlement, renderJournalCsv, toSettlementJson } from '../domain/settlement/journal';
import { SettlementFormatError } from '../domain/settlement/parse';
import type { ExceptionSink } from '../ports';

/** Where fetched settlement files land; an S3 rule on this prefix starts the parser. */
export const INCOMING_PREFIX = 'settlements/incoming/';
/** Where journals are written. */
export const JOURNALS_PREFIX = 'settlements/journals/';

/** The reports side of SP-API as the retrieval needs it. */
export interface SettlementReportSource {
  listSettlementReports(createdSince: Date): Promise<{ reportId: string; reportDocumentId?: string }[]>;
  downloadReportDocument(reportDocumentId: string): Promise<string>;
}

/**
 * Fetches every finished settlement report of the last 90 days (Amazon keeps them that long) that the hub
 * has not fetched yet into `settlements/incoming/<reportId>.txt`. A report is downloaded once: its id is
 * marked with a conditional write only after the file is stored, so a failure half way is simply retried.
 */
export const makeFetchSettlementReports =
  ({
    source,
    store,
    settlements,
    now = () => new Date(),
  }: {
    source: SettlementReportSource;
    store: ObjectStore;
    settlements: Pick<SettlementsRepository, 'isReportFetched' | 'markReportFetched'>;
    now?: () => Date;
  }) =>
  async (): Promise<{ listed: number; fetched: string[] }> => {
    const since = new Date(now().getTime() - 90 * 86_400_000);
    const reports = await source.listSettlementReports(since);
    const fetched: string[] = [];
    for (const report of reports) {
      if (!report.reportDocumentId) continue;
      if (await settlements.isReportFetched(report.reportId)) continue;
      const objectKey = `${INCOMING_PREFIX}${report.reportId}.txt`;
      const text = await source.downloadReportDocument(report.reportDocumentId);
      // Stored first, then marked: a crash in between fetches it again, and the parser knows the settlement.
      await store.put(objectKey, text, 'text/tab-separated-values; charset=utf-8');
      if (await settlements.markReportFetched(report.reportId, objectKey)) fetched.push(report.reportId);
    }
    return { listed: reports.length, fetched };
  };

/** What the parser did with one file. */
export type SettlementOutcome =
  | { outcome: 'posted'; settlementId: string; journalKey: string; csvKey: string; unmapped: number }
  | { outcome: 'duplicate' | 'unbalanced'; settlementId: string }
  | { outcome: 'unreadable'; reason: string };

/** Announces a posted journal (the hub's event bus `SettlementJournalCreated`). */
export type JournalAnnouncer = (detail: {
  settlementId: string;
  currency: string;
  totalAmount: string;
  journalKey: string;
  csvKey: string;
}) => Promise<void>;

/**
 * Turns one settlement file into one balanced journal entry: stream-parsed (constant memory), aggregated and
 * mapped to accounts. Unmapped kinds go to suspense and raise `SETTLEMENT_UNMAPPED_TYPE`, never blocking; a
 * file that does not sum to its total raises `SETTLEMENT_UNBALANCED` and is not posted; an unreadable file
 * raises `SETTLEMENT_UNREADABLE`. The settlement id's record makes a second run of the same settlement a
 * duplicate, noted on that record (`duplicateSources`).
 */
export const makeProcessSettlementFile =
  ({
    store,
    settlements,
    exceptions,
    announce,
    mapping,
  }: {
    store: ObjectStore;
    settlements: Pick<SettlementsRepository, 'claim' | 'finish' | 'recordDuplicate'>;
    exceptions: ExceptionSink;
    announce: JournalAnnouncer;
    mapping?: AccountMapping;
  }) =>
  async (sourceKey: string, body: Readable): Promise<SettlementOutcome> => {
    let journal: Awaited<ReturnType<typeof aggregateSettlement>>;
    try {
      journal = await aggregateSettlement(readSettlementRows(body), mapping);
    } catch (error) {
      if (!(error instanceof SettlementFormatError)) throw error;
      await exceptions.raise('SETTLEMENT_UNREADABLE', sourceKey, { sourceKey, reason: error.message });
      return { outcome: 'unreadable', reason: error.message };
    }
    const { settlementId } = journal;
    if ((await settlements.claim(settlementId, sourceKey)) === 'posted') {
      await settlements.recordDuplicate(settlementId, sourceKey);
      return { outcome: 'duplicate', settlementId };
    }
    const json = toSettlementJson(journal);
    for (const unmapped of json.unmapped) {
      const kind = `${unmapped.transactionType}|${unmapped.amountType}|${unmapped.amountDescription}`;
      await exceptions.raise('SETTLEMENT_UNMAPPED_TYPE', kind, { settlementId, ...unmapped, sourceKey });
    }
    if (!journal.balanced) {
      await exceptions.raise('SETTLEMENT_UNBALANCED', settlementId, {
        settlementId,
        sourceKey,
        totalAmount: json.totalAmount,
        rowCount: journal.rowCount,
      });
      await settlements.finish(settlementId, 'unbalanced');
      return { outcome: 'unbalanced', settlementId };
    }
    const journalKey = `${JOURNALS_PREFIX}${settlementId}.json`;
    const csvKey = `${JOURNALS_PREFIX}${settlementId}.csv`;
    await store.put(journalKey, JSON.stringify(json, null, 2), 'application/json');
    await store.put(csvKey, renderJournalCsv(journal), 'text/csv');
    await settlements.finish(settlementId, 'posted', { journalKey, csvKey });
    await announce({ settlementId, currency: journal.currency, totalAmount: json.totalAmount, journalKey, csvKey });
    return { outcome: 'posted', settlementId, journalKey, csvKey, unmapped: json.unmapped.length };
  };
