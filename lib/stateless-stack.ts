import { Aspects, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from './config/stage-config';
import { FunctionAlarms } from './constructs/alarms';
import { AmazonOrdersLoop } from './constructs/amazon-orders-loop';
import { CatalogueLoop } from './constructs/catalogue-loop';
import { FulfilmentLoop } from './constructs/fulfilment-loop';
import { HubApi } from './constructs/hub-api';
import { HubFunction } from './constructs/hub-function';
import { OperationsDashboard } from './constructs/operations-dashboard';
import { OperationsMonitor } from './constructs/operations-monitor';
import { OrdersLoop } from './constructs/orders-loop';
import { RetainQueuesAndLogs } from './constructs/retention';
import { SettlementsLoop } from './constructs/settlements-loop';
import { StockLoop } from './constructs/stock-loop';
import type { StatefulResources } from './stateful-stack';

/** Properties of the stateless stack. */
export interface StatelessStackProps extends StackProps {
  readonly config: StageConfig;
  readonly stateful: StatefulResources;
}

/**
 * Functions, queues, schedules, state machines and the API: everything that can be replaced without losing
 * data. One construct per loop is added here as the loops are built.
 */
export class StatelessStack extends Stack {
  readonly config: StageConfig;
  readonly stateful: StatefulResources;
  readonly operations: OperationsDashboard;
  readonly monitor: OperationsMonitor;
  readonly api: HubApi;
  readonly orders: OrdersLoop;
  readonly settlements: SettlementsLoop;
  readonly stock: StockLoop;
  readonly amazonOrders: AmazonOrdersLoop;
  readonly fulfilment: FulfilmentLoop;
  readonly catalogue: CatalogueLoop;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.config = props.config;
    this.stateful = props.stateful;
    this.operations = new OperationsDashboard(this, 'Operations', { stage: props.config.stage });
    this.api = new HubApi(this, 'Api', {
      stage: props.config.stage,
      alarmTopic: props.stateful.alarmTopic,
      waf: {
        rateLimitPer5Minutes: props.config.edge.wafRateLimitPer5Minutes,
        orderwiseAllowList: props.config.edge.orderwiseAllowList,
      },
    });
    this.orders = new OrdersLoop(this, 'Orders', {
      config: props.config,
      stateful: props.stateful,
      api: this.api,
      dashboard: this.operations,
    });
    this.stock = new StockLoop(this, 'Stock', {
      config: props.config,
      stateful: props.stateful,
      api: this.api,
      dashboard: this.operations,
    });
    // SCAYLE's variant stock and price webhooks arrive on the same route as its order webhooks.
    this.orders.webhook.bindQueue('STOCK_EVENTS_QUEUE_URL', this.stock.queue.queue);
    // Posting an Amazon order to OrderWise lets go of the stock loop 6 reserved for it.
    this.orders.consumer
      .bindQueue('STOCK_EVENTS_QUEUE_URL', this.stock.queue.queue)
      .bindTable('STOCK_TABLE', props.stateful.stockTable, 'readWrite');
    this.amazonOrders = new AmazonOrdersLoop(this, 'AmazonOrders', {
      config: props.config,
      stateful: props.stateful,
      dashboard: this.operations,
      orderEventsQueue: this.orders.queue.queue,
      stockEventsQueue: this.stock.queue.queue,
    });
    this.fulfilment = new FulfilmentLoop(this, 'Fulfilment', {
      config: props.config,
      stateful: props.stateful,
      api: this.api,
      dashboard: this.operations,
    });
    this.catalogue = new CatalogueLoop(this, 'Catalogue', {
      config: props.config,
      stateful: props.stateful,
      dashboard: this.operations,
    });
    // SCAYLE's product webhooks arrive on the same route as its order webhooks.
    this.orders.webhook.bindQueue('LISTINGS_QUEUE_URL', this.catalogue.queue.queue);
    // A listing Amazon lost (NOT_FOUND on an offer) is queued for the catalogue loop to list again.
    this.stock.amazonPush.bindQueue('LISTINGS_QUEUE_URL', this.catalogue.queue.queue);
    this.settlements = new SettlementsLoop(this, 'Settlements', {
      config: props.config,
      stateful: props.stateful,
      dashboard: this.operations,
    });
    // The exceptions list as read-only JSON for dashboards and scripts: IAM (SigV4) only, no Basic credentials.
    const opsExceptions = new HubFunction(this, 'OpsExceptions', {
      entry: 'functions/ops-exceptions',
      description: 'GET /ops/exceptions: the exceptions list as read-only JSON (IAM auth)',
      serviceName: 'operations',
      logRetentionDays: props.config.logRetentionDays,
      timeout: Duration.seconds(20),
    }).bindTable('EXCEPTIONS_TABLE', props.stateful.exceptionsTable, 'read');
    this.api.addRoute('GET', '/ops/exceptions', opsExceptions, { iam: true, rateLimit: 5 });
    this.monitor = new OperationsMonitor(this, 'Monitor', {
      config: props.config,
      stateful: props.stateful,
      dashboard: this.operations,
    });
    Aspects.of(this).add(new FunctionAlarms(props.stateful.alarmTopic));
    if (props.config.retainData) Aspects.of(this).add(new RetainQueuesAndLogs());
    // Read by the `hub` command line to work against a deployed stage (`hub doctor` checks SCAYLE calls this API).
    new CfnOutput(this, 'ApiUrl', { value: this.api.api.url });
    new CfnOutput(this, 'OrderEventsQueueUrl', { value: this.orders.queue.queue.queueUrl });
    new CfnOutput(this, 'OrderEventsDlqUrl', { value: this.orders.queue.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'OrderReconciliationFunctionName', { value: this.orders.reconciliation.functionName });
    new CfnOutput(this, 'StockEventsQueueUrl', { value: this.stock.queue.queue.queueUrl });
    new CfnOutput(this, 'StockEventsDlqUrl', { value: this.stock.queue.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'StockJobsFunctionName', { value: this.stock.jobs.functionName });
    new CfnOutput(this, 'AmazonStockPushFunctionName', { value: this.stock.amazonPush.functionName });
    // Give this ARN to Amazon as the SQS destination of the ORDER_CHANGE subscription (README, loop 6).
    new CfnOutput(this, 'AmazonNotificationsQueueArn', { value: this.amazonOrders.notificationsQueue.queueArn });
    new CfnOutput(this, 'AmazonNotificationsQueueUrl', { value: this.amazonOrders.notificationsQueue.queueUrl });
    new CfnOutput(this, 'AmazonNotificationsDlqUrl', { value: this.amazonOrders.notificationsDlq.queueUrl });
    new CfnOutput(this, 'AmazonOrdersQueueUrl', { value: this.amazonOrders.queue.queue.queueUrl });
    new CfnOutput(this, 'AmazonOrdersDlqUrl', { value: this.amazonOrders.queue.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'AmazonOrderJobsFunctionName', { value: this.amazonOrders.jobs.functionName });
    new CfnOutput(this, 'DespatchQueueUrl', { value: this.fulfilment.despatchQueue.queue.queueUrl });
    new CfnOutput(this, 'DespatchDlqUrl', { value: this.fulfilment.despatchQueue.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'AmazonConfirmationsQueueUrl', {
      value: this.fulfilment.confirmationsQueue.queue.queueUrl,
    });
    new CfnOutput(this, 'AmazonConfirmationsDlqUrl', {
      value: this.fulfilment.confirmationsQueue.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'ListingsQueueUrl', { value: this.catalogue.queue.queue.queueUrl });
    new CfnOutput(this, 'ListingsDlqUrl', { value: this.catalogue.queue.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'CatalogueJobsFunctionName', { value: this.catalogue.jobs.functionName });
    new CfnOutput(this, 'OpsStatusFunctionName', { value: this.monitor.status.functionName });
    new CfnOutput(this, 'DespatchStateMachineArn', { value: this.fulfilment.stateMachine.stateMachineArn });
  }
}
