import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LWA_CREDENTIALS, startAmazonSimulator } from '../../../local/simulators/amazon';
import { SETTLEMENT_REPORT_TYPE, SpApiClient } from '../../../shared/adapters/amazon/client';
import { UpstreamRejectedError } from '../../../shared/runtime/errors';

const fixture = readFileSync(new URL('../../fixtures/settlement/amazon-de-2024-10-11.v2.txt', import.meta.url), 'utf8');

describe('SpApiClient against the SP-API simulator', () => {
  let amazon: Awaited<ReturnType<typeof startAmazonSimulator>>;
  const client = (credentials = DEFAULT_LWA_CREDENTIALS) =>
    new SpApiClient({
      endpoint: amazon.url,
      tokenUrl: `${amazon.url}/auth/o2/token`,
      credentials: async () => credentials,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 10 },
    });

  beforeAll(async () => {
    amazon = await startAmazonSimulator();
  });
  // Every test counts the reports it added itself.
  beforeEach(async () => {
    await fetch(`${amazon.url}/_sim/reset`, { method: 'POST' });
  });
  afterAll(async () => amazon.stop());

  it('lists every finished settlement report and downloads each, gunzipped and decoded', async () => {
    for (let i = 0; i < 3; i++) amazon.addReport({ content: fixture, gzip: i % 2 === 0, charset: 'UTF-8' });
    amazon.addReport({ reportType: 'GET_FLAT_FILE_OPEN_LISTINGS_DATA', content: 'not a settlement' });
    const sp = client();
    const reports = await sp.listSettlementReports(new Date(Date.now() - 86_400_000));
    expect(reports).toHaveLength(3);
    expect(reports.every((r) => r.reportType === SETTLEMENT_REPORT_TYPE && r.processingStatus === 'DONE')).toBe(true);
    for (const report of reports)
      expect(await sp.downloadReportDocument(report.reportDocumentId as string)).toBe(fixture);
  });

  it('refuses to work with credentials LWA does not know', async () => {
    const error = await client({ ...DEFAULT_LWA_CREDENTIALS, clientSecret: 'wrong' })
      .listSettlementReports(new Date())
      .catch((e) => e);
    expect(error).toBeInstanceOf(UpstreamRejectedError);
    expect(error.status).toBe(400);
  });

  it('follows nextToken, and only nextToken, through more than one page of reports', async () => {
    // More than one page of getReports (at most 100 a page).
    for (let i = 0; i < 103; i++) amazon.addReport({ content: fixture });
    const reports = await client().listSettlementReports(new Date(Date.now() - 86_400_000));
    expect(reports).toHaveLength(103);
    expect(new Set(reports.map((r) => r.reportId)).size).toBe(103);
  });
});
