import { Duration, Validations } from 'aws-cdk-lib';
import { RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alarmOnDeadLetters } from './alarms';
import type { HubFunction } from './hub-function';

/** Properties of a loop's rule targets. */
export interface RuleTargetsProps {
  readonly alarmTopic: ITopic;
  /** What the rules deliver, for the alarm's description, e.g. `A settlement event`. */
  readonly what: string;
}

/**
 * The EventBridge targets of one loop's schedules and rules: Lambda targets with bounded retries and a
 * dead-letter queue, and an alarm as soon as one event lands there (it means a run was lost, not just late).
 */
export class RuleTargets extends Construct {
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: RuleTargetsProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, 'EventDlq', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of EventBridge targets (DeadLetterConfig), with an alarm.',
    });
    alarmOnDeadLetters(this, 'EventDlqAlarm', {
      description: `${props.what} could not be delivered to its function. See RUNBOOK.md#dead-letter-queues.`,
      queue: this.deadLetters,
      topic: props.alarmTopic,
    });
  }

  /** A target for `fn`, with `input` as the event when given (schedules that say which job to run). */
  lambda(fn: HubFunction, input?: Record<string, unknown>): LambdaFunction {
    return new LambdaFunction(fn, {
      retryAttempts: 4,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: this.deadLetters,
      ...(input ? { event: RuleTargetInput.fromObject(input) } : {}),
    });
  }
}
