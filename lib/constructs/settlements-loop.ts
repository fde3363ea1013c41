import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { INCOMING_PREFIX } from '../../shared/use-cases/settlements';
import type { StageConfig } from '../config/stage-config';
import type { StatefulResources } from '../stateful-stack';
import { alarmOnFirst, hubMetric } from './alarms';
import { HubFunction } from './hub-function';
import { HubSchedule } from './hub-schedule';
import type { OperationsDashboard } from './operations-dashboard';
import { bindAmazon } from './peers';
import { RuleTargets } from './rule-targets';

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
  readonly targets: RuleTargets;

  constructor(scope: Construct, id: string, props: SettlementsLoopProps) {
    super(scope, id);
    const { config, stateful, dashboard } = props;
    const common = { logRetentionDays: config.logRetentionDays, serviceName: SETTLEMENTS_SERVICE };

    this.targets = new RuleTargets(this, 'Targets', { alarmTopic: stateful.alarmTopic, what: 'A settlement event' });
    const target = (fn: HubFunction) => this.targets.lambda(fn);

    this.fetcher = new HubFunction(this, 'SettlementFetch', {
      ...common,
      entry: 'functions/settlement-fetch',
      description: 'Fetches new Amazon settlement reports into the data bucket',
      timeout: Duration.minutes(5),
      // One fetcher at a time keeps the Reports API's usage plan in one token bucket.
      reservedConcurrentExecutions: 1,
    })
      .bindBucket('DATA_BUCKET', stateful.dataBucketName, INCOMING_PREFIX, 'put')
      .bindTable('SETTLEMENTS_TABLE', stateful.settlementsTable, 'readWrite');
    bindAmazon(this.fetcher, config);
    new HubSchedule(this, 'FetchSchedule', config, 'settlementPoll', {
      description: 'Polls the Reports API for new settlement reports (they cannot be requested)',
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
