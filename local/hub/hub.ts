import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp, interceptLocalhostDns } from 'fauxqs';
import { mergeConfig } from '../../lib/config/stage-config';
import { resolveStage } from '../../lib/config/stages';
import type { ScheduleName } from '../../lib/constructs/hub-schedule';
import { ENTRY_METADATA_KEY, SCHEDULE_METADATA_KEY } from '../../lib/constructs/metadata';
import { CatalogueRepository } from '../../shared/adapters/aws/catalogue-repository';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { LedgerRepository } from '../../shared/adapters/aws/ledger-repository';
import { SettlementsRepository } from '../../shared/adapters/aws/settlements-repository';
import { StockRepository } from '../../shared/adapters/aws/stock-repository';
import { DEFAULT_CARRIER_TABLE, mergeCarrierTable, SCAYLE_CARRIER_KEY_OTHER } from '../../shared/domain/carriers';
import { startDynamoDbLocal } from '../engines/dynamodb-local';
import { DEFAULT_LWA_CREDENTIALS, startAmazonSimulator } from '../simulators/amazon';
import { demoCatalogueMap } from '../simulators/catalogue';
import { DEFAULT_ORDERWISE_USER, startOrderwiseSimulator } from '../simulators/orderwise';
import { DEFAULT_SCAYLE_TOKEN, type ScayleSimulatorOptions, startScayleSimulator } from '../simulators/scayle';
import { type ApiRoute, startApiGateway } from './api-gateway';
import { type BusEvent, startAwsEmulator } from './aws-emulator';
import { EventSourcePoller } from './event-source';
import { bundleFunctionsCached, LocalFunction } from './functions';
import { LOCAL_REGION, Resolver } from './intrinsics';
import { createResources, functionIdIn, type ProvisionedStack, registerResources, resourcePath } from './provision';
import { scheduleEvery } from './schedules';
import { LocalStepFunctions } from './step-functions';
import { type CfnTemplate, type SynthesizedHub, synthesizeHubCached } from './template';

/** What an EventBridge rule or schedule runs. */
type Target = (event: unknown) => Promise<unknown>;

/** Options of the local hub. */
export interface HubOptions {
  /** How much faster schedules run and failed messages come back (e.g. 60: a 15-minute schedule every 15 s). */
  readonly timeCompression?: number;
  /**
   * How much faster a failed message comes back than its queue's visibility timeout says, when not as fast as
   * everything else (`timeCompression`): a test of a retry budget (ten receives, then the dead-letter queue) need
   * not wait out ten visibility timeouts at the pace its schedules and windows need.
   */
  readonly redeliveryCompression?: number;
  /** Stage overrides on top of the dev stage (the peers' URLs are always the simulators'). */
  readonly stageOverrides?: Record<string, unknown>;
  /** Where function logs go; a temporary folder by default. */
  readonly workDir?: string;
  /**
   * Listings the Amazon simulator starts with: the demo catalogue's (default), or none, for the catalogue loop to
   * create from SCAYLE's products.
   */
  readonly amazonListings?: 'seeded' | 'none';
  /** The catalogue map at start: the demo catalogue's (default), or empty, for `hub catalogue import` to fill. */
  readonly catalogueMap?: 'demo' | 'empty';
  /** SCAYLE simulator settings for tests that replay SCAYLE's samples: variants they name, ids they start from. */
  readonly scayle?: Pick<ScayleSimulatorOptions, 'extraVariants' | 'firstIds'>;
  /**
   * Which of the stage's schedules run: all of them (the default, as deployed), or only those named, each at the
   * stage's expression (`true`) or at the one given. Applied to the template as it is read, so choosing schedules
   * never synthesizes the app again; a test hub runs only the schedules its scenarios rely on.
   */
  readonly schedules?: 'all' | HubSchedules;
  /** Changes the synthesized templates before anything is built from them (tests use it to break the wiring on purpose). */
  readonly transformTemplates?: (stacks: SynthesizedHub['stacks']) => SynthesizedHub['stacks'];
  /**
   * A DynamoDB Local already running, shared by several hubs, instead of one started for this hub. DynamoDB Local
   * keeps a database per access key and region, so the hub takes an access key of its own: hubs sharing the engine
   * never see each other's tables, and this hub deletes its tables when it stops.
   */
  readonly dynamodb?: { readonly endpoint: string };
  /**
   * Peers that are real endpoints instead of simulators (a vendor sandbox, a replay of vendor samples): the hub's
   * functions call the URL with the credentials given, which go into the peer's secret as the stage's would.
   */
  readonly peers?: Partial<Record<PeerName, RealPeer>>;
}

/** A peer of the hub. */
export type PeerName = 'scayle' | 'orderwise' | 'amazon';

/** A real endpoint standing in for a peer's simulator. */
export interface RealPeer {
  /** SCAYLE: the Admin API base (`…/api/admin/v1`); OrderWise: the OW API base (`…/owapi`); Amazon: the SP-API endpoint. */
  readonly url: string;
  /** The peer's secret as the stage keeps it: `{accessToken}`, `{username, password}` or `{clientId, clientSecret, refreshToken}`. */
  readonly credentials: Readonly<Record<string, string>>;
  /** Amazon only: the LWA token URL; default `https://api.amazon.com/auth/o2/token`. */
  readonly tokenUrl?: string;
}

/** Schedules a hub runs, by the stage's name for each: at the stage's expression (`true`) or at another. */
export type HubSchedules = Partial<Record<ScheduleName, true | string>>;

/** The expression a schedule rule of the template runs at on this hub, or undefined when it does not run. */
const scheduleOf = (
  resource: CfnTemplate['Resources'][string],
  expression: string,
  chosen: HubOptions['schedules'],
): string | undefined => {
  if (chosen === undefined || chosen === 'all') return expression;
  const name = resource.Metadata?.[SCHEDULE_METADATA_KEY];
  const choice = typeof name === 'string' ? chosen[name as ScheduleName] : undefined;
  return choice === true ? expression : choice;
};

/** The Basic credentials the local hub gives the webhook senders. */
export const LOCAL_WEBHOOK_CREDENTIALS = { username: 'scayle', password: 'local-webhook-password' };
/** The Basic credentials the OrderWise simulator's HTTP exports carry to the local hub. */
export const LOCAL_ORDERWISE_EXPORT_CREDENTIALS = {
  username: 'orderwise',
  password: 'local-orderwise-webhook-password',
};

/** Origins the app is synthesized against in place of the simulators' loopback URLs (`.invalid` never resolves). */
const PEER_STAND_INS = {
  scayle: 'http://scayle.peer.invalid',
  orderwise: 'http://orderwise.peer.invalid',
  amazon: 'http://amazon.peer.invalid',
} as const;

/** The synthesized hub with every stand-in origin replaced by the running peer's. */
const withPeerOrigins = (
  synthesized: SynthesizedHub,
  origins: Readonly<Record<keyof typeof PEER_STAND_INS, string>>,
): SynthesizedHub => {
  let text = JSON.stringify(synthesized);
  for (const [peer, standIn] of Object.entries(PEER_STAND_INS))
    text = text.replaceAll(standIn, origins[peer as keyof typeof PEER_STAND_INS]);
  return JSON.parse(text) as SynthesizedHub;
};

/** A running local hub. */
export type LocalHub = Awaited<ReturnType<typeof startHub>>;

/** Hubs of this process resolving *.localhost to loopback, and how to stop when the last one stops. */
let loopbackDnsUsers = 0;
let restoreDns: (() => void) | undefined;

/**
 * Resolves *.localhost (fauxqs's queue and bucket hosts) to loopback while any hub of the process runs: hubs that
 * stop in another order than they started must not take the resolution from one still running.
 */
const useLoopbackDns = (): (() => void) => {
  if (loopbackDnsUsers++ === 0) restoreDns = interceptLocalhostDns();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--loopbackDnsUsers === 0) restoreDns?.();
  };
};

/** Access keys of the hubs this process started on a shared DynamoDB Local, each its own database there. */
let sharedEngineHubs = 0;

/**
 * Starts the whole hub on this machine: the simulators, DynamoDB Local, fauxqs (SQS and S3), the AWS
 * emulator (Secrets Manager, EventBridge), then everything the synthesized templates declare: tables, queues
 * with their redrive policies, buckets, functions (bundled as for Lambda and run in worker threads with their
 * template environment), SQS event source mappings, API Gateway routes and schedules. Only what the templates
 * wire runs: a queue without an event source is never consumed, here as on AWS.
 */
export const startHub = async (options: HubOptions = {}) => {
  const compression = options.timeCompression ?? 1;
  const credentials = {
    accessKeyId: options.dynamodb ? `hub${process.pid}n${++sharedEngineHubs}` : 'local',
    secretAccessKey: 'local',
  };
  const workDir = options.workDir ?? path.join(tmpdir(), `scayle-hub-${process.pid}-${Date.now()}`);
  mkdirSync(path.join(workDir, 'logs'), { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const functions = new Map<string, LocalFunction>();
  const stop = async () => {
    if (process.env.HUB_PROFILE) {
      const starts = [...functions.values()].map((fn) => [fn.spec.logicalId, fn.coldStarts] as const);
      console.error(`[hub] cold starts: ${starts.reduce((n, [, c]) => n + c, 0)} ${JSON.stringify(starts)}`);
    }
    for (const fn of stops.reverse()) await fn().catch(() => {});
    stops.length = 0;
    if (!options.workDir) rmSync(workDir, { recursive: true, force: true });
  };

  let lapStarted = Date.now();
  const lap = (what: string) => {
    if (process.env.HUB_PROFILE) console.error(`[hub] ${what}: ${Date.now() - lapStarted} ms`);
    lapStarted = Date.now();
  };
  try {
    const releaseDns = useLoopbackDns();
    stops.push(async () => releaseDns());
    // The simulator holds the hub's peer configuration as SCAYLE would: its warehouse and the marketplace channels.
    const stage = resolveStage('dev', options.stageOverrides);
    const real = options.peers ?? {};
    const scayle = await startScayleSimulator({
      ...options.scayle,
      // SCAYLE's per-minute limits run as fast as the hub's time; the hub's client is told so (rateLimitScale).
      rateScale: compression,
      // The tenant's shops as the stage knows them: the shop country ids are what webhooks carry as locale.appId.
      shops: stage.scayle.shops.map((shop, i) => ({
        id: i + 1,
        key: shop.key,
        countryCodes: shop.countries.map((c) => c.countryCode),
        shopCountryIds: Object.fromEntries(
          shop.countries.flatMap((c) => (c.id === undefined ? [] : [[c.countryCode, c.id]])),
        ),
      })),
      warehouseReferenceKey: stage.scayle.warehouseReferenceKey,
      // The carriers the tenant set up in SCAYLE: every key the stage's carrier table sends, and the catch-all.
      carriers: [
        ...new Set([
          ...Object.values(mergeCarrierTable(DEFAULT_CARRIER_TABLE, stage.carriers)).map((c) => c.scayle),
          SCAYLE_CARRIER_KEY_OTHER,
        ]),
      ].map((key) => ({ key })),
      channels: Object.values(stage.amazon.scayleShops).map((shop, i) => ({
        id: i + 1,
        key: shop.channelKey,
        name: shop.channelKey,
        type: 'marketplace',
      })),
    });
    stops.push(scayle.stop);
    const orderwise = await startOrderwiseSimulator();
    stops.push(orderwise.stop);
    // ORDER_CHANGE notifications go to the queue the template makes Amazon's SQS destination, once it exists; the
    // simulator's limits run as fast as the hub's time, and the hub's SP-API client is told so (usagePlanScale).
    let sendNotification: ((sqsArn: string, body: string) => Promise<void>) | undefined;
    const amazon = await startAmazonSimulator({
      rateScale: compression,
      listings: options.amazonListings ?? 'seeded',
      notify: async (notification, destination) => {
        if (!sendNotification) throw new Error('the hub is not ready for ORDER_CHANGE notifications yet');
        await sendNotification(destination.sqsArn, JSON.stringify(notification));
      },
    });
    stops.push(amazon.stop);

    // DynamoDB Local (a JVM) starts while the app is synthesized, unless the hub shares one already running.
    const shared = options.dynamodb;
    const dynamoStarting = shared
      ? Promise.resolve({ endpoint: shared.endpoint })
      : startDynamoDbLocal().then((d) => {
          stops.push(d.stop);
          return d;
        });
    dynamoStarting.catch(() => {});
    // Synthesized against stand-ins for the simulators' origins, then pointed at their real (random) ports: the
    // template cache's key must not change with the ports, or it never hits and every start synthesizes again.
    const peers = { scayle: scayle.url, orderwise: orderwise.url, amazon: amazon.url };
    const standIn = (peer: keyof typeof peers, url: string) => url.replace(peers[peer], PEER_STAND_INS[peer]);
    const cached = withPeerOrigins(
      synthesizeHubCached({
        ...options.stageOverrides,
        scayle: {
          rateLimitScale: real.scayle ? 1 : compression,
          ...(options.stageOverrides?.scayle as object),
          adminApiUrl: real.scayle?.url ?? standIn('scayle', scayle.apiUrl),
        },
        orderwise: {
          ...(options.stageOverrides?.orderwise as object),
          apiUrl: real.orderwise?.url ?? standIn('orderwise', orderwise.apiUrl),
          // The simulated tenant's definition ids, as its OrderWise administrator would hand them over.
          profile: mergeConfig(
            real.orderwise ? {} : { exportDefinitions: orderwise.exportDefinitionIds },
            (options.stageOverrides?.orderwise as { profile?: unknown } | undefined)?.profile,
          ),
        },
        amazon: {
          usagePlanScale: real.amazon ? 1 : compression,
          ...(options.stageOverrides?.amazon as object),
          endpoint: real.amazon?.url ?? PEER_STAND_INS.amazon,
          tokenUrl: real.amazon
            ? (real.amazon.tokenUrl ?? 'https://api.amazon.com/auth/o2/token')
            : `${PEER_STAND_INS.amazon}/auth/o2/token`,
        },
      }),
      peers,
    );
    const synthesized = {
      ...cached,
      stacks: options.transformTemplates?.(structuredClone(cached.stacks)) ?? cached.stacks,
    };
    const { config } = synthesized;
    lap('synth');

    const fauxqs = buildApp({ logger: false, defaultRegion: LOCAL_REGION });

    const rules: { pattern: Record<string, unknown>; bus: string; target: Target }[] = [];
    const stepFunctions = new LocalStepFunctions(
      async (arnOrName, payload) => functions.get(arnOrName.split(':').pop() ?? '')?.invoke(payload),
      compression,
    );
    // Buckets whose notifications go to EventBridge (Custom::S3BucketNotifications in the template).
    const eventBridgeBuckets = new Set<string>();
    const emulator = await startAwsEmulator({
      secrets: {
        [config.secrets.scayleApi]: real.scayle?.credentials ?? { accessToken: DEFAULT_SCAYLE_TOKEN },
        [config.secrets.orderwiseApi]: real.orderwise?.credentials ?? DEFAULT_ORDERWISE_USER,
        [config.secrets.scayleWebhook]: LOCAL_WEBHOOK_CREDENTIALS,
        [config.secrets.orderwiseWebhook]: LOCAL_ORDERWISE_EXPORT_CREDENTIALS,
        [config.secrets.amazonLwa]: real.amazon?.credentials ?? DEFAULT_LWA_CREDENTIALS,
      },
      invoke: async (name, payload) => functions.get(name)?.invoke(payload),
      stepFunctions: () => stepFunctions,
      onEvent: (event: BusEvent) => {
        for (const rule of rules) {
          if (rule.bus === event.bus && matches(rule.pattern, event)) void rule.target(toEventBridgeEvent(event));
        }
      },
    });
    stops.push(emulator.stop);
    // S3 announces new objects of EventBridge-enabled buckets on the default bus, as "Object Created" events.
    type HookRequest = { method: string; url: string; headers: Record<string, string | string[] | undefined> };
    fauxqs.addHook('onResponse', async (request: HookRequest, reply: { statusCode: number }) => {
      if (request.method !== 'PUT' || reply.statusCode !== 200) return;
      // Object writes only: the SDK tags them ?x-id=PutObject; parts, tags and ACLs carry other parameters.
      const [path = '', query = ''] = request.url.split('?');
      if ([...new URLSearchParams(query).keys()].some((name) => name !== 'x-id')) return;
      const [bucket, ...key] = path.split('/').filter(Boolean).map(decodeURIComponent);
      if (!bucket || key.length === 0 || !eventBridgeBuckets.has(bucket)) return;
      emulator.publish({
        bus: 'default',
        source: 'aws.s3',
        detailType: 'Object Created',
        detail: {
          version: '0',
          bucket: { name: bucket },
          object: { key: key.join('/'), size: Number(request.headers['content-length'] ?? 0) },
          reason: 'PutObject',
        },
      });
    });
    await fauxqs.listen({ port: 0, host: '127.0.0.1' });
    stops.push(async () => void (await fauxqs.close()));
    const fauxqsPort = (fauxqs.server.address() as { port: number }).port;
    // fauxqs names queues http://sqs.<region>.localhost:<port>/...; the same host as endpoint keeps the SDK quiet.
    const sqsEndpoint = `http://sqs.${LOCAL_REGION}.localhost:${fauxqsPort}`;
    const s3Endpoint = `http://s3.localhost:${fauxqsPort}`;

    const dynamoLocal = await dynamoStarting;
    lap('dynamodb local');
    const engines = {
      dynamodb: new DynamoDBClient({ endpoint: dynamoLocal.endpoint, region: LOCAL_REGION, credentials }),
      sqs: new SQSClient({ endpoint: sqsEndpoint, region: LOCAL_REGION, credentials }),
      s3: new S3Client({ endpoint: s3Endpoint, region: LOCAL_REGION, credentials }),
    };
    // On a shared engine the hub's database outlives it: its tables go when it stops (after everything using them).
    if (shared) stops.push(() => deleteTables(engines.dynamodb));
    const awsEnv = {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoLocal.endpoint,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: emulator.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: emulator.url,
      AWS_ENDPOINT_URL_SFN: emulator.url,
    };

    const entries = new Map(
      synthesized.stacks.flatMap(({ template }) =>
        Object.entries(template.Resources).flatMap(([id, r]) => {
          const entry = r.Type === 'AWS::Lambda::Function' ? r.Metadata?.[ENTRY_METADATA_KEY] : undefined;
          return typeof entry === 'string' ? [[id, entry] as [string, string]] : [];
        }),
      ),
    );
    const bundles = await bundleFunctionsCached(entries);
    lap('bundle');

    const resolver = new Resolver();
    const provisioned: ProvisionedStack[] = [];
    const pollers: EventSourcePoller[] = [];
    const routes: ApiRoute[] = [];
    for (const { name, template } of synthesized.stacks) {
      registerResources(template, resolver);
      provisioned.push(await createResources(template, resolver, engines));
      const resources = Object.entries(template.Resources);

      for (const [id, resource] of resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
        const entry = entries.get(id);
        const bundle = bundles.get(id);
        if (!entry || !bundle) continue; // CDK's own deploy-time handlers
        const p = resolver.resolve(resource.Properties ?? {}, `${name}/${id}`) as Record<string, unknown>;
        const variables = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
          {}) as Record<string, unknown>;
        const environment = {
          ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
          ...awsEnv,
          AWS_LAMBDA_FUNCTION_NAME: id,
        };
        const log = createWriteStream(path.join(workDir, 'logs', `${id}.log`), { flags: 'a' });
        stops.push(async () => void log.end());
        const fn = new LocalFunction(
          {
            logicalId: id,
            entry,
            environment,
            timeoutSeconds: Number(p.Timeout ?? 3),
            concurrency: Number(p.ReservedConcurrentExecutions ?? 4),
          },
          bundle,
          log,
        );
        functions.set(id, fn);
        stops.push(() => fn.stop());
      }

      const queuesByArn = new Map([...provisioned.flatMap((s) => [...s.queues.values()])].map((q) => [q.arn, q]));
      for (const [id, resource] of resources.filter(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping')) {
        const p = resolver.resolve(resource.Properties ?? {}, id) as Record<string, unknown>;
        const queue = queuesByArn.get(String(p.EventSourceArn));
        const fn = functions.get(String(p.FunctionName));
        if (!queue || !fn) continue;
        const poller = new EventSourcePoller(
          engines.sqs,
          {
            queueUrl: queue.url,
            queueArn: queue.arn,
            batchSize: Number(p.BatchSize ?? 10),
            reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes(
              'ReportBatchItemFailures',
            ),
            retryAfterSeconds: Math.round(queue.visibilityTimeout / (options.redeliveryCompression ?? compression)),
          },
          fn,
          // The mapping's cap, as Lambda honours it (the stock consumer's SCAYLE budget is split by it).
          Number((p.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency ?? 2),
        );
        pollers.push(poller);
      }

      for (const [id, resource] of resources.filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')) {
        const p = resolver.resolve(resource.Properties ?? {}, id) as Record<string, unknown>;
        const definition = typeof p.DefinitionString === 'string' ? JSON.parse(p.DefinitionString) : p.Definition;
        stepFunctions.add(resolver.resources.get(id)?.ref as string, definition);
      }
      for (const [id, resource] of resources.filter(([, r]) => r.Type === 'Custom::S3BucketNotifications')) {
        const p = resolver.resolve(resource.Properties ?? {}, id) as {
          BucketName?: string;
          NotificationConfiguration?: { EventBridgeConfiguration?: unknown };
        };
        if (p.NotificationConfiguration?.EventBridgeConfiguration && p.BucketName) eventBridgeBuckets.add(p.BucketName);
      }
      /** What an EventBridge target ARN runs here: a function of the template or one of its state machines. */
      const targetOf = (arn: unknown, where: CfnTemplate): Target | undefined => {
        const fn = functions.get(functionIdIn(arn, where) ?? '');
        if (fn) return (event) => fn.invoke(event);
        const resolved = String(resolver.resolve(arn, 'rule target'));
        if (resolved.includes(':stateMachine:'))
          return async (event) => stepFunctions.start(resolved, JSON.stringify(event));
        return undefined;
      };

      for (const [, resource] of resources.filter(([, r]) => r.Type === 'AWS::ApiGateway::Method')) {
        const p = resource.Properties ?? {};
        const fnId = functionIdIn((p.Integration as Record<string, unknown> | undefined)?.Uri, template);
        const fn = fnId ? functions.get(fnId) : undefined;
        if (!fn) continue;
        const resourceRef = (p.ResourceId as { Ref?: string; 'Fn::GetAtt'?: string[] } | undefined)?.Ref;
        routes.push({
          method: String(p.HttpMethod),
          path: resourceRef ? resourcePath(resourceRef, template) || '/' : '/',
          fn,
        });
      }

      for (const [id, resource] of resources.filter(([, r]) => r.Type === 'AWS::Events::Rule')) {
        const p = resolver.resolve(resource.Properties ?? {}, id) as Record<string, unknown>;
        if (p.State === 'DISABLED') continue;
        const targets = ((resource.Properties?.Targets ?? []) as { Arn: unknown; Input?: string }[]).flatMap((t) => {
          const target = targetOf(t.Arn, template);
          return target ? [{ target, input: t.Input }] : [];
        });
        if (typeof p.ScheduleExpression === 'string') {
          const expression = scheduleOf(resource, p.ScheduleExpression, options.schedules);
          if (!expression) continue;
          for (const target of targets) {
            stops.push(
              scheduleEvery(expression, compression, () =>
                target.target(target.input ? JSON.parse(target.input) : scheduledEvent(id)),
              ),
            );
          }
        } else if (p.EventPattern) {
          for (const target of targets)
            rules.push({
              pattern: p.EventPattern as Record<string, unknown>,
              bus: String(p.EventBusName ?? 'default'),
              target: target.target,
            });
        }
      }
    }

    const api = await startApiGateway(routes, config.stage);
    lap('provision');
    stops.push(api.stop);
    for (const poller of pollers) poller.start();
    // All at once: each may be waiting in a long poll.
    stops.push(async () => void (await Promise.all(pollers.map((poller) => poller.stop()))));

    const stateful = provisioned[0] as ProvisionedStack;
    const tableNamed = (prefix: string) =>
      [...stateful.tables.entries()].find(([id]) => id.startsWith(prefix))?.[1] as string;
    const db = makeDocumentClient(engines.dynamodb);
    const catalogue = new CatalogueRepository(db, tableNamed('CatalogueTable'));
    await catalogue.putAll(options.catalogueMap === 'empty' ? [] : demoCatalogueMap(config.amazon.marketplaceIds));
    lap('catalogue');
    scayle.setWebhook({ url: `${api.url}/webhooks/scayle`, ...LOCAL_WEBHOOK_CREDENTIALS });
    orderwise.setExportTargets({
      stockUrl: `${api.url}/webhooks/orderwise/stock`,
      despatchUrl: `${api.url}/webhooks/orderwise/despatch`,
      ...LOCAL_ORDERWISE_EXPORT_CREDENTIALS,
    });

    const queues = Object.fromEntries(provisioned.flatMap((s) => [...s.queues.entries()]));
    // The API's URL is where this machine serves it, not the execute-api host the template names.
    const outputs: Record<string, string> = {
      ...Object.fromEntries(provisioned.flatMap((s) => [...s.outputs.entries()])),
      ApiUrl: api.url,
    };
    const notificationsArn = outputs.AmazonNotificationsQueueArn;
    if (notificationsArn) {
      // Amazon delivers to the queue the subscription's destination names; one the hub does not have loses them.
      sendNotification = async (sqsArn, body) => {
        const queue = Object.values(queues).find((q) => q.arn === sqsArn);
        if (queue) await engines.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
      };
      // The seller's setup: ORDER_CHANGE subscribed to the hub's notifications queue (README, go-live checklist).
      amazon.subscribeOrderChange(String(notificationsArn));
    }
    return {
      /** Stack outputs by name, as `cdk deploy` would print them; the `hub` command line reads these. */
      outputs,
      endpoints: { dynamodb: dynamoLocal.endpoint, sqs: sqsEndpoint, s3: s3Endpoint, lambda: emulator.url },
      /** The credentials the hub's clients use: on a shared DynamoDB Local, the access key names its database. */
      credentials,
      urls: { api: api.url, scayle: scayle.url, orderwise: orderwise.url, amazon: amazon.url },
      config,
      simulators: { scayle, orderwise, amazon },
      engines,
      queues,
      functions,
      pollers,
      events: emulator.events,
      stepFunctions,
      workDir,
      tables: {
        ledger: tableNamed('LedgerTable'),
        exceptions: tableNamed('ExceptionsTable'),
        catalogue: tableNamed('CatalogueTable'),
        stock: tableNamed('StockTable'),
      },
      bucket: [...stateful.buckets.values()].find((b) => b.includes('-data-')) as string,
      ledger: new LedgerRepository(db, tableNamed('LedgerTable')),
      exceptions: new ExceptionsRepository(db, tableNamed('ExceptionsTable')),
      catalogue,
      stock: new StockRepository(db, tableNamed('StockTable')),
      settlements: new SettlementsRepository(db, tableNamed('SettlementsTable')),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** Deletes every table the client's access key sees (its own database on DynamoDB Local). */
const deleteTables = async (dynamodb: DynamoDBClient): Promise<void> => {
  let start: string | undefined;
  do {
    const page = await dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    await Promise.all(
      (page.TableNames ?? []).map((name) => dynamodb.send(new DeleteTableCommand({ TableName: name }))),
    );
    start = page.LastEvaluatedTableName;
  } while (start);
};

const scheduledEvent = (ruleId: string) => ({
  version: '0',
  id: `local-${Date.now()}`,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: new Date().toISOString(),
  region: LOCAL_REGION,
  resources: [`arn:aws:events:${LOCAL_REGION}:000000000000:rule/${ruleId}`],
  detail: {},
});

const toEventBridgeEvent = (event: BusEvent) => ({
  version: '0',
  id: event.id,
  'detail-type': event.detailType,
  source: event.source,
  account: '000000000000',
  time: event.time,
  region: LOCAL_REGION,
  resources: [],
  detail: event.detail,
});

/** EventBridge pattern matching for the patterns the hub uses: lists of values on source, detail-type and detail fields. */
const matches = (pattern: Record<string, unknown>, event: BusEvent): boolean => {
  const subject: Record<string, unknown> = {
    source: event.source,
    'detail-type': event.detailType,
    detail: event.detail,
  };
  const test = (p: unknown, value: unknown): boolean => {
    if (Array.isArray(p))
      return p.some((candidate) =>
        typeof candidate === 'object' && candidate !== null && 'prefix' in candidate
          ? String(value).startsWith(String((candidate as { prefix: string }).prefix))
          : candidate === value,
      );
    if (p && typeof p === 'object')
      return Object.entries(p).every(([k, sub]) => test(sub, (value as Record<string, unknown> | undefined)?.[k]));
    return p === value;
  };
  return Object.entries(pattern).every(([key, p]) => test(p, subject[key]));
};
