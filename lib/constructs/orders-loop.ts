import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config';
import type { StatefulResources } from '../stateful-stack';
import { alarmOnFirst, hubMetric } from './alarms';
import { FifoConsumer } from './fifo-consumer';
import type { HubApi } from './hub-api';
import { HubFunction } from './hub-function';
import { HubSchedule } from './hub-schedule';
import type { OperationsDashboard } from './operations-dashboard';
import { bindOrderwise, bindScayle, bindScayleShops } from './peers';
import { RuleTargets } from './rule-targets';

/** Properties of the order loop. */
export interface OrdersLoopProps {
  readonly config: StageConfig;
  readonly stateful: StatefulResources;
  readonly api: HubApi;
  readonly dashboard: OperationsDashboard;
}

/** Powertools service name of the order loop's functions: the `service` dimension of its metrics. */
export const ORDERS_SERVICE = 'orders';

/**
 * Loops 1, 2 and 10: SCAYLE order webhooks -> orders FIFO queue -> OrderWise sales orders exactly once,
 * cancellations, and the daily money check with its CSV report.
 */
export class OrdersLoop extends Construct {
  readonly webhook: HubFunction;
  readonly consumer: HubFunction;
  readonly reconciliation: HubFunction;
  readonly sweep: HubFunction;
  readonly queue: FifoConsumer;

  constructor(scope: Construct, id: string, props: OrdersLoopProps) {
    super(scope, id);
    const { config, stateful, api, dashboard } = props;
    const common = { logRetentionDays: config.logRetentionDays, serviceName: ORDERS_SERVICE };
    const orderwise = (fn: HubFunction) => bindOrderwise(fn, config);

    this.consumer = orderwise(
      new HubFunction(this, 'OrderEvents', {
        ...common,
        entry: 'functions/order-events',
        description: 'Posts confirmed SCAYLE orders to OrderWise once and carries cancellations',
        // Room for a batch of ten at the usual pace, and for one order against a slow peer (about 75 s): the
        // handler starts no order with less than 80 s left and returns the rest.
        timeout: Duration.minutes(3),
      })
        .bindTable('LEDGER_TABLE', stateful.ledgerTable, 'readWrite')
        .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'readWrite')
        .bindTable('CATALOGUE_TABLE', stateful.catalogueTable, 'read'),
    );
    bindScayle(this.consumer, config);
    this.queue = new FifoConsumer(this, 'OrderEventsQueue', {
      consumer: this.consumer,
      alarmTopic: stateful.alarmTopic,
      failuresTable: stateful.failuresTable,
      purpose: 'SCAYLE order events',
      // An OrderWise outage of a few minutes must not dead-letter orders: posting is idempotent, so retry more.
      maxReceiveCount: 10,
      // Two orders of up to 80 s each fit the 3-minute timeout: a message left for lack of time still spends a
      // receive, so a batch must not hold more than the function can finish against a slow peer.
      batchSize: 2,
      dashboard,
    });

    this.webhook = bindScayleShops(
      new HubFunction(this, 'ScayleWebhook', {
        ...common,
        entry: 'functions/scayle-webhook',
        description: 'Accepts SCAYLE webhooks and queues them',
        timeout: Duration.seconds(10),
        // A flood of this route takes no more of the account's concurrency than this from the consumers.
        reservedConcurrentExecutions: config.edge.intakeConcurrency,
      }),
      config,
    )
      .bindQueue('ORDER_EVENTS_QUEUE_URL', this.queue.queue)
      .bindBucket('DATA_BUCKET', stateful.dataBucketName, 'rejected/', 'put')
      .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'record')
      .bindSecret('WEBHOOK_SECRET', config.secrets.scayleWebhook);
    api.addRoute('POST', '/webhooks/scayle', this.webhook, { service: ORDERS_SERVICE });

    this.reconciliation = orderwise(
      new HubFunction(this, 'OrderReconciliation', {
        ...common,
        entry: 'functions/order-reconciliation',
        description: 'Compares SCAYLE order totals with OrderWise sales order values',
        timeout: Duration.minutes(10),
      })
        .bindTable('LEDGER_TABLE', stateful.ledgerTable, 'read')
        .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'readWrite')
        .bindBucket('DATA_BUCKET', stateful.dataBucketName, 'reports/', 'put')
        .setEnv('TOLERANCE_MINOR', String(config.reconciliation.toleranceMinor)),
    );
    new HubSchedule(this, 'DailyReconciliation', config, 'financialReconciliation', {
      description: 'Daily SCAYLE vs OrderWise money check',
      targets: [
        new RuleTargets(this, 'Targets', { alarmTopic: stateful.alarmTopic, what: 'The daily money check' }).lambda(
          this.reconciliation,
        ),
      ],
    });

    const sweep = config.scayle.orderSweep;
    this.sweep = bindScayle(
      new HubFunction(this, 'OrderSweep', {
        ...common,
        entry: 'functions/order-sweep',
        description: 'Finds confirmed SCAYLE orders whose webhook never came and queues them',
        timeout: Duration.minutes(5),
        // One run at a time: two would list the same orders and race for the cursor.
        reservedConcurrentExecutions: 1,
      })
        // The ledger is read, and its sweep cursors (control items) written.
        .bindTable('LEDGER_TABLE', stateful.ledgerTable, 'readWrite')
        .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'readWrite')
        .bindQueue('ORDER_EVENTS_QUEUE_URL', this.queue.queue)
        .setEnv('SWEEP_FILTER', sweep.updatedSinceFilter)
        .setEnv('SWEEP_WINDOW_MINUTES', String(sweep.windowHours * 60))
        .setEnv('SWEEP_GRACE_MINUTES', String(sweep.graceMinutes))
        .setEnv('SWEEP_MAX_PAGES', String(sweep.maxPages)),
      config,
    );
    new HubSchedule(this, 'OrderSweepSchedule', config, 'orderSweep', {
      description: 'Sweep for SCAYLE orders whose webhook never came',
      targets: [
        new RuleTargets(this, 'SweepTargets', { alarmTopic: stateful.alarmTopic, what: 'The order sweep' }).lambda(
          this.sweep,
        ),
      ],
    });

    const metric = (metricName: string) => hubMetric(ORDERS_SERVICE, metricName);
    const topic = stateful.alarmTopic;
    alarmOnFirst(this, 'FlaggedOrdersAlarm', {
      metric: metric('OrdersFlagged'),
      description:
        'SCAYLE orders were flagged instead of posted (SKU_UNMAPPED, ORDER_REJECTED, ORDER_TOTAL_MISMATCH). See RUNBOOK.md#flagged-orders.',
      topic,
    });
    alarmOnFirst(this, 'TotalMismatchAlarm', {
      metric: metric('OrderTotalMismatches'),
      description: 'SCAYLE and OrderWise order totals differ. See RUNBOOK.md#order_total_mismatch.',
      topic,
    });
    alarmOnFirst(this, 'WebhooksMissedAlarm', {
      metric: metric('OrderWebhooksMissed'),
      description:
        'The sweep found confirmed SCAYLE orders whose webhook never came (ORDER_WEBHOOK_MISSED) and queued them. See RUNBOOK.md#order_webhook_missed.',
      topic,
    });
    alarmOnFirst(this, 'UnreconciledOrdersAlarm', {
      metric: metric('OrdersUnreconciled'),
      description:
        "The money check could not read OrderWise's totals of some orders (they are 'unchecked' in the report). See RUNBOOK.md#orders-unreconciled.",
      topic,
    });
    dashboard.addMetrics('Orders: posted, duplicates prevented, flagged, cancelled', [
      metric('OrdersPosted'),
      metric('DuplicatesPrevented'),
      metric('OrdersFlagged'),
      metric('OrdersCancelled'),
      metric('CancellationsTooLate'),
      metric('OrderWebhooksMissed'),
    ]);
  }
}
