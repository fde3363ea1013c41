import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Context,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import type { z } from 'zod';
import { isRetryable, OutOfTimeError, ValidationError } from './errors';
import { toHttpResponse } from './http-errors';
import { logger as defaultLogger } from './logger';
import { count, metrics } from './metrics';
import { parseWith } from './validation';

/** Where a queue consumer records why a message failed (for `hub redrive --dry-run`). */
export interface FailureRecorder {
  record(failure: {
    messageId: string;
    queueArn: string;
    reason: string;
    retryable: boolean;
    receiveCount: number;
  }): Promise<void>;
}

/** Options shared by the handler factories. */
export interface HandlerOptions {
  /** Logger to enrich with the Lambda context; the container's singleton by default. */
  readonly logger?: Logger;
  /** Passed to middy; tests set 0 so that a context without a deadline never times out early. */
  readonly timeoutEarlyInMillis?: number;
}

/** What a queue consumer leaves untouched: no message is started with less time left than one may take. */
export const DEFAULT_MESSAGE_TIME_MS = 20_000;

const middyOptions = (options: HandlerOptions) =>
  options.timeoutEarlyInMillis === undefined ? {} : { timeoutEarlyInMillis: options.timeoutEarlyInMillis };

/**
 * Wraps an API Gateway handler: adds the Lambda context to every log line and maps any thrown error to the
 * hub's JSON error response (see `toHttpResponse`), so the handler itself only ever returns the happy path.
 */
export const httpHandler = (
  handle: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>,
  options: HandlerOptions = {},
) => {
  const log = options.logger ?? defaultLogger;
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>(handle, middyOptions(options))
    .use(injectLambdaContext(log, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use({
      onError: async (request) => {
        const response = toHttpResponse(request.error);
        // Counted before logMetrics flushes (its onError runs after this one): API Gateway alarms on the 5xx it
        // answered; refused credentials are the function's to count.
        if (response.statusCode === 401) count('HttpUnauthorized');
        if (response.statusCode >= 500) count('HttpServerErrors');
        if (response.statusCode >= 500) log.error('request failed', { error: request.error as Error });
        else log.warn('request refused', { statusCode: response.statusCode, reason: (request.error as Error).message });
        request.response = response;
      },
    });
};

/**
 * Wraps a function that is invoked directly: by a schedule, an EventBridge rule, a state machine or an operator
 * (`aws lambda invoke`, the `hub` command line). Adds the Lambda context to the logs and flushes metrics;
 * errors propagate, so the invoker's retries and the function's errors alarm apply.
 */
export const jobHandler = <E, R>(handle: (event: E, context: Context) => Promise<R>, options: HandlerOptions = {}) =>
  middy<E, R>(handle, middyOptions(options))
    .use(injectLambdaContext(options.logger ?? defaultLogger, { resetKeys: true }))
    .use(logMetrics(metrics));

/** A record's body as JSON, validated with `schema`. @throws ValidationError naming what is wrong. */
const messageOf = <S extends z.ZodType>(schema: S, record: SQSRecord): z.output<S> => {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new ValidationError('queue message body is not JSON', [{ field: '(root)', message: 'not JSON' }]);
  }
  return parseWith(schema, body, 'queue message');
};

/** A parsed message of a batch with its SQS record. */
export interface BatchMessage<T> {
  readonly message: T;
  readonly record: SQSRecord;
}

/**
 * Wraps a FIFO queue consumer that handles a batch as a whole (to coalesce many events of one key, or to send one
 * bulk request for many). `handle` gets every valid message and returns the errors of those that failed, by
 * message id. A record that fails, or fails to parse, fails every later record of its message group too (order
 * within a group is kept); failures are recorded with `failures` and reported as `batchItemFailures`.
 */
export const sqsFifoBatchHandler = <S extends z.ZodType>(
  schema: S,
  handle: (messages: readonly BatchMessage<z.output<S>>[]) => Promise<ReadonlyMap<string, Error>>,
  options: HandlerOptions & { failures?: FailureRecorder } = {},
) => {
  const log = options.logger ?? defaultLogger;
  return middy<SQSEvent, SQSBatchResponse>(async (event: SQSEvent) => {
    const errors = new Map<string, Error>();
    const valid: BatchMessage<z.output<S>>[] = [];
    for (const record of event.Records) {
      try {
        valid.push({ message: messageOf(schema, record), record });
      } catch (error) {
        errors.set(record.messageId, error as Error);
      }
    }
    try {
      for (const [messageId, error] of await handle(valid)) errors.set(messageId, error);
    } catch (error) {
      for (const { record } of valid) errors.set(record.messageId, error as Error);
    }
    const failedGroups = new Set<string | undefined>();
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const group = record.attributes.MessageGroupId;
      const error = errors.get(record.messageId);
      if (!error && !failedGroups.has(group)) continue;
      failedGroups.add(group);
      batchItemFailures.push({ itemIdentifier: record.messageId });
      if (error) await reportFailure(record, error, log, options.failures);
    }
    return { batchItemFailures };
  }, middyOptions(options))
    .use(injectLambdaContext(log, { resetKeys: true }))
    .use(logMetrics(metrics));
};

/** Logs a failed record and records why it failed, best effort: failing to record must not change its fate. */
const reportFailure = async (record: SQSRecord, error: unknown, log: Logger, failures?: FailureRecorder) => {
  log.warn('message failed', {
    messageId: record.messageId,
    messageGroupId: record.attributes.MessageGroupId,
    receiveCount: record.attributes.ApproximateReceiveCount,
    retryable: isRetryable(error),
    error: error as Error,
  });
  await failures
    ?.record({
      messageId: record.messageId,
      queueArn: record.eventSourceARN,
      reason: `${(error as Error).name}: ${(error as Error).message}`.slice(0, 2_000),
      retryable: isRetryable(error),
      receiveCount: Number(record.attributes.ApproximateReceiveCount),
    })
    .catch((recordError: unknown) => log.warn('could not record the failure', { error: recordError as Error }));
};

/** What a queue consumer receives for each message: the parsed body and the raw SQS record. */
export type MessageHandler<T> = (message: T, record: SQSRecord) => Promise<void>;

/**
 * Wraps a FIFO queue consumer. Each record's body is parsed as JSON and validated with `schema`, then handed to
 * `handle`. A failure fails that record and every later record of the same message group in the batch (order
 * within a group is kept) while other groups go on; the failures are reported as `batchItemFailures`, so SQS
 * redelivers only those, and after the queue's maxReceiveCount moves them to the DLQ.
 */
export const sqsFifoHandler = <S extends z.ZodType>(
  schema: S,
  handle: MessageHandler<z.output<S>>,
  options: HandlerOptions & {
    failures?: FailureRecorder;
    /**
     * The longest one message may take (default {@link DEFAULT_MESSAGE_TIME_MS}). With less than that left of the
     * invocation, a message is not started but returned as a batch item failure, with the rest of the batch: one
     * that would time out half done would fail the whole batch and spend a receive of every message in it.
     */
    messageTimeMs?: number;
  } = {},
) => {
  const log = options.logger ?? defaultLogger;
  const processor = new SqsFifoPartialProcessorAsync();
  const reserve = options.messageTimeMs ?? DEFAULT_MESSAGE_TIME_MS;
  const recordHandler = async (record: SQSRecord, context?: Context): Promise<void> => {
    const left = context?.getRemainingTimeInMillis();
    if (left !== undefined && left < reserve) {
      // Not a failure of the message, so nothing is recorded against it; it comes back after the queue's visibility
      // timeout and has spent a receive (hence consumers keep batches they can finish).
      log.info('message left for the next invocation', { messageId: record.messageId, remainingMs: left });
      throw new OutOfTimeError(`${left} ms left of the invocation, less than a message may take (${reserve} ms)`);
    }
    try {
      await handle(messageOf(schema, record), record);
    } catch (error) {
      await reportFailure(record, error, log, options.failures);
      throw error;
    }
  };
  return middy<SQSEvent, SQSBatchResponse>(
    async (event: SQSEvent, context: Context) =>
      processPartialResponse(event, recordHandler, processor, {
        context,
        skipGroupOnError: true,
        throwOnFullBatchFailure: false,
      }),
    middyOptions(options),
  )
    .use(injectLambdaContext(log, { resetKeys: true }))
    .use(logMetrics(metrics));
};
