import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IMetric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * The one CloudWatch dashboard of a stage. It opens with a pointer to the runbook; each loop adds a row for
 * its queues (depth, age of the oldest message, dead letters) and its own metrics as it is built.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: { stage: string }) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `scayle-hub-${props.stage}`,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# scayle-hub ${props.stage}\nEvery alarm and exception type has an entry in RUNBOOK.md: what it means, who owns it, how to fix and replay.`,
        width: 24,
        height: 2,
      }),
    );
  }

  /** Adds a row for one queue and its dead-letter queue. */
  addQueue(title: string, queue: IQueue, deadLetterQueue: IQueue): void {
    const minute = { period: Duration.minutes(1) };
    this.dashboard.addWidgets(
      new GraphWidget({
        title: `${title}: waiting`,
        left: [queue.metricApproximateNumberOfMessagesVisible(minute)],
        width: 8,
      }),
      new GraphWidget({
        title: `${title}: age of oldest (s)`,
        left: [queue.metricApproximateAgeOfOldestMessage({ ...minute, statistic: 'Maximum' })],
        width: 8,
      }),
      new GraphWidget({
        title: `${title}: dead letters`,
        left: [deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...minute, statistic: 'Maximum' })],
        width: 8,
      }),
    );
  }

  /** Adds a row of metric graphs; `stacked` piles them up, so the top line is their total (e.g. a count by type). */
  addMetrics(title: string, metrics: IMetric[], options: { stacked?: boolean } = {}): void {
    this.dashboard.addWidgets(new GraphWidget({ title, left: metrics, width: 24, stacked: options.stacked }));
  }
}
