import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AccountPrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config';
import type { StatefulResources } from '../stateful-stack';
import { alarmOnDeadLetters, alarmOnFirst, hubMetric } from './alarms';
import { FifoConsumer, VISIBILITY_TIMEOUT_FACTOR } from './fifo-consumer';
import { HubFunction } from './hub-function';
import { HubSchedule } from './hub-schedule';
import type { OperationsDashboard } from './operations-dashboard';
import { bindAmazon, bindScayle } from './peers';
import { RuleTargets } from './rule-targets';

/** Powertools service name of the Amazon order loop's functions. */
export const AMAZON_ORDERS_SERVICE = 'amazon-orders';

/**
 * The AWS account the SP-API Notifications service sends from: the destination queue's policy must let it send
 * (reference amazon-sp-api.md §3.8).
 */
export const SP_API_NOTIFICATIONS_ACCOUNT = '437568002678';

/** Amazon order consumers that may run at once (the lowest maximum concurrency SQS event sources take). */
export const AMAZON_ORDER_CONSUMERS = 2;

/** Properties of the Amazon order loop. */
export interface AmazonOrdersLoopProps {
  readonly config: StageConfig;
  readonly stateful: StatefulResources;
  readonly dashboard: OperationsDashboard;
  /** The SCAYLE -> OrderWise loop's queue, where created orders and cancellations are handed on. */
  readonly orderEventsQueue: Queue;
  /** The stock loop's queue, where changed reservations re-push a SKU's figure. */
  readonly stockEventsQueue: Queue;
}

/**
 * Loops 6 and 11 (ghost orders): ORDER_CHANGE notifications (a standard SQS queue Amazon's principal may send to,
 * the only way Amazon delivers them) and a scheduled getOrders poll become triggers on a FIFO queue (group =
 * AmazonOrderId); its consumer reserves stock for Pending orders, creates the order in SCAYLE once and hands it to
 * the SCAYLE -> OrderWise loop, flags unmapped SellerSKUs and carries cancellations; a monitor raises GHOST_ORDER
 * for orders still without a SCAYLE order after the window.
 */
export class AmazonOrdersLoop extends Construct {
  readonly notificationsQueue: Queue;
  readonly notificationsDlq: Queue;
  readonly notifications: HubFunction;
  readonly consumer: HubFunction;
  readonly queue: FifoConsumer;
  readonly jobs: HubFunction;

  constructor(scope: Construct, id: string, props: AmazonOrdersLoopProps) {
    super(scope, id);
    const { config, stateful, dashboard } = props;
    const common = { logRetentionDays: config.logRetentionDays, serviceName: AMAZON_ORDERS_SERVICE };
    const topic = stateful.alarmTopic;
    const targets = new RuleTargets(this, 'Targets', { alarmTopic: topic, what: 'An Amazon order schedule' });

    this.consumer = bindAmazon(
      bindScayle(
        new HubFunction(this, 'AmazonOrders', {
          ...common,
          entry: 'functions/amazon-orders',
          description: 'Reserves stock for Amazon orders, creates them in SCAYLE once, flags unmapped SellerSKUs',
          // getOrder and getOrderItems wait for their usage plan (0.5/s) when a burst of orders arrives.
          timeout: Duration.minutes(2),
        })
          .bindTable('LEDGER_TABLE', stateful.ledgerTable, 'readWrite')
          .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'readWrite')
          .bindTable('CATALOGUE_TABLE', stateful.catalogueTable, 'read')
          .bindTable('STOCK_TABLE', stateful.stockTable, 'readWrite')
          .bindQueue('STOCK_EVENTS_QUEUE_URL', props.stockEventsQueue)
          .bindQueue('ORDER_EVENTS_QUEUE_URL', props.orderEventsQueue)
          .setEnv('AMAZON_SCAYLE_SHOPS', JSON.stringify(config.amazon.scayleShops))
          .setEnv('AMAZON_RESERVATION_HOURS', String(config.amazon.reservationHours))
          // Two consumers here and two Amazon confirmation consumers share the Orders API plans: a quarter each.
          .setEnv('AMAZON_USAGE_PLAN_SHARE', String(1 / (2 * AMAZON_ORDER_CONSUMERS))),
        config,
      ),
      config,
    );
    this.queue = new FifoConsumer(this, 'AmazonOrdersQueue', {
      consumer: this.consumer,
      alarmTopic: topic,
      failuresTable: stateful.failuresTable,
      purpose: 'Amazon orders',
      maxReceiveCount: 8,
      batchSize: 5,
      // Each container has its own token buckets and takes 1/n of the Orders API's plans (AMAZON_USAGE_PLAN_SHARE).
      maxConcurrency: AMAZON_ORDER_CONSUMERS,
      dashboard,
    });

    this.notificationsDlq = new Queue(this, 'NotificationsDlq', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.notifications = new HubFunction(this, 'AmazonNotifications', {
      ...common,
      entry: 'functions/amazon-notifications',
      description: 'Turns SP-API ORDER_CHANGE notifications into Amazon order triggers',
      timeout: Duration.seconds(30),
    })
      .bindQueue('AMAZON_ORDERS_QUEUE_URL', this.queue.queue)
      .setEnv('AMAZON_MARKETPLACE_IDS', config.amazon.marketplaceIds.join(','))
      .bindBucket('DATA_BUCKET', stateful.dataBucketName, 'rejected/', 'put')
      .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'readWrite');
    // SSE-SQS (not KMS): Amazon's principal can send to it without a key policy.
    this.notificationsQueue = new Queue(this, 'NotificationsQueue', {
      visibilityTimeout: Duration.seconds(30 * VISIBILITY_TIMEOUT_FACTOR),
      retentionPeriod: Duration.days(4),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.notificationsDlq, maxReceiveCount: 5 },
    });
    this.notificationsQueue.grantSendMessages(new AccountPrincipal(SP_API_NOTIFICATIONS_ACCOUNT));
    this.notificationsQueue.grant(new AccountPrincipal(SP_API_NOTIFICATIONS_ACCOUNT), 'sqs:GetQueueAttributes');
    this.notifications.addEventSource(
      new SqsEventSource(this.notificationsQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    alarmOnDeadLetters(this, 'NotificationsDlqAlarm', {
      description:
        'ORDER_CHANGE notifications could not be queued 5 times and are in the dead-letter queue; the poll still finds their orders. See RUNBOOK.md#dead-letter-queues.',
      queue: this.notificationsDlq,
      topic,
    });
    dashboard.addQueue('Amazon notifications', this.notificationsQueue, this.notificationsDlq);

    this.jobs = bindAmazon(
      new HubFunction(this, 'AmazonOrderJobs', {
        ...common,
        entry: 'functions/amazon-order-jobs',
        description: 'Polls getOrders behind the notifications; raises GHOST_ORDER',
        // getOrders refills one page a minute once its burst of 20 is spent.
        timeout: Duration.minutes(15),
        // One poll at a time keeps getOrders in one token bucket and the cursor with one writer.
        reservedConcurrentExecutions: 1,
      })
        .bindTable('LEDGER_TABLE', stateful.ledgerTable, 'readWrite')
        .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'readWrite')
        .bindQueue('AMAZON_ORDERS_QUEUE_URL', this.queue.queue)
        .setEnv('GHOST_ORDER_MINUTES', String(config.windows.ghostOrderMinutes))
        .setEnv('LATE_SHIPMENT_MARGIN_HOURS', String(config.windows.lateShipmentMarginHours)),
      config,
    );
    new HubSchedule(this, 'PollSchedule', config, 'amazonOrderPoll', {
      description: 'getOrders poll: the safety net behind ORDER_CHANGE notifications',
      targets: [targets.lambda(this.jobs, { job: 'poll' })],
    });
    new HubSchedule(this, 'GhostMonitorSchedule', config, 'monitors', {
      description: 'Raises GHOST_ORDER for Amazon orders without a SCAYLE order after the window',
      targets: [targets.lambda(this.jobs, { job: 'ghost-monitor' })],
    });

    new HubSchedule(this, 'LateShipmentSchedule', config, 'monitors', {
      description: 'Raises LATE_SHIPMENT_RISK for unconfirmed Amazon orders close to their LatestShipDate',
      targets: [targets.lambda(this.jobs, { job: 'late-shipment' })],
    });

    const metric = (metricName: string) => hubMetric(AMAZON_ORDERS_SERVICE, metricName);
    alarmOnFirst(this, 'LateShipmentRiskAlarm', {
      metric: metric('LateShipmentRisks'),
      description:
        'Amazon orders are not confirmed shipped and their LatestShipDate is near or past. See RUNBOOK.md#late_shipment_risk.',
      topic,
    });
    // The poll reports how far behind now its search ends: ~2 minutes normally, growing while it reads a backlog.
    const pollBehind = new Alarm(this, 'PollBehindAlarm', {
      alarmDescription:
        'The getOrders safety net is more than an hour behind (reading a backlog): orders whose notification was lost are not seen until it catches up. See RUNBOOK.md#amazon_order_poll_behind.',
      metric: hubMetric(AMAZON_ORDERS_SERVICE, 'AmazonOrdersPollLag').with({ statistic: 'Maximum' }),
      threshold: 3_600_000,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    pollBehind.addAlarmAction(new SnsAction(topic));
    alarmOnFirst(this, 'GhostOrderAlarm', {
      metric: metric('GhostOrders'),
      description:
        'Amazon orders have no SCAYLE order after the window: invisible to fulfilment, a late shipment coming. See RUNBOOK.md#ghost_order.',
      topic,
    });
    alarmOnFirst(this, 'FlaggedAmazonOrdersAlarm', {
      metric: metric('AmazonOrdersFlagged'),
      description:
        'Amazon orders were flagged instead of created in SCAYLE (SKU_UNMAPPED, ORDER_REJECTED, ORDER_TOTAL_MISMATCH). See RUNBOOK.md#flagged-orders.',
      topic,
    });
    dashboard.addMetrics('Amazon orders: created, reserved, flagged, cancelled, duplicates, ghosts', [
      metric('AmazonOrdersCreated'),
      metric('AmazonOrdersReserved'),
      metric('AmazonOrdersFlagged'),
      metric('AmazonOrdersCancelled'),
      metric('AmazonDuplicatesPrevented'),
      metric('GhostOrders'),
    ]);
    dashboard.addMetrics('Amazon orders: seen -> created in SCAYLE (ms)', [metric('AmazonOrderLatency')]);
    dashboard.addMetrics('Amazon orders: getOrders poll behind now (ms)', [
      metric('AmazonOrdersPollLag').with({ statistic: 'Maximum' }),
    ]);
  }
}
