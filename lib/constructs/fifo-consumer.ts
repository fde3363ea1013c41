import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HubTable } from '../stateful-stack';
import { alarmOnDeadLetters } from './alarms';
import type { HubFunction } from './hub-function';
import type { OperationsDashboard } from './operations-dashboard';

/** Visibility timeout as a multiple of the consumer's timeout, as AWS advises for SQS event sources. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** Properties of a FIFO consumer. */
export interface FifoConsumerProps {
  /** The function that processes the messages; its handler must use `sqsFifoHandler`. */
  readonly consumer: HubFunction;
  /** Where the DLQ alarm goes. */
  readonly alarmTopic: ITopic;
  /** Where the consumer records why messages failed; bound to the consumer as FAILURES_TABLE. */
  readonly failuresTable: HubTable;
  /** What the queue carries, for the alarm's description, e.g. `SCAYLE order events`. */
  readonly purpose: string;
  /** Deliveries before a message moves to the DLQ. Default 5; 1 to 100. */
  readonly maxReceiveCount?: number;
  /** Messages per invocation. Default 10 (the FIFO maximum). */
  readonly batchSize?: number;
  /** Dashboard to add this queue's row to. */
  readonly dashboard?: OperationsDashboard;
  /** Concurrent invocations the event source may start (2 to 1000). Default: no cap. */
  readonly maxConcurrency?: number;
}

/**
 * A FIFO queue feeding a function, with everything the hub requires of one: a FIFO dead-letter queue after a
 * bounded number of deliveries, partial batch responses (`ReportBatchItemFailures`), a visibility timeout of at
 * least six times the function timeout, and an alarm to the operations topic as soon as one message lands in the
 * DLQ. Messages carry explicit deduplication ids (content-based deduplication is off): the producer knows
 * which events are the same.
 */
export class FifoConsumer extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly dlqAlarm: Alarm;

  constructor(scope: Construct, id: string, props: FifoConsumerProps) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    const batchSize = props.batchSize ?? 10;
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 100) {
      throw new Error(`FifoConsumer ${id}: maxReceiveCount must be an integer from 1 to 100, got ${maxReceiveCount}`);
    }
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) {
      throw new Error(
        `FifoConsumer ${id}: batchSize must be an integer from 1 to 10 for a FIFO queue, got ${batchSize}`,
      );
    }
    const functionTimeout = props.consumer.timeout ?? Duration.seconds(3);
    const visibilityTimeout = Duration.seconds(functionTimeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR);

    this.deadLetterQueue = new Queue(this, 'Dlq', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new Queue(this, 'Queue', {
      fifo: true,
      contentBasedDeduplication: false,
      visibilityTimeout,
      retentionPeriod: Duration.days(4),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });
    props.consumer.bindTable('FAILURES_TABLE', props.failuresTable, 'readWrite');
    props.consumer.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize,
        reportBatchItemFailures: true,
        ...(props.maxConcurrency ? { maxConcurrency: props.maxConcurrency } : {}),
      }),
    );
    this.dlqAlarm = alarmOnDeadLetters(this, 'DlqAlarm', {
      description: `${props.purpose}: a message failed ${maxReceiveCount} times and is in the dead-letter queue. See RUNBOOK.md#dead-letter-queues.`,
      queue: this.deadLetterQueue,
      topic: props.alarmTopic,
    });
    props.dashboard?.addQueue(props.purpose, this.queue, this.deadLetterQueue);
  }
}
