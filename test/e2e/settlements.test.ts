import { readFileSync } from 'node:fs';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { eventually, useHub } from '../helpers/hub';

const hub = useHub();
const fixture = (name: string) => readFileSync(new URL(`../fixtures/settlement/${name}`, import.meta.url), 'utf8');

const fetchNow = async () => {
  const fetcher = [...hub().functions.entries()].find(([id]) => id.startsWith('SettlementsSettlementFetch'))?.[1];
  const outcome = await fetcher?.invoke({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
  expect(outcome).toMatchObject({ ok: true });
  return (outcome as { result: { fetched: string[] } }).result;
};

const journalKeys = async () => {
  const { Contents = [] } = await hub().engines.s3.send(
    new ListObjectsV2Command({ Bucket: hub().bucket, Prefix: 'settlements/journals/' }),
  );
  return Contents.map((c) => c.Key as string).sort();
};

describe('Amazon settlement reports into journal entries through the local hub', () => {
  it('turns a report from the Reports API into one balanced journal and one event, even when dropped twice', async () => {
    const { simulators, events, engines, bucket } = hub();
    const content = fixture('amazon-de-2024-10-11.v2.txt');
    simulators.amazon.addReport({ content, gzip: true, charset: 'UTF-8' });
    expect((await fetchNow()).fetched).toHaveLength(1);

    // The parser writes the journal, then its CSV, then announces it: the announcement says both are there.
    await eventually(async () => events.some((e) => e.detailType === 'SettlementJournalCreated'), 30_000, 'a journal');
    expect(await journalKeys()).toEqual([
      'settlements/journals/23167452842.csv',
      'settlements/journals/23167452842.json',
    ]);
    const journal = 'settlements/journals/23167452842.json';
    const body = JSON.parse(
      (await (
        await engines.s3.send(new GetObjectCommand({ Bucket: bucket, Key: journal }))
      ).Body?.transformToString()) ?? '{}',
    );
    expect(body).toMatchObject({ settlementId: '23167452842', currency: 'EUR', balanced: true, unmapped: [] });
    const csv =
      (await (
        await engines.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'settlements/journals/23167452842.csv' }))
      ).Body?.transformToString()) ?? '';
    expect(csv.split('\n')[0]).toBe('date,account,description,debit,credit,currency,settlement-id');

    // Amazon lists the same settlement again (a second report of it): nothing new is posted.
    simulators.amazon.addReport({ content, charset: 'UTF-8' });
    expect((await fetchNow()).fetched).toHaveLength(1);
    expect((await fetchNow()).fetched).toHaveLength(0);
    const incoming = await eventually(async () => {
      const { Contents = [] } = await engines.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'settlements/incoming/' }),
      );
      return Contents.length === 2 ? Contents.map((c) => c.Key as string) : undefined;
    });
    // The parser's own record that it saw the second file and left it alone, not a pause.
    const { settlements } = hub();
    await eventually(
      async () => {
        const record = await settlements.get('23167452842');
        return incoming.some((key) => record?.duplicateSources?.includes(key));
      },
      30_000,
      'the second file of settlement 23167452842 handled as a duplicate',
    );
    expect(await journalKeys()).toEqual([
      'settlements/journals/23167452842.csv',
      'settlements/journals/23167452842.json',
    ]);
    expect(events.filter((e) => e.detailType === 'SettlementJournalCreated')).toHaveLength(1);
  }, 120_000);

  it('posts nothing for a file whose rows do not add up to its total, and tells finance', async () => {
    const { simulators, exceptions } = hub();
    const lines = fixture('amazon-uk-2024-10-18.v2.txt').split('\n');
    // Change one detail row's amount by a penny: the summary row's total no longer matches.
    const index = lines.findIndex((line, i) => i > 1 && /\t-?\d+[.,]\d{2}\t/.test(line));
    lines[index] = (lines[index] as string).replace(
      /\t(-?\d+)([.,])(\d)(\d)\t/,
      (_, whole, sep, tens, ones) => `\t${whole}${sep}${tens}${(Number(ones) + 1) % 10}\t`,
    );
    simulators.amazon.addReport({ content: lines.join('\n'), charset: 'UTF-8' });
    await fetchNow();
    const unbalanced = await eventually(
      async () => (await exceptions.list({ type: 'SETTLEMENT_UNBALANCED' }))[0],
      30_000,
      'SETTLEMENT_UNBALANCED',
    );
    expect(unbalanced).toMatchObject({ owner: 'finance', status: 'open' });
    expect((await journalKeys()).filter((k) => k.includes(unbalanced.key))).toEqual([]);
  }, 120_000);
});
