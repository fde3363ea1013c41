import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { exceptionTypes } from '../../shared/domain/exception-types';
import type { StageConfig } from '../config/stage-config';
import type { StatefulResources } from '../stateful-stack';
import { HubFunction } from './hub-function';
import { HubSchedule } from './hub-schedule';
import type { OperationsDashboard } from './operations-dashboard';
import { bindAmazon, bindOrderwise, bindScayle } from './peers';
import { RuleTargets } from './rule-targets';

/** Powertools service name of the operations functions. */
export const OPERATIONS_SERVICE = 'operations';

/** How long one peer's read may take, retries included, before its line in `hub trace` says it timed out. */
const PEER_READ_TIMEOUT = Duration.seconds(10);

/** Properties of the operations monitor. */
export interface OperationsMonitorProps {
  readonly config: StageConfig;
  readonly stateful: StatefulResources;
  readonly dashboard: OperationsDashboard;
}

/**
 * The interval of a schedule expression, as a metric period: a count published on that schedule then has one
 * point per period and its graph no gaps. A cron schedule (not used for monitors) counts as hourly.
 */
const periodOf = (expression: string): Duration => {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (!rate) return Duration.hours(1);
  const n = Number(rate[1]);
  return rate[2] === 'minute' ? Duration.minutes(n) : rate[2] === 'hour' ? Duration.hours(n) : Duration.days(n);
};

/**
 * Operations views that are neither a loop nor the API: `OpsMetrics` counts open exceptions by type on the
 * monitors' schedule for the dashboard (functions/ops-metrics), and `OpsStatus` reads what SCAYLE, OrderWise and
 * Amazon say of an order now for `hub trace`, which holds no peer credentials itself (functions/ops-status).
 */
export class OperationsMonitor extends Construct {
  readonly metrics: HubFunction;
  readonly status: HubFunction;

  constructor(scope: Construct, id: string, props: OperationsMonitorProps) {
    super(scope, id);
    const { config, stateful, dashboard } = props;
    const common = { logRetentionDays: config.logRetentionDays, serviceName: OPERATIONS_SERVICE };
    const targets = new RuleTargets(this, 'Targets', {
      alarmTopic: stateful.alarmTopic,
      what: 'The open exceptions count',
    });

    this.metrics = new HubFunction(this, 'OpsMetrics', {
      ...common,
      entry: 'functions/ops-metrics',
      description: 'Publishes the open exceptions by type (OpenExceptions) for the dashboard',
    }).bindTable('EXCEPTIONS_TABLE', stateful.exceptionsTable, 'read');
    new HubSchedule(this, 'OpenExceptionsSchedule', config, 'monitors', {
      description: 'Counts open exceptions by type for the operations dashboard',
      targets: [targets.lambda(this.metrics)],
    });
    const period = periodOf(config.schedules.monitors);
    dashboard.addMetrics(
      'Open exceptions by type',
      exceptionTypes().map(
        (type) =>
          new Metric({
            namespace: 'ScayleHub',
            metricName: 'OpenExceptions',
            dimensionsMap: { service: OPERATIONS_SERVICE, type },
            statistic: 'Maximum',
            period,
            label: type,
          }),
      ),
      { stacked: true },
    );

    this.status = bindAmazon(
      bindOrderwise(
        bindScayle(
          new HubFunction(this, 'OpsStatus', {
            ...common,
            entry: 'functions/ops-status',
            description: 'hub trace: what SCAYLE, OrderWise and Amazon say of an order now (no personal data)',
            // The peers are asked at once; the rest is room for a cold start, secrets and the LWA token.
            timeout: PEER_READ_TIMEOUT.plus(Duration.seconds(20)),
          }).setEnv('LIVE_STATUS_TIMEOUT_MS', String(PEER_READ_TIMEOUT.toMilliseconds())),
          config,
        ),
        config,
      ),
      config,
    );
  }
}
