import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { UnauthorizedError, UpstreamError, ValidationError } from '../../shared/runtime/errors';
import { httpHandler, sqsFifoBatchHandler, sqsFifoHandler } from '../../shared/runtime/handler';
import { apiEvent, fifoRecord, lambdaContext, sqsEvent } from '../helpers/events';

beforeEach(() => {
  // Keep failure logs out of the test output; the behaviour under test is the response.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

describe('httpHandler', () => {
  it('returns what the handler returns', async () => {
    const handler = httpHandler(async () => ({ statusCode: 202, body: '{}' }), { timeoutEarlyInMillis: 0 });
    expect(await handler(apiEvent(), lambdaContext())).toEqual({ statusCode: 202, body: '{}' });
  });

  it('maps a thrown error to the hub error response', async () => {
    const handler = httpHandler(
      async () => {
        throw new ValidationError('invalid webhook', [{ field: 'event', message: 'required' }]);
      },
      { timeoutEarlyInMillis: 0 },
    );
    const response = await handler(apiEvent(), lambdaContext());
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).issues).toEqual([{ field: 'event', message: 'required' }]);
  });
});

describe('httpHandler metrics', () => {
  /** The metric names of the EMF lines the handler flushed to standard output. */
  const emitted = (write: { mock: { calls: unknown[][] } }): string[] =>
    write.mock.calls.flatMap(([line]) => {
      const text = String(line);
      if (!text.includes('"_aws"')) return [];
      const emf = JSON.parse(text) as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } };
      return emf._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((metric) => metric.Name));
    });

  it('counts refused credentials and the 5xx it maps, which API Gateway and Lambda Errors would not tell apart', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const refusing = httpHandler(
      async () => {
        throw new UnauthorizedError('wrong credentials');
      },
      { timeoutEarlyInMillis: 0 },
    );
    const failing = httpHandler(
      async () => {
        throw new UpstreamError('SQS answered 503', 503);
      },
      { timeoutEarlyInMillis: 0 },
    );

    expect((await refusing(apiEvent(), lambdaContext())).statusCode).toBe(401);
    expect((await failing(apiEvent(), lambdaContext())).statusCode).toBeGreaterThanOrEqual(500);
    expect(emitted(write)).toEqual(expect.arrayContaining(['HttpUnauthorized', 'HttpServerErrors']));
  });
});

describe('sqsFifoHandler', () => {
  const schema = z.object({ orderId: z.string(), fail: z.boolean().optional() });

  it('starts no message with less of the invocation left than one may take, and returns the rest untouched', async () => {
    const handled: string[] = [];
    const left = [30_000, 25_000, 9_000, 8_000];
    const context = { ...lambdaContext(), getRemainingTimeInMillis: () => left.shift() ?? 0 };
    const handler = sqsFifoHandler(
      schema,
      async (message) => {
        handled.push(message.orderId);
      },
      { timeoutEarlyInMillis: 0, messageTimeMs: 10_000 },
    );

    const response = await handler(
      sqsEvent(
        fifoRecord('m1', 'g1', { orderId: '1' }),
        fifoRecord('m2', 'g2', { orderId: '2' }),
        fifoRecord('m3', 'g3', { orderId: '3' }),
        fifoRecord('m4', 'g4', { orderId: '4' }),
      ),
      context,
    );

    expect(handled).toEqual(['1', '2']);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm3' }, { itemIdentifier: 'm4' }]);
  });

  it('fails the failing message and the rest of its group, and lets other groups go on', async () => {
    const handled: string[] = [];
    const handler = sqsFifoHandler(
      schema,
      async (message, record) => {
        if (message.fail) throw new UpstreamError('OrderWise answered 503', 503);
        handled.push(record.messageId);
      },
      { timeoutEarlyInMillis: 0 },
    );
    const result = await handler(
      sqsEvent(
        fifoRecord('a1', 'order-A', { orderId: 'A' }),
        fifoRecord('b1', 'order-B', { orderId: 'B', fail: true }),
        fifoRecord('a2', 'order-A', { orderId: 'A' }),
        fifoRecord('b2', 'order-B', { orderId: 'B' }),
        fifoRecord('c1', 'order-C', { orderId: 'C' }),
      ),
      lambdaContext(),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'b1' }, { itemIdentifier: 'b2' }] });
    expect(handled).toEqual(['a1', 'a2', 'c1']);
  });

  it('fails a message whose body is not JSON or not of the expected shape', async () => {
    const seen = vi.fn();
    const handler = sqsFifoHandler(schema, seen, { timeoutEarlyInMillis: 0 });
    const result = await handler(
      sqsEvent(
        fifoRecord('x1', 'g1', 'not json'),
        fifoRecord('x2', 'g2', { orderId: 7 }),
        fifoRecord('x3', 'g3', { orderId: '3' }),
      ),
      lambdaContext(),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'x1' }, { itemIdentifier: 'x2' }] });
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('reports a batch that failed entirely instead of throwing, so SQS keeps the per-message counts', async () => {
    const handler = sqsFifoHandler(
      schema,
      async () => {
        throw new ValidationError('always');
      },
      { timeoutEarlyInMillis: 0 },
    );
    const result = await handler(
      sqsEvent(fifoRecord('1', 'g', { orderId: '1' }), fifoRecord('2', 'h', { orderId: '2' })),
      lambdaContext(),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }, { itemIdentifier: '2' }] });
  });
});

describe('sqsFifoHandler failure records', () => {
  it('records why each failed message failed, and a recorder that fails changes nothing', async () => {
    const recorded: unknown[] = [];
    const schema = z.object({ orderId: z.string() });
    const handler = sqsFifoHandler(
      schema,
      async () => {
        throw new UpstreamError('OrderWise answered 503', 503);
      },
      {
        timeoutEarlyInMillis: 0,
        failures: {
          record: async (failure) => {
            recorded.push(failure);
            throw new Error('table unavailable');
          },
        },
      },
    );
    const result = await handler(sqsEvent(fifoRecord('m1', 'g1', { orderId: '1' }, 3)), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(recorded).toEqual([
      {
        messageId: 'm1',
        queueArn: expect.stringMatching(/^arn:aws:sqs:/),
        reason: 'UpstreamError: OrderWise answered 503',
        retryable: true,
        receiveCount: 3,
      },
    ]);
  });
});

describe('sqsFifoBatchHandler', () => {
  const schema = z.object({ key: z.string() });

  it('fails what the batch handler names and every later message of that group, not earlier ones or other groups', async () => {
    const seen: string[][] = [];
    const recorded: string[] = [];
    const handler = sqsFifoBatchHandler(
      schema,
      async (batch) => {
        seen.push(batch.map((m) => m.record.messageId));
        return new Map([['b1', new UpstreamError('SCAYLE answered 503', 503)]]);
      },
      {
        timeoutEarlyInMillis: 0,
        failures: { record: async (failure) => void recorded.push(failure.messageId) },
      },
    );
    const result = await handler(
      sqsEvent(
        fifoRecord('b0', 'sku-B', { key: 'B' }),
        fifoRecord('a1', 'sku-A', { key: 'A' }),
        fifoRecord('b1', 'sku-B', { key: 'B' }),
        fifoRecord('x1', 'sku-X', 'not json'),
        fifoRecord('b2', 'sku-B', { key: 'B' }),
        fifoRecord('x2', 'sku-X', { key: 'X' }),
      ),
      lambdaContext(),
    );
    expect(seen).toEqual([['b0', 'a1', 'b1', 'b2', 'x2']]);
    expect(result).toEqual({
      batchItemFailures: [
        { itemIdentifier: 'b1' },
        { itemIdentifier: 'x1' },
        { itemIdentifier: 'b2' },
        { itemIdentifier: 'x2' },
      ],
    });
    // Only the messages that failed themselves are recorded; the ones held back behind them did nothing wrong.
    expect(recorded).toEqual(['b1', 'x1']);
  });

  it('fails every valid message when the batch handler throws', async () => {
    const handler = sqsFifoBatchHandler(
      schema,
      async () => {
        throw new UpstreamError('DynamoDB is down', 500);
      },
      { timeoutEarlyInMillis: 0 },
    );
    const result = await handler(
      sqsEvent(fifoRecord('a1', 'g1', { key: 'A' }), fifoRecord('b1', 'g2', { key: 'B' })),
      lambdaContext(),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'a1' }, { itemIdentifier: 'b1' }] });
  });
});
