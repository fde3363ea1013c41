import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLocalHubFile } from '../../local/commands/target';
import { LOCAL_REGION } from '../../local/hub/intrinsics';
import { DEFAULT_SCAYLE_TOKEN } from '../../local/simulators/scayle';
import type { CheckResult } from '../../shared/use-cases/doctor/checks';
import { hubCli } from '../helpers/cli';
import { useHub } from '../helpers/hub';

/** Runs `hub doctor --local --json` and answers its exit code and lines by id. */
const doctor = async () => {
  const run = await hubCli('doctor', '--local', '--json');
  expect(run.stderr).toBe('');
  const { results } = JSON.parse(run.stdout) as { results: CheckResult[] };
  return { code: run.code, byId: new Map(results.map((r) => [r.id, r])), results };
};

describe('hub doctor --local', () => {
  const hub = useHub();
  const dir = mkdtempSync(path.join(tmpdir(), 'hub-doctor-'));
  let forget: () => void = () => {};
  /** Describes the test's hub where `--local` looks (its own file: other tests run `npm start` beside it). */
  const describeHub = (config: unknown) => {
    forget();
    const { endpoints, outputs, credentials } = hub();
    forget = writeLocalHubFile({
      pid: process.pid,
      region: LOCAL_REGION,
      endpoints,
      outputs,
      accessKeyId: credentials.accessKeyId,
      config,
    });
  };

  beforeAll(() => {
    process.env.HUB_LOCAL_FILE = path.join(dir, 'local.json');
  });
  afterAll(() => {
    forget();
    delete process.env.HUB_LOCAL_FILE;
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes on a fresh local hub: every probe passes or cannot tell read-only, none fails', async () => {
    describeHub(hub().config);

    const { code, results, byId } = await doctor();

    expect(results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(code).toBe(0);
    for (const id of [
      'scayle.shops.ac',
      'scayle.webhook-subscriptions',
      'scayle.carriers',
      'orderwise.token',
      'orderwise.export.freeStockPage',
      'orderwise.export.freeStockChangedSince',
      'orderwise.export.despatchesSince',
      'amazon.lwa',
      'amazon.participations',
      'amazon.seller-id',
      'amazon.order-change',
      'amazon.settlement-reports',
    ])
      expect({ id, status: byId.get(id)?.status }).toEqual({ id, status: 'pass' });
    // Nothing has been ordered yet, and no read shows how OrderWise cancels: said, not guessed.
    for (const id of ['scayle.recent-order', 'orderwise.status', 'orderwise.cancel', 'amazon.carrier-codes'])
      expect({ id, status: byId.get(id)?.status }).toEqual({ id, status: 'cannot-check' });
  });

  it('names each problem of a mis-set tenant and exits 1', async () => {
    const { simulators, config } = hub();
    // SCAYLE: the order-confirmed subscription deleted, as a Panel user might.
    const confirmed = simulators.scayle.subscriptions().find((s) => s.event === 'order-confirmed');
    const deleted = await fetch(`${simulators.scayle.apiUrl}/webhooks/subscriptions/${confirmed?.id}`, {
      method: 'DELETE',
      headers: { 'x-access-token': DEFAULT_SCAYLE_TOKEN },
    });
    expect(deleted.status).toBe(204);
    // OrderWise: the stock definitions name the free stock column otherwise.
    simulators.orderwise.misconfigure({ renameColumns: { vasq_free_stock_quantity: 'free_stock' } });
    // Amazon: ORDER_CHANGE re-pointed at another queue; the stage names a marketplace the seller does not sell in.
    simulators.amazon.subscribeOrderChange('arn:aws:sqs:eu-west-1:000000000000:someone-elses-queue');
    describeHub({
      ...config,
      amazon: {
        ...config.amazon,
        marketplaceIds: [...config.amazon.marketplaceIds, 'A2Q3Y263D00KWC'],
        scayleShops: {
          ...config.amazon.scayleShops,
          A2Q3Y263D00KWC: { shopKey: 'ac', countryCode: 'DE', channelKey: 'marketplace_amazon_br' },
        },
      },
    });
    try {
      const { code, results, byId } = await doctor();

      expect(code).toBe(1);
      expect(results.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual([
        'scayle.webhook-subscriptions',
        'orderwise.export.freeStockPage',
        'orderwise.export.freeStockChangedSince',
        'amazon.participations',
        'amazon.order-change',
      ]);
      expect(byId.get('scayle.webhook-subscriptions')?.detail).toMatch(/for order-confirmed$/);
      expect(byId.get('orderwise.export.freeStockPage')?.detail).toMatch(/answers without vasq_free_stock_quantity$/);
      expect(byId.get('amazon.participations')?.detail).toMatch(/does not participate in A2Q3Y263D00KWC/);
      expect(byId.get('amazon.order-change')?.detail).toMatch(
        /go to arn:aws:sqs:eu-west-1:000000000000:someone-elses-queue, not /,
      );
      for (const id of byId.keys()) if (byId.get(id)?.status === 'fail') expect(byId.get(id)?.fix).toBeTruthy();
    } finally {
      simulators.orderwise.misconfigure({});
    }
  });
});
