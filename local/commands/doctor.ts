import type { Command } from 'commander';
import { parseStageConfig, type StageConfig } from '../../lib/config/stage-config';
import { lwaCredentialsSchema, SpApiClient } from '../../shared/adapters/amazon/client';
import { AmazonSetupReader } from '../../shared/adapters/amazon/setup';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { OrderwiseClient, orderwiseCredentialsSchema } from '../../shared/adapters/orderwise/client';
import { scayleCredentialsSchema } from '../../shared/adapters/scayle/client';
import { ScayleSetupReader } from '../../shared/adapters/scayle/setup';
import { DEFAULT_CARRIER_TABLE, mergeCarrierTable, SCAYLE_CARRIER_KEY_OTHER } from '../../shared/domain/carriers';
import { parseWith } from '../../shared/runtime/validation';
import { amazonProbes } from '../../shared/use-cases/doctor/amazon';
import { type CheckResult, type NamedProbe, runProbes } from '../../shared/use-cases/doctor/checks';
import { orderwiseProbes } from '../../shared/use-cases/doctor/orderwise';
import { scayleProbes } from '../../shared/use-cases/doctor/scayle';
import { type HubTarget, readTargetSecret, resolveTarget } from './target';

const MARK: Record<CheckResult['status'], string> = { pass: 'pass', fail: 'FAIL', 'cannot-check': 'n/a ' };

/** A secret of the target, validated, read once however many clients ask. */
const secretReader = <T>(target: HubTarget, name: string, parse: (value: unknown) => T): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => {
    value ??= readTargetSecret(target, name).then(parse);
    return value;
  };
};

/** The newest sales order the hub posted (from its ledger), for the OrderWise status probe. */
const recentOrder = async (target: HubTarget) => {
  const ledger = new LedgerRepository(makeDocumentClient(target.dynamodb), target.output('LedgerTableName'));
  // Amazon orders' own entries hold no OrderWise order: among the newest few, the first SCAYLE one that does.
  const newest = (await ledger.newestByStatus('acknowledged', 20)).find(
    (e) => e.channel === 'scayle' && e.data.orderwiseOrderId !== undefined,
  );
  return newest
    ? { orderwiseOrderId: Number(newest.data.orderwiseOrderId), externalReference: newest.orderId }
    : undefined;
};

/** Every probe of the stage, built from its config, stack outputs and secrets. */
const probesOf = async (target: HubTarget, config: StageConfig, now: number): Promise<NamedProbe[]> => {
  const { secrets } = config;
  const lwa = secretReader(target, secrets.amazonLwa, (v) =>
    parseWith(lwaCredentialsSchema, v, `secret ${secrets.amazonLwa}`),
  );
  const amazonPeer = { endpoint: config.amazon.endpoint, tokenUrl: config.amazon.tokenUrl, credentials: lwa };
  const carriers = mergeCarrierTable(DEFAULT_CARRIER_TABLE, config.carriers);
  return [
    ...scayleProbes({
      reader: new ScayleSetupReader({
        baseUrl: config.scayle.adminApiUrl,
        credentials: secretReader(target, secrets.scayleApi, (v) =>
          parseWith(scayleCredentialsSchema, v, `secret ${secrets.scayleApi}`),
        ),
      }),
      secretName: secrets.scayleApi,
      shops: config.scayle.shops,
      webhookUrl: `${target.output('ApiUrl').replace(/\/$/, '')}/webhooks/scayle`,
      carrierKeys: [...Object.values(carriers).map((c) => c.scayle), SCAYLE_CARRIER_KEY_OTHER],
      ...(config.scayle.merchantReferenceKey ? { merchantReferenceKey: config.scayle.merchantReferenceKey } : {}),
      sweepFilter: config.scayle.orderSweep.updatedSinceFilter,
      now,
    }),
    ...orderwiseProbes({
      client: new OrderwiseClient({
        baseUrl: config.orderwise.apiUrl,
        sessionId: config.orderwise.sessionId,
        customerAccount: config.orderwise.customerAccount,
        credentials: secretReader(target, secrets.orderwiseApi, (v) =>
          parseWith(orderwiseCredentialsSchema, v, `secret ${secrets.orderwiseApi}`),
        ),
        profile: config.orderwise.profile,
        retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 },
      }),
      secretName: secrets.orderwiseApi,
      recentOrder: await recentOrder(target),
      now,
    }),
    ...amazonProbes({
      reader: new AmazonSetupReader(amazonPeer),
      listSettlementReports: (since) => new SpApiClient(amazonPeer).listSettlementReports(since),
      secretName: secrets.amazonLwa,
      sellerId: config.amazon.sellerId,
      marketplaceIds: config.amazon.marketplaceIds,
      notificationsQueueArn: target.output('AmazonNotificationsQueueArn'),
      now,
    }),
  ];
};

/**
 * `hub doctor --stage <s> | --local [--json]`: read-only probes of the stage's peers, one line per assumption the
 * hub makes about them (pass, FAIL, or n/a when a read-only call cannot tell), each failure with what to do. Exits
 * 1 on any failure, so it can gate a deploy pipeline.
 */
export const registerDoctorCommand = (program: Command): void => {
  program
    .command('doctor')
    .description(
      'prove, read-only, that SCAYLE, OrderWise and Amazon are set up as the hub expects (exit 1 on a failure)',
    )
    .option('--local', 'check the local hub (npm start) and its peers')
    .option('--stage <stage>', 'check a deployed stage and its real peers', 'dev')
    .option('--json', 'print the results as JSON')
    .action(async (options: { local?: boolean; stage?: string; json?: boolean }) => {
      const target = await resolveTarget(options);
      const config = parseStageConfig(target.config(), target.name);
      const results = await runProbes(await probesOf(target, config, Date.now()));
      const failed = results.filter((r) => r.status === 'fail').length;
      if (options.json) console.log(JSON.stringify({ target: target.name, failed, results }, null, 2));
      else {
        console.log(`hub doctor: ${target.name}`);
        for (const r of results) {
          console.log(`${MARK[r.status]}  ${r.system.padEnd(9)} ${r.id}: ${r.detail}`);
          if (r.status !== 'pass' && r.fix) console.log(`      -> ${r.fix}`);
        }
        const counts = (['pass', 'fail', 'cannot-check'] as const).map(
          (s) => results.filter((r) => r.status === s).length,
        );
        console.log(`${counts[0]} passed, ${counts[1]} failed, ${counts[2]} not checkable read-only`);
      }
      if (failed > 0) process.exitCode = 1;
    });
};
