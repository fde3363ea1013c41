import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeDocument } from '../../../shared/adapters/amazon/client';
import type { ObjectStore } from '../../../shared/adapters/aws/object-store';
import { makeFetchSettlementReports, makeProcessSettlementFile } from '../../../shared/use-cases/settlements';

const fixture = readFileSync(new URL('../../fixtures/settlement/amazon-us-2024-10-09.v2.txt', import.meta.url), 'utf8');

class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, string>();
  async put(key: string, body: string | Uint8Array): Promise<void> {
    this.objects.set(key, typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  }
  async getText(key: string): Promise<string> {
    return this.objects.get(key) ?? '';
  }
}

const world = () => {
  const store = new MemoryStore();
  const records = new Map<string, string>();
  const raised: { type: string; key: string }[] = [];
  const announced: string[] = [];
  const fetchedReports = new Set<string>();
  const duplicates: [string, string][] = [];
  const settlements = {
    claim: async (id: string) => {
      if (records.get(id) === 'posted') return 'posted' as const;
      records.set(id, 'processing');
      return 'claimed' as const;
    },
    finish: async (id: string, status: 'posted' | 'unbalanced') => void records.set(id, status),
    recordDuplicate: async (id: string, sourceKey: string) => void duplicates.push([id, sourceKey]),
    isReportFetched: async (id: string) => fetchedReports.has(id),
    markReportFetched: async (id: string) => !fetchedReports.has(id) && Boolean(fetchedReports.add(id)),
  };
  const exceptions = { raise: async (type: string, key: string) => void raised.push({ type, key }) } as never;
  const processFile = makeProcessSettlementFile({
    store,
    settlements,
    exceptions,
    announce: async (d) => void announced.push(d.settlementId),
  });
  return { store, records, raised, announced, duplicates, settlements, processFile };
};

describe('makeProcessSettlementFile', () => {
  it('posts one balanced journal as JSON and CSV and announces it, once per settlement', async () => {
    const { store, announced, duplicates, processFile } = world();
    const first = await processFile('settlements/incoming/a.txt', Readable.from([fixture]));
    expect(first).toMatchObject({
      outcome: 'posted',
      journalKey: expect.stringMatching(/^settlements\/journals\/\d+\.json$/),
    });
    expect(await processFile('settlements/incoming/b.txt', Readable.from([fixture]))).toMatchObject({
      outcome: 'duplicate',
    });
    expect([...store.objects.keys()]).toHaveLength(2);
    expect(announced).toHaveLength(1);
    // The second file is noted on the settlement's record: handled, and deliberately left alone.
    expect(duplicates).toEqual([[first.outcome === 'posted' ? first.settlementId : '', 'settlements/incoming/b.txt']]);
  });

  it('still posts a file with an unknown row kind, on suspense, and names the kind to finance', async () => {
    const { raised, processFile } = world();
    const lines = fixture.split('\n');
    lines[2] = (lines[2] as string).replace(/\tOrder\t/, '\tBrandNewFeeType\t');
    const outcome = await processFile('settlements/incoming/c.txt', Readable.from([lines.join('\n')]));
    expect(outcome).toMatchObject({ outcome: 'posted', unmapped: 1 });
    expect(raised).toEqual([{ type: 'SETTLEMENT_UNMAPPED_TYPE', key: expect.stringMatching(/^BrandNewFeeType\|/) }]);
  });

  it('raises SETTLEMENT_UNREADABLE for a file that is not a V2 settlement and posts nothing', async () => {
    const { store, raised, processFile } = world();
    expect(await processFile('settlements/incoming/d.txt', Readable.from(['hello\tworld\n1\t2\n']))).toMatchObject({
      outcome: 'unreadable',
    });
    expect(raised.map((r) => r.type)).toEqual(['SETTLEMENT_UNREADABLE']);
    expect(store.objects.size).toBe(0);
  });
});

describe('makeFetchSettlementReports', () => {
  it('downloads each finished report once into settlements/incoming/', async () => {
    const { store, settlements } = world();
    let downloads = 0;
    const fetchReports = makeFetchSettlementReports({
      source: {
        listSettlementReports: async () => [{ reportId: 'r1', reportDocumentId: 'd1' }, { reportId: 'r2' }],
        downloadReportDocument: async () => {
          downloads++;
          return fixture;
        },
      },
      store,
      settlements,
    });
    expect(await fetchReports()).toEqual({ listed: 2, fetched: ['r1'] });
    expect(await fetchReports()).toEqual({ listed: 2, fetched: [] });
    expect(downloads).toBe(1);
    expect([...store.objects.keys()]).toEqual(['settlements/incoming/r1.txt']);
  });
});

describe('decodeDocument', () => {
  it('gunzips when Amazon says GZIP and decodes with the charset of the Content-Type', () => {
    const latin1 = Buffer.from('Kühlschrank\t12,50', 'latin1');
    expect(decodeDocument(gzipSync(latin1), 'text/tab-separated-values;charset=ISO-8859-1', true)).toBe(
      'Kühlschrank\t12,50',
    );
    expect(decodeDocument(new TextEncoder().encode('Grüße'), 'text/plain; charset="UTF-8"', false)).toBe('Grüße');
    expect(decodeDocument(new TextEncoder().encode('plain'), null, false)).toBe('plain');
  });
});
