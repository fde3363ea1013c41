import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { LocalFunction } from './functions';

/** An SQS event source mapping of the template. */
export interface EventSourceSpec {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly batchSize: number;
  readonly reportBatchItemFailures: boolean;
  /** Seconds a failed message stays invisible before it is offered again (the queue's visibility timeout, compressed). */
  readonly retryAfterSeconds: number;
}

const toRecord = (message: Message, spec: EventSourceSpec) => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: message.Attributes ?? {},
  messageAttributes: {},
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: spec.queueArn,
  awsRegion: 'eu-west-1',
});

/**
 * Emulates Lambda's SQS event source: long-polls the queue, invokes the function with a batch, deletes what
 * succeeded, and leaves the rest to come back. With `ReportBatchItemFailures` only the reported messages stay;
 * without it, any error keeps the whole batch, as on AWS. The queue's redrive policy (in fauxqs) moves a
 * message to its DLQ after maxReceiveCount receives.
 */
export class EventSourcePoller {
  #running = true;
  #loop: Promise<void> | undefined;
  /** Ends a long poll in flight at once when the poller stops (it would otherwise wait out its second). */
  readonly #stopping = new AbortController();
  /** Invocations so far and messages that failed, for the demo summary. */
  readonly stats = { batches: 0, messages: 0, failures: 0 };

  constructor(
    private readonly sqs: SQSClient,
    private readonly spec: EventSourceSpec,
    private readonly fn: LocalFunction,
    private readonly parallel = 2,
  ) {}

  /** Starts polling with `parallel` concurrent pollers (Lambda scales pollers with the backlog). */
  start(): void {
    this.#loop = Promise.all(Array.from({ length: this.parallel }, () => this.#poll())).then(() => undefined);
  }

  /** Stops polling after the batches in flight; a receive still waiting for messages is abandoned. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping.abort();
    await this.#loop;
  }

  async #poll(): Promise<void> {
    while (this.#running) {
      let messages: Message[] = [];
      try {
        const received = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.spec.queueUrl,
            MaxNumberOfMessages: this.spec.batchSize,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: this.#stopping.signal },
        );
        messages = received.Messages ?? [];
      } catch {
        if (this.#running) await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      if (messages.length === 0) continue;
      await this.#handle(messages);
    }
  }

  async #handle(messages: Message[]): Promise<void> {
    this.stats.batches++;
    this.stats.messages += messages.length;
    const outcome = await this.fn.invoke({ Records: messages.map((m) => toRecord(m, this.spec)) });
    let failed = new Set<string>(messages.map((m) => m.MessageId ?? ''));
    if (outcome.ok) {
      const reported =
        (outcome.result as { batchItemFailures?: { itemIdentifier: string }[] } | undefined)?.batchItemFailures ?? [];
      failed = this.spec.reportBatchItemFailures ? new Set(reported.map((f) => f.itemIdentifier)) : new Set();
    }
    this.stats.failures += failed.size;
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    const retry = messages.filter((m) => failed.has(m.MessageId ?? ''));
    if (done.length > 0) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.spec.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
    if (retry.length > 0) {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.spec.queueUrl,
          Entries: retry.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle ?? '',
            VisibilityTimeout: this.spec.retryAfterSeconds,
          })),
        }),
      );
    }
  }
}
