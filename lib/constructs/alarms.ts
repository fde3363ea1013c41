import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/**
 * An alarm that fires on the first occurrence (metric >= 1 in one period) and notifies the alarm topic. Every
 * hub alarm is of this kind: a dead letter, a flagged order, an unbalanced settlement each need someone now.
 * `description` must link its RUNBOOK.md entry (a test checks that it exists).
 */
export const alarmOnFirst = (
  scope: Construct,
  id: string,
  props: { metric: IMetric; description: string; topic: ITopic },
): Alarm => {
  const alarm = new Alarm(scope, id, {
    alarmDescription: props.description,
    metric: props.metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(props.topic));
  return alarm;
};

/** A hub business metric (namespace ScayleHub, dimension `service` as Powertools sets it), summed over 5 minutes. */
export const hubMetric = (service: string, metricName: string): Metric =>
  new Metric({
    namespace: 'ScayleHub',
    metricName,
    dimensionsMap: { service },
    statistic: 'Sum',
    period: Duration.minutes(5),
  });
