import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { LocalStepFunctions } from './step-functions';

/** An event put on a bus, as the local EventBridge keeps it. */
export interface BusEvent {
  readonly id: string;
  readonly bus: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  readonly time: string;
}

/** Options of the AWS emulator. */
export interface AwsEmulatorOptions {
  /** Secret values by secret name. */
  readonly secrets: Readonly<Record<string, unknown>>;
  /** Called for every event put on any bus (the hub routes it to matching rules). */
  readonly onEvent: (event: BusEvent) => void;
  /** The state machines, for the Step Functions API. */
  readonly stepFunctions: () => LocalStepFunctions | undefined;
  /** Runs a function by name for Lambda's Invoke API; undefined when there is no such function. */
  readonly invoke: (
    name: string,
    payload: unknown,
  ) => Promise<{ ok: boolean; result?: unknown; error?: { name: string; message: string } } | undefined>;
}

/**
 * The AWS APIs the local hub serves itself, on one loopback port: Secrets Manager `GetSecretValue` and
 * EventBridge `PutEvents`, Step Functions `StartExecution` and `DescribeExecution` (JSON 1.x, dispatched by
 * `X-Amz-Target`) and Lambda `Invoke`. DynamoDB, SQS and S3
 * come from DynamoDB Local and fauxqs.
 */
export const startAwsEmulator = async (options: AwsEmulatorOptions) => {
  const app = new Hono();
  const events: BusEvent[] = [];
  /** Puts an event on a bus: recorded, and handed to the rules. */
  const publish = (event: Omit<BusEvent, 'id' | 'time'>): BusEvent => {
    const full: BusEvent = { ...event, id: randomUUID(), time: new Date().toISOString() };
    events.push(full);
    options.onEvent(full);
    return full;
  };
  // Lambda Invoke (REST-JSON): what `aws lambda invoke` and the hub command line call.
  app.post('/2015-03-31/functions/:name/invocations', async (c) => {
    const name = decodeURIComponent(c.req.param('name')).split(':').pop() ?? '';
    const payload = await c.req.json().catch(() => ({}));
    const outcome = await options.invoke(name, payload);
    if (!outcome)
      return c.json({ Type: 'User', Message: `Function not found: ${name}` }, 404, {
        'x-amzn-errortype': 'ResourceNotFoundException',
      });
    if (!outcome.ok) {
      return c.json({ errorType: outcome.error?.name, errorMessage: outcome.error?.message }, 200, {
        'x-amz-function-error': 'Unhandled',
      });
    }
    return c.json(outcome.result ?? null, 200, { 'x-amz-executed-version': '$LATEST' });
  });
  app.post('/', async (c) => {
    const target = c.req.header('x-amz-target') ?? '';
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    const json = (payload: unknown, status = 200) =>
      c.body(JSON.stringify(payload), status as 200, { 'content-type': 'application/x-amz-json-1.1' });
    if (target === 'secretsmanager.GetSecretValue') {
      const name = String(body.SecretId ?? '');
      if (!(name in options.secrets)) {
        return json(
          { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." },
          400,
        );
      }
      return json({
        ARN: `arn:aws:secretsmanager:eu-west-1:000000000000:secret:${name}-local`,
        Name: name,
        SecretString: JSON.stringify(options.secrets[name]),
        VersionId: 'local',
      });
    }
    if (target === 'AWSStepFunctions.StartExecution') {
      try {
        const execution = options
          .stepFunctions()
          ?.start(
            String(body.stateMachineArn ?? ''),
            String(body.input ?? '{}'),
            body.name ? String(body.name) : undefined,
          );
        if (!execution) return json({ __type: 'StateMachineDoesNotExist', message: 'no state machines' }, 400);
        return json({ executionArn: execution.executionArn, startDate: execution.startDate / 1000 });
      } catch (error) {
        return json({ __type: (error as Error).name, message: (error as Error).message }, 400);
      }
    }
    if (target === 'AWSStepFunctions.DescribeExecution') {
      const execution = options.stepFunctions()?.executions.get(String(body.executionArn ?? ''));
      if (!execution)
        return json(
          { __type: 'ExecutionDoesNotExist', message: `Execution Does Not Exist: '${body.executionArn}'` },
          400,
        );
      const { startDate, stopDate, ...rest } = execution;
      return json({ ...rest, startDate: startDate / 1000, ...(stopDate ? { stopDate: stopDate / 1000 } : {}) });
    }
    if (target === 'AWSEvents.PutEvents') {
      const entries = (body.Entries ?? []) as {
        EventBusName?: string;
        Source?: string;
        DetailType?: string;
        Detail?: string;
      }[];
      const results = entries.map((entry) => ({
        EventId: publish({
          bus: (entry.EventBusName ?? 'default').split('/').pop() ?? 'default',
          source: entry.Source ?? '',
          detailType: entry.DetailType ?? '',
          detail: entry.Detail ? JSON.parse(entry.Detail) : {},
        }).id,
      }));
      return json({ FailedEntryCount: 0, Entries: results });
    }
    return json({ __type: 'UnknownOperationException', message: `the local hub does not emulate ${target}` }, 400);
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    publish,
    stop: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
};
