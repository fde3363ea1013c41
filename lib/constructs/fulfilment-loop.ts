import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { DEFAULT_CARRIER_TABLE, mergeCarrierTable } from '../../shared/domain/carriers';
import type { StageConfig } from '../config/stage-config';
import type { StatefulResources } from '../stateful-stack';
import { alarmOnFirst, hubMetric } from './alarms';
import { FifoConsumer } from './fifo-consumer';
import type { HubApi } from './hub-api';
import { HubFunction, renderForNag } from './hub-function';
import { HubSchedule } from './hub-schedule';
import type { OperationsDashboard } from './operations-dashboard';
import { bindAmazon, bindOrderwise, bindScayle } from './peers';
import { RuleTargets } from './rule-targets';

/** Powertools service name of the fulfilment loop's functions. */
export const FULFILMENT_SERVICE = 'fulfilment';

/** Errors a despatch step may meet that heal by themselves: a peer's 5xx or timeout, throttling, Lambda itself. */
export const TRANSIENT_ERRORS = [
  'RetryableError',
  'UpstreamError',
  'TimeoutError',
  'ThrottledError',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Properties of the fulfilment loop. */
export interface FulfilmentLoopProps {
  readonly config: StageConfig;
  readonly stateful: StatefulResources;
  readonly api: HubApi;
  readonly dashboard: OperationsDashboard;
}

/**
 * Loops 4 and 7: OrderWise despatch exports -> despatch FIFO queue -> one Step Functions execution per package
 * (named by its despatch id, so a repeat starts nothing) that pushes the SCAYLE shipment and waits until SCAYLE
 * shows it shipped, then, for an Amazon order, queues the confirmation (a consumer sends them in small batches
 * under confirmShipment's plan) and waits until Amazon shows the package shipped; a window that passes raises
 * FULFILMENT_UNACKED or AMAZON_CONFIRMATION_UNACKED and fails the execution, with an alarm.
 *
 * Standard, not Express: the windows are hours (Express runs at most five minutes), and Standard keeps an
 * execution name unique for 90 days, which is what makes a repeated despatch a no-op.
 */
export class FulfilmentLoop extends Construct {
  readonly webhook: HubFunction;
  readonly starter: HubFunction;
  readonly steps: HubFunction;
  readonly confirmer: HubFunction;
  readonly pull: HubFunction;
  readonly despatchQueue: FifoConsumer;
  readonly confirmationsQueue: FifoConsumer;
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: FulfilmentLoopProps) {
    super(scope, id);
    const { config, stateful, api, dashboard } = props;
    const common = { logRetentionDays: config.logRetentionDays, serviceName: FULFILMENT_SERVICE };
    const topic = stateful.alarmTopic;
    const carriers = mergeCarrierTable(DEFAULT_CARRIER_TABLE, config.carriers);

    this.confirmer = bindAmazon(
      new HubFunction(this, 'AmazonConfirmations', {
        ...common,
        entry: 'functions/amazon-confirmations',
        description: 'Confirms shipments to Amazon in small batches and checks Amazon shows them shipped',
        timeout: Duration.minutes(1),
      })
        .bindTable('LEDGER_TABLE', stateful.ledgerTable, 'readWrite')
        .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'readWrite')
        // Two at a time, each with a quarter of the Orders API plans (the Amazon order consumers take the rest).
        .setEnv('AMAZON_USAGE_PLAN_SHARE', '0.25'),
      config,
    );
    this.confirmationsQueue = new FifoConsumer(this, 'AmazonConfirmationsQueue', {
      consumer: this.confirmer,
      alarmTopic: topic,
      failuresTable: stateful.failuresTable,
      purpose: 'Amazon shipment confirmations',
      maxReceiveCount: 10,
      maxConcurrency: 2,
      dashboard,
    });

    this.steps = bindScayle(
      new HubFunction(this, 'DespatchSteps', {
        ...common,
        entry: 'functions/despatch-steps',
        description: 'The tasks of the despatch state machine: SCAYLE shipments, Amazon confirmations, windows',
        timeout: Duration.seconds(60),
      })
        .bindTable('LEDGER_TABLE', stateful.ledgerTable, 'readWrite')
        .bindTable('CATALOGUE_TABLE', stateful.catalogueTable, 'read')
        .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'readWrite')
        .bindQueue('AMAZON_CONFIRMATIONS_QUEUE_URL', this.confirmationsQueue.queue)
        .setEnv('CARRIER_TABLE', JSON.stringify(carriers))
        .setEnv('FULFILMENT_ACK_MINUTES', String(config.windows.fulfilmentAckMinutes))
        .setEnv('AMAZON_CONFIRMATION_ACK_MINUTES', String(config.windows.amazonConfirmationAckMinutes)),
      config,
    );

    this.stateMachine = this.#stateMachine(config);

    this.starter = new HubFunction(this, 'DespatchEvents', {
      ...common,
      entry: 'functions/despatch-events',
      description: 'Starts one despatch execution per package (named by its despatch id)',
      timeout: Duration.seconds(30),
    }).setEnv('DESPATCH_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    this.stateMachine.grantStartExecution(this.starter);
    this.despatchQueue = new FifoConsumer(this, 'DespatchQueue', {
      consumer: this.starter,
      alarmTopic: topic,
      failuresTable: stateful.failuresTable,
      purpose: 'OrderWise despatches',
      dashboard,
    });

    this.webhook = new HubFunction(this, 'OrderwiseDespatchWebhook', {
      ...common,
      entry: 'functions/orderwise-despatch-webhook',
      description: 'Accepts OrderWise despatch exports and queues one message per order',
      timeout: Duration.seconds(29),
      // A flood of this route takes no more of the account's concurrency than this from the consumers.
      reservedConcurrentExecutions: config.edge.intakeConcurrency,
    })
      .bindQueue('DESPATCH_QUEUE_URL', this.despatchQueue.queue)
      .bindBucket('DATA_BUCKET', stateful.dataBucketName, 'rejected/', 'put')
      .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'record')
      .bindSecret('WEBHOOK_SECRET', config.secrets.orderwiseWebhook);
    api.addRoute('POST', '/webhooks/orderwise/despatch', this.webhook, { service: FULFILMENT_SERVICE });

    this.pull = bindOrderwise(
      new HubFunction(this, 'DespatchPull', {
        ...common,
        entry: 'functions/despatch-pull',
        description: 'Pulls OrderWise despatches since its cursor, behind the pushed exports',
        timeout: Duration.minutes(5),
        // One run at a time: one writer of the cursor.
        reservedConcurrentExecutions: 1,
      })
        .bindTable('LEDGER_TABLE', stateful.ledgerTable, 'readWrite')
        .bindQueue('DESPATCH_QUEUE_URL', this.despatchQueue.queue),
      config,
    );
    new HubSchedule(this, 'DespatchPullSchedule', config, 'despatchPull', {
      description: 'Pulls OrderWise despatches behind the pushed exports',
      targets: [
        new RuleTargets(this, 'Targets', { alarmTopic: topic, what: 'The despatch pull schedule' }).lambda(this.pull),
      ],
    });

    const metric = (metricName: string) => hubMetric(FULFILMENT_SERVICE, metricName);
    alarmOnFirst(this, 'FulfilmentUnackedAlarm', {
      metric: metric('FulfilmentUnacked'),
      description:
        'A despatched package was not shown shipped in SCAYLE within the window: the customer has no tracking. See RUNBOOK.md#fulfilment_unacked.',
      topic,
    });
    alarmOnFirst(this, 'AmazonConfirmationUnackedAlarm', {
      metric: metric('AmazonConfirmationUnacked'),
      description:
        'Amazon did not show a confirmed package shipped within the window: late shipment and valid tracking rates at risk. See RUNBOOK.md#amazon_confirmation_unacked.',
      topic,
    });
    alarmOnFirst(this, 'DespatchExecutionsFailedAlarm', {
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      description:
        'A despatch execution failed (a window passed, or a despatch the hub cannot match). See RUNBOOK.md#despatch-executions-failed.',
      topic,
    });
    alarmOnFirst(this, 'DespatchExecutionsTimedOutAlarm', {
      metric: this.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
      description:
        'A despatch execution ran past both windows and an hour, and was stopped. See RUNBOOK.md#despatch-executions-failed.',
      topic,
    });
    dashboard.addMetrics('Fulfilment: despatches, shipments acknowledged, Amazon confirmed, unacked', [
      metric('DespatchesAccepted'),
      metric('DespatchesStarted'),
      metric('DespatchesRepeated'),
      metric('ShipmentsAcknowledged'),
      metric('AmazonShipmentsConfirmed'),
      metric('FulfilmentUnacked'),
      metric('AmazonConfirmationUnacked'),
    ]);
  }

  /**
   * Prepare -> (SyncScayle -> acknowledged? / past the window? / wait and again) -> for an Amazon order:
   * RequestAmazon -> (CheckAmazon -> acknowledged? / past the window? / wait and again) -> Succeed. Every task has a
   * Retry on transient errors and a Catch that records the failure and fails the execution visibly.
   */
  #stateMachine(config: StageConfig): StateMachine {
    const task = (name: string, step: string, resultPath: string) =>
      new LambdaInvoke(this, name, {
        lambdaFunction: this.steps,
        payloadResponseOnly: true,
        payload: TaskInput.fromObject({ step, state: JsonPath.objectAt('$') }),
        resultPath,
        retryOnServiceExceptions: false,
      }).addRetry({
        errors: TRANSIENT_ERRORS,
        interval: Duration.seconds(5),
        backoffRate: 2,
        maxAttempts: 5,
      });
    const scayleFailed = new Fail(this, 'ScayleNotShipped', {
      error: 'FULFILMENT_UNACKED',
      cause: 'SCAYLE did not show the package shipped within the window',
    });
    const amazonFailed = new Fail(this, 'AmazonNotShipped', {
      error: 'AMAZON_CONFIRMATION_UNACKED',
      cause: 'Amazon did not show the package shipped within the window',
    });
    // Recording the exception ends in the Fail state whatever happens: the execution fails visibly either way.
    const raiseScayle = task('RaiseFulfilmentUnacked', 'fulfilment-unacked', '$.raised');
    raiseScayle.addCatch(scayleFailed, { resultPath: '$.raiseError' }).next(scayleFailed);
    const raiseAmazon = task('RaiseAmazonUnacked', 'amazon-unacked', '$.raised');
    raiseAmazon.addCatch(amazonFailed, { resultPath: '$.raiseError' }).next(amazonFailed);

    const prepare = task('Prepare', 'prepare', '$.plan').addCatch(raiseScayle, { resultPath: '$.error' });
    const syncScayle = task('SyncScayle', 'sync-scayle', '$.scayle').addCatch(raiseScayle, { resultPath: '$.error' });
    const requestAmazon = task('RequestAmazon', 'request-amazon', '$.amazonRequest').addCatch(raiseAmazon, {
      resultPath: '$.error',
    });
    const checkAmazon = task('CheckAmazon', 'check-amazon', '$.amazon').addCatch(raiseAmazon, {
      resultPath: '$.error',
    });
    const waitScayle = new Wait(this, 'WaitForScayle', { time: WaitTime.duration(Duration.minutes(1)) });
    const waitAmazon = new Wait(this, 'WaitForAmazon', { time: WaitTime.duration(Duration.minutes(2)) });
    const done = new Succeed(this, 'Shipped');

    const amazonLeg = new Choice(this, 'AmazonOrder?')
      .when(Condition.isPresent('$.plan.amazon'), requestAmazon)
      .otherwise(done);
    requestAmazon.next(waitAmazon);
    waitAmazon.next(checkAmazon);
    checkAmazon.next(
      new Choice(this, 'AmazonShowsShipped?')
        .when(Condition.booleanEquals('$.amazon.acknowledged', true), done)
        .when(Condition.booleanEquals('$.amazon.pastDeadline', true), raiseAmazon)
        .otherwise(waitAmazon),
    );
    const definition = prepare
      .next(syncScayle)
      .next(
        new Choice(this, 'ScayleShowsShipped?')
          .when(Condition.booleanEquals('$.scayle.acknowledged', true), amazonLeg)
          .when(Condition.booleanEquals('$.scayle.pastDeadline', true), raiseScayle)
          .otherwise(waitScayle.next(syncScayle)),
      );

    const logs = new LogGroup(this, 'DespatchLogs', {
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Both windows in turn and an hour for retries: an execution stuck past that (a task that never returns) ends
    // as TimedOut, alarmed, instead of running for Standard's year.
    const { fulfilmentAckMinutes, amazonConfirmationAckMinutes } = config.windows;
    const machine = new StateMachine(this, 'Despatch', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      timeout: Duration.minutes(Math.ceil(fulfilmentAckMinutes + amazonConfirmationAckMinutes) + 60),
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
      comment: 'One package of an OrderWise despatch: SCAYLE shipment, then the Amazon confirmation, within windows',
    });
    Validations.of(machine).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${renderForNag(Stack.of(this), this.steps.functionArn)}:*]`,
      reason: 'Step Functions invokes the despatch steps function by any version or alias of it (CDK grant).',
    });
    Validations.of(machine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing and CloudWatch Logs delivery (log delivery APIs) support no resource-level permissions.',
    });
    return machine;
  }
}
