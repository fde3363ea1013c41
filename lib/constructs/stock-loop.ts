import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SCAYLE_STOCK_WRITERS } from '../../shared/adapters/scayle/client';
import type { StockPolicy } from '../../shared/use-cases/stock/stock-policy';
import type { StageConfig } from '../config/stage-config';
import type { StatefulResources } from '../stateful-stack';
import { alarmOnFirst, hubMetric } from './alarms';
import { FifoConsumer } from './fifo-consumer';
import type { HubApi } from './hub-api';
import { HubFunction } from './hub-function';
import { HubSchedule } from './hub-schedule';
import type { OperationsDashboard } from './operations-dashboard';
import { bindAmazon, bindOrderwise, bindScayle } from './peers';
import { RuleTargets } from './rule-targets';

/** Properties of the stock loop. */
export interface StockLoopProps {
  readonly config: StageConfig;
  readonly stateful: StatefulResources;
  readonly api: HubApi;
  readonly dashboard: OperationsDashboard;
}

/** Powertools service name of the stock loop's functions. */
export const STOCK_SERVICE = 'stock';

/**
 * The part of the Listings Items plans the Amazon push takes (`AMAZON_USAGE_PLAN_SHARE`). Amazon's plans are per
 * seller; the catalogue loop's consumers patch listings under the same patchListingsItem plan and share the rest,
 * so neither tips the other into a 429.
 */
export const AMAZON_PUSH_USAGE_PLAN_SHARE = 0.5;

/** The stock settings of a stage as the functions take them (`STOCK_POLICY`). */
export const stockPolicyOf = (config: StageConfig): StockPolicy => ({
  warehouseReferenceKey: config.scayle.warehouseReferenceKey,
  defaultBuffer: config.stock.defaultBuffer,
  skuBuffers: config.stock.skuBuffers,
  fastMovers: config.stock.fastMovers,
  velocityWindowMinutes: config.stock.velocityWindowMinutes,
  amazonBuffer: config.stock.amazonBuffer,
  driftThreshold: config.stock.driftThreshold,
});

/**
 * Loops 3 and 5: OrderWise stock exports (pushed, and pulled as a safety net) -> stock FIFO queue -> stock ledger
 * -> SCAYLE at once; SCAYLE's figures and prices -> Amazon under its usage plan (patches, or a feed for a storm);
 * the scheduled reconcile that repairs drift and re-syncs Amazon.
 */
export class StockLoop extends Construct {
  readonly webhook: HubFunction;
  readonly consumer: HubFunction;
  readonly queue: FifoConsumer;
  readonly jobs: HubFunction;
  readonly amazonPush: HubFunction;

  constructor(scope: Construct, id: string, props: StockLoopProps) {
    super(scope, id);
    const { config, stateful, api, dashboard } = props;
    const common = { logRetentionDays: config.logRetentionDays, serviceName: STOCK_SERVICE };
    const policy = JSON.stringify(stockPolicyOf(config));
    const scayle = (fn: HubFunction) => bindScayle(fn, config);
    const targets = new RuleTargets(this, 'Targets', { alarmTopic: stateful.alarmTopic, what: 'A stock schedule' });

    this.consumer = scayle(
      new HubFunction(this, 'StockEvents', {
        ...common,
        entry: 'functions/stock-events',
        description: 'Applies OrderWise stock to the ledger and pushes SCAYLE; reads SCAYLE variant changes',
        timeout: Duration.seconds(60),
      })
        .bindTable('STOCK_TABLE', stateful.stockTable, 'readWrite')
        .bindTable('CATALOGUE_TABLE', stateful.catalogueTable, 'read')
        .setEnv('STOCK_POLICY', policy),
    );
    this.queue = new FifoConsumer(this, 'StockEventsQueue', {
      consumer: this.consumer,
      alarmTopic: stateful.alarmTopic,
      failuresTable: stateful.failuresTable,
      purpose: 'stock events',
      maxReceiveCount: 8,
      // The SCAYLE client gives each consumer 1/n of the stocksWrite limit; no more than n may run.
      maxConcurrency: SCAYLE_STOCK_WRITERS,
      dashboard,
    });

    this.webhook = new HubFunction(this, 'OrderwiseStockWebhook', {
      ...common,
      entry: 'functions/orderwise-stock-webhook',
      description: 'Accepts OrderWise stock exports and queues one message per stock code',
      timeout: Duration.seconds(29),
      // A flood of this route takes no more of the account's concurrency than this from the consumers.
      reservedConcurrentExecutions: config.edge.intakeConcurrency,
    })
      .bindQueue('STOCK_EVENTS_QUEUE_URL', this.queue.queue)
      .bindBucket('DATA_BUCKET', stateful.dataBucketName, 'rejected/', 'put')
      .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'record')
      .bindSecret('WEBHOOK_SECRET', config.secrets.orderwiseWebhook);
    api.addRoute('POST', '/webhooks/orderwise/stock', this.webhook, { service: STOCK_SERVICE });

    this.jobs = scayle(
      new HubFunction(this, 'StockJobs', {
        ...common,
        entry: 'functions/stock-jobs',
        description: 'Pulls OrderWise stock changes; reconciles OrderWise, the ledger and SCAYLE',
        timeout: Duration.minutes(15),
      })
        .bindTable('STOCK_TABLE', stateful.stockTable, 'readWrite')
        .bindTable('CATALOGUE_TABLE', stateful.catalogueTable, 'read')
        .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'readWrite')
        .bindQueue('STOCK_EVENTS_QUEUE_URL', this.queue.queue)
        .setEnv('STOCK_POLICY', policy),
    );
    bindOrderwise(this.jobs, config);
    new HubSchedule(this, 'PullSchedule', config, 'stockPull', {
      description: 'Pulls OrderWise stock changes behind the pushed exports',
      targets: [targets.lambda(this.jobs, { job: 'pull' })],
    });
    new HubSchedule(this, 'ReconcileSchedule', config, 'stockReconcile', {
      description: 'Full stock reconcile and Amazon sync',
      targets: [targets.lambda(this.jobs, { job: 'reconcile' })],
    });

    this.amazonPush = new HubFunction(this, 'AmazonStockPush', {
      ...common,
      entry: 'functions/amazon-stock-push',
      description: 'Pushes Amazon quantities and prices within the listings usage plan',
      // A round drains a backlog of at most the patch window; anything bigger goes as a feed.
      timeout: Duration.minutes(5),
    })
      .bindTable('STOCK_TABLE', stateful.stockTable, 'readWrite')
      // It forgets a listing record Amazon lost, for the catalogue loop to list it again.
      .bindTable('CATALOGUE_TABLE', stateful.catalogueTable, 'readWrite')
      .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'readWrite')
      .setEnv('STOCK_POLICY', policy)
      .setEnv('AMAZON_PATCH_WINDOW_SECONDS', String(config.stock.amazonPatchWindowSeconds))
      .setEnv('AMAZON_USAGE_PLAN_SHARE', String(AMAZON_PUSH_USAGE_PLAN_SHARE));
    bindAmazon(this.amazonPush, config);
    new HubSchedule(this, 'AmazonPushSchedule', config, 'amazonStockPush', {
      description: 'Rounds of the Amazon quantity and price push (one at a time, under a lock)',
      targets: [targets.lambda(this.amazonPush)],
    });

    const metric = (metricName: string) => hubMetric(STOCK_SERVICE, metricName);
    alarmOnFirst(this, 'StockDriftAlarm', {
      metric: metric('StockDrift'),
      description:
        'SCAYLE stock differed from OrderWise by more than the threshold; the reconcile repaired it. See RUNBOOK.md#stock_drift.',
      topic: stateful.alarmTopic,
    });
    alarmOnFirst(this, 'AmazonListingsLostAlarm', {
      metric: metric('AmazonListingsLost'),
      description:
        'Amazon no longer has listings the hub made or feeds, and the hub could not list them again (lost again within a day, or the relisting could not be queued). See RUNBOOK.md#amazon_listing_rejected.',
      topic: stateful.alarmTopic,
    });
    dashboard.addMetrics('Stock: events, pushed to SCAYLE, stale, coalesced, drift', [
      metric('StockEventsAccepted'),
      metric('StockPushedToScayle'),
      metric('StockEventsStale'),
      metric('StockEventsCoalesced'),
      metric('StockDrift'),
    ]);
    dashboard.addMetrics('Stock: latency OrderWise -> SCAYLE (ms)', [metric('StockLatency')]);
    dashboard.addMetrics('Amazon stock: accepted, rejected, feeds, remaining, relisted, lost', [
      metric('AmazonUpdatesAccepted'),
      metric('AmazonUpdatesRejected'),
      metric('AmazonFeedsSubmitted'),
      metric('AmazonUpdatesRemaining'),
      metric('AmazonListingsRelisted'),
      metric('AmazonListingsLost'),
    ]);
  }
}
