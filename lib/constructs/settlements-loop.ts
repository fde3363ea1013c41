import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INCOMING_PREFIX } from '../../shared/use-cases/settlements';
import type { StageConfig } from '../config/stage-config';
import type { StatefulResources } from '../stateful-stack';
import { alarmOnFirst, hubMetric } from './alarms';
import { HubFunction } from './hub-function';
import type { OperationsDashboard } from './operations-dashboard';

/** Powertools service name of the settlement loop's functions. */
export const SETTLEMENTS_SERVICE = 'settlements';

/** Properties of the settlement loop. */
export interface SettlementsLoopProps {
  readonly config: StageConfig;
  readonly stateful: StatefulResources;
  readonly dashboard: OperationsDashboard;
}

/**
 * Loop 9: a schedule fetches Amazon settlement reports into `settlements/incoming/`; S3 announces each file
 * on EventBridge and the parser turns it into one balanced journal entry (JSON and CSV under
 * `settlements/journals/`), a settlement record and a `SettlementJournalCreated` event.
 */
export class SettlementsLoop extends Construct {
  readonly fetcher: HubFunction;
  readonly parser: HubFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: SettlementsLoopProps) {
    super(scope, id);
    const { config, stateful, dashboard } = props;
    const common = { logRetentionDays: config.logRetentionDays, serviceName: SETTLEMENTS_SERVICE };

    // Events EventBridge could not deliver after its retries wait here, and the alarm says so.
    this.deadLetters = new Queue(this, 'EventDlq', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the EventBridge targets below (DeadLetterConfig), with an alarm.',
    });
    alarmOnFirst(this, 'EventDlqAlarm', {
      description: 'A settlement event could not be delivered to its function. See RUNBOOK.md#dead-letter-queues.',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      topic: stateful.alarmTopic,
    });
    const target = (fn: HubFunction) =>
      new LambdaFunction(fn, { retryAttempts: 4, maxEventAge: Duration.hours(6), deadLetterQueue: this.deadLetters });

    this.fetcher = new HubFunction(this, 'SettlementFetch', {
      ...common,
      entry: 'functions/settlement-fetch',
      description: 'Fetches new Amazon settlement reports into the data bucket',
      timeout: Duration.minutes(5),
      // One fetcher at a time keeps the Reports API's usage plan in one token bucket.
      reservedConcurrentExecutions: 1,
    })
      .setEnv('AMAZON_ENDPOINT', config.amazon.endpoint)
      .setEnv('AMAZON_TOKEN_URL', config.amazon.tokenUrl)
      .bindSecret('AMAZON_LWA_SECRET', config.secrets.amazonLwa)
      .bindBucket('DATA_BUCKET', stateful.dataBucketName, INCOMING_PREFIX, 'put')
      .bindTable('SETTLEMENTS_TABLE', stateful.settlementsTable, 'readWrite');
    new Rule(this, 'FetchSchedule', {
      description: 'Polls the Reports API for new settlement reports (they cannot be requested)',
      schedule: Schedule.expression(config.schedules.settlementPoll),
      targets: [target(this.fetcher)],
    });

    this.parser = new HubFunction(this, 'SettlementParser', {
      ...common,
      entry: 'functions/settlement-parser',
      description: 'Parses a settlement file into one balanced journal entry',
      timeout: Duration.minutes(5),
      memorySize: 256,
    })
      .bindBucket('DATA_BUCKET', stateful.dataBucketName, 'settlements/', 'readWrite')
      .bindTable('SETTLEMENTS_TABLE', stateful.settlementsTable, 'readWrite')
      .bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'readWrite')
      .bindEventBus('EVENT_BUS', stateful.eventBus);
    if (config.settlementAccountMapping)
      this.parser.setEnv('ACCOUNT_MAPPING', JSON.stringify(config.settlementAccountMapping));
    new Rule(this, 'IncomingFile', {
      description: 'A settlement file arrived under settlements/incoming/',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [stateful.dataBucketName] }, object: { key: [{ prefix: INCOMING_PREFIX }] } },
      },
      targets: [target(this.parser)],
    });

    const metric = (metricName: string) => hubMetric(SETTLEMENTS_SERVICE, metricName);
    alarmOnFirst(this, 'UnbalancedAlarm', {
      metric: metric('SettlementsUnbalanced'),
      description: 'A settlement file did not balance; nothing was posted. See RUNBOOK.md#settlement_unbalanced.',
      topic: stateful.alarmTopic,
    });
    alarmOnFirst(this, 'UnreadableAlarm', {
      metric: metric('SettlementsUnreadable'),
      description: 'A settlement file could not be read as a V2 flat file. See RUNBOOK.md#settlement_unreadable.',
      topic: stateful.alarmTopic,
    });
    dashboard.addMetrics('Settlements: reports fetched, journals posted, duplicates, unbalanced', [
      metric('SettlementReportsFetched'),
      metric('SettlementsPosted'),
      metric('SettlementsDuplicate'),
      metric('SettlementsUnbalanced'),
    ]);
  }
}
