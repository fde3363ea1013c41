import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

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
  /** Runs a function by name for Lambda's Invoke API; undefined when there is no such function. */
  readonly invoke: (
    name: string,
    payload: unknown,
  ) => Promise<{ ok: boolean; result?: unknown; error?: { name: string; message: string } } | undefined>;
}

/**
 * The AWS APIs the local hub serves itself, on one loopback port: Secrets Manager `GetSecretValue` and
 * EventBridge `PutEvents` (JSON 1.1, dispatched by `X-Amz-Target`) and Lambda `Invoke`. DynamoDB, SQS and S3
 * come from DynamoDB Local and fauxqs.
 */
export const startAwsEmulator = async (options: AwsEmulatorOptions) => {
  const app = new Hono();
  const events: BusEvent[] = [];
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
    if (target === 'AWSEvents.PutEvents') {
      const entries = (body.Entries ?? []) as {
        EventBusName?: string;
        Source?: string;
        DetailType?: string;
        Detail?: string;
      }[];
      const results = entries.map((entry) => {
        const event: BusEvent = {
          id: randomUUID(),
          bus: (entry.EventBusName ?? 'default').split('/').pop() ?? 'default',
          source: entry.Source ?? '',
          detailType: entry.DetailType ?? '',
          detail: entry.Detail ? JSON.parse(entry.Detail) : {},
          time: new Date().toISOString(),
        };
        events.push(event);
        options.onEvent(event);
        return { EventId: event.id };
      });
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
    stop: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
};
