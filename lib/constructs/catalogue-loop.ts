import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config';
import type { StatefulResources } from '../stateful-stack';
import { alarmOnFirst, hubMetric } from './alarms';
import { FifoConsumer } from './fifo-consumer';
import { HubFunction } from './hub-function';
import { HubSchedule } from './hub-schedule';
import type { OperationsDashboard } from './operations-dashboard';
import { bindAmazon, bindScayle } from './peers';
import { RuleTargets } from './rule-targets';
import { AMAZON_PUSH_USAGE_PLAN_SHARE } from './stock-loop';

/** Powertools service name of the catalogue loop's functions. */
export const CATALOGUE_SERVICE = 'catalogue';

/** Listings consumers at once: SQS's least maximum concurrency. Token buckets are per container. */
const LISTINGS_CONSUMERS = 2;

/**
 * The share of the Listings Items plans each catalogue container takes: the stock loop's Amazon push keeps its
 * part of the same plans and the listings consumers split the rest (a quarter each). The jobs function only
 * previews (putListingsItem), so the put plan is never oversubscribed either.
 */
const LISTINGS_USAGE_PLAN_SHARE = (1 - AMAZON_PUSH_USAGE_PLAN_SHARE) / LISTINGS_CONSUMERS;

/** Properties of the catalogue loop. */
export interface CatalogueLoopProps {
  readonly config: StageConfig;
  readonly stateful: StatefulResources;
  readonly dashboard: OperationsDashboard;
}

/**
 * Loop 8: SCAYLE products -> Amazon listings. SCAYLE's `product-updated` and `product-variant-deleted` webhooks
 * (through the SCAYLE webhook route) and a daily full sync queue work on the listings FIFO queue (group = SCAYLE
 * product); one consumer maps each product through the stage's listing mapping, validates against Amazon's
 * product type schema, and lists only variants with a valid SKU match; LISTING_BLOCKED and Amazon's refusals
 * raise alarms. The jobs function also answers `hub catalogue preview` (VALIDATION_PREVIEW) and `hub catalogue sync`.
 */
export class CatalogueLoop extends Construct {
  readonly consumer: HubFunction;
  readonly queue: FifoConsumer;
  readonly jobs: HubFunction;

  constructor(scope: Construct, id: string, props: CatalogueLoopProps) {
    super(scope, id);
    const { config, stateful, dashboard } = props;
    const topic = stateful.alarmTopic;
    const common = { logRetentionDays: config.logRetentionDays, serviceName: CATALOGUE_SERVICE };
    const bind = (fn: HubFunction) =>
      bindAmazon(bindScayle(fn, config), config)
        .bindTable('CATALOGUE_TABLE', stateful.catalogueTable, 'readWrite')
        .bindTable('STOCK_TABLE', stateful.stockTable, 'readWrite')
        .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'readWrite')
        .setEnv('LISTING_MAPPING', config.catalogue.mapping)
        .setEnv('AMAZON_USAGE_PLAN_SHARE', String(LISTINGS_USAGE_PLAN_SHARE));

    this.consumer = bind(
      new HubFunction(this, 'Listings', {
        ...common,
        entry: 'functions/listings',
        description: 'Maps SCAYLE products to Amazon listings; blocks any without a valid SKU match',
        // A first sync of a family of a dozen sizes in two marketplaces (a look-up and a put per listing) waits
        // about a minute for its share of the Listings Items plans; one product a batch keeps that well inside.
        timeout: Duration.minutes(5),
      }),
    );
    this.queue = new FifoConsumer(this, 'ListingsQueue', {
      consumer: this.consumer,
      alarmTopic: topic,
      failuresTable: stateful.failuresTable,
      purpose: 'listing syncs',
      batchSize: 1,
      // Token buckets are per container: two consumers at most, each with its share of the plans.
      maxConcurrency: LISTINGS_CONSUMERS,
      dashboard,
    });
    this.consumer.setEnv('LISTINGS_QUEUE_URL', this.queue.queue.queueUrl);

    this.jobs = bind(
      new HubFunction(this, 'CatalogueJobs', {
        ...common,
        entry: 'functions/catalogue-jobs',
        description: 'Queues the catalogue sync; answers catalogue previews',
        timeout: Duration.minutes(15),
      }),
    ).bindQueue('LISTINGS_QUEUE_URL', this.queue.queue);
    const targets = new RuleTargets(this, 'Targets', { alarmTopic: topic, what: 'The catalogue sync schedule' });
    new HubSchedule(this, 'CatalogueSyncSchedule', config, 'catalogueSync', {
      description: 'Maps every SCAYLE product to its Amazon listings again; only changes are sent',
      targets: [targets.lambda(this.jobs, { job: 'sync-all' })],
    });

    const metric = (name: string) => hubMetric(CATALOGUE_SERVICE, name);
    alarmOnFirst(this, 'ListingsBlockedAlarm', {
      metric: metric('ListingsBlocked'),
      description:
        'SCAYLE variants were not listed on Amazon: a rule found no value, the product type schema refused, or the SKU match is not valid. See RUNBOOK.md#listing_blocked.',
      topic,
    });
    alarmOnFirst(this, 'ListingsRejectedAlarm', {
      metric: metric('ListingsRejected'),
      description:
        'Amazon refused listings the hub sent (ERROR issues on putListingsItem or patchListingsItem). See RUNBOOK.md#amazon_listing_rejected.',
      topic,
    });
    dashboard.addMetrics('Catalogue: listings created, updated, blocked, rejected, deleted', [
      metric('ListingsCreated'),
      metric('ListingsUpdated'),
      metric('ListingsBlocked'),
      metric('ListingsRejected'),
      metric('ListingsDeleted'),
    ]);
  }
}
