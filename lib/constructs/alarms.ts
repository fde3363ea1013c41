import { Duration, type IAspect } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { HubFunction } from './hub-function';

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

/**
 * The two alarms of a dead-letter queue: one while it holds anything (what the runbook's redrive clears), and one on
 * every new dead letter. The first stays in ALARM while letters wait, so on its own it would say nothing of the
 * tenth letter after the first; the second compares the depth with a minute before (`DIFF`) and notifies again each
 * time it grows.
 */
export const alarmOnDeadLetters = (
  scope: Construct,
  id: string,
  props: { queue: IQueue; description: string; topic: ITopic },
): Alarm => {
  const depth = props.queue.metricApproximateNumberOfMessagesVisible({
    period: Duration.minutes(1),
    statistic: 'Maximum',
  });
  alarmOnFirst(scope, `${id}New`, {
    description: `New dead letters: ${props.description}`,
    metric: new MathExpression({
      expression: 'DIFF(depth)',
      usingMetrics: { depth },
      period: Duration.minutes(1),
      label: 'dead letters added',
    }),
    topic: props.topic,
  });
  return alarmOnFirst(scope, id, { description: props.description, metric: depth, topic: props.topic });
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

/**
 * An errors alarm and a throttles alarm on every hub function of the stack it is applied to, added at synth
 * time so no function, whenever it was added, goes without: a scheduled job that throws, a consumer that
 * crashes or times out (failed messages are batch item failures, not errors), or a function refused for lack
 * of concurrency, each needs someone.
 */
export class FunctionAlarms implements IAspect {
  constructor(private readonly topic: ITopic) {}

  visit(node: IConstruct): void {
    if (!(node instanceof HubFunction) || node.node.tryFindChild('ErrorsAlarm')) return;
    const period = { period: Duration.minutes(5), statistic: 'Sum' };
    alarmOnFirst(node, 'ErrorsAlarm', {
      metric: node.metricErrors(period),
      description: `${node.node.path} failed (error, crash or timeout). See RUNBOOK.md#function-errors.`,
      topic: this.topic,
    });
    alarmOnFirst(node, 'ThrottlesAlarm', {
      metric: node.metricThrottles(period),
      description: `${node.node.path} was throttled. See RUNBOOK.md#function-throttles.`,
      topic: this.topic,
    });
  }
}
