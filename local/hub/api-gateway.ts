import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { LocalFunction } from './functions';

/** One API Gateway route of the template. */
export interface ApiRoute {
  readonly method: string;
  /** Path with `{param}` placeholders, e.g. `/webhooks/scayle`. */
  readonly path: string;
  readonly fn: LocalFunction;
}

/** API Gateway refuses bodies over 10 MB before any function runs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

const matcher = (path: string) => new RegExp(`^${path.replace(/\{[^}]+\}/g, '([^/]+)')}/?$`);

/**
 * The REST API of the template on a loopback port: each route invokes its function with an API Gateway proxy
 * event and returns its answer; an unknown route gets API Gateway's own 403 `Missing Authentication Token`.
 */
export const startApiGateway = async (routes: readonly ApiRoute[], stage: string) => {
  const app = new Hono();
  const compiled = routes.map((route) => ({
    ...route,
    pattern: matcher(route.path),
    names: [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
  }));
  app.all('*', async (c) => {
    const url = new URL(c.req.url);
    const route = compiled.find((r) => r.method === c.req.method && r.pattern.test(url.pathname));
    if (!route) return c.json({ message: 'Missing Authentication Token' }, 403);
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (raw.byteLength > MAX_PAYLOAD_BYTES) return c.json({ message: 'Request Too Long' }, 413);
    const contentType = c.req.header('content-type') ?? '';
    const isText = raw.byteLength === 0 || /json|text|xml|x-www-form-urlencoded/i.test(contentType);
    const values = route.pattern.exec(url.pathname)?.slice(1) ?? [];
    const headers = Object.fromEntries(c.req.raw.headers.entries());
    const query = Object.fromEntries(url.searchParams.entries());
    const event = {
      resource: route.path,
      path: url.pathname,
      httpMethod: c.req.method,
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: Object.keys(query).length > 0 ? query : null,
      multiValueQueryStringParameters: null,
      pathParameters:
        route.names.length > 0
          ? Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(values[i] ?? '')]))
          : null,
      stageVariables: null,
      requestContext: {
        requestId: randomUUID(),
        stage,
        httpMethod: c.req.method,
        resourcePath: route.path,
        path: `/${stage}${url.pathname}`,
      },
      body:
        raw.byteLength === 0 ? null : isText ? Buffer.from(raw).toString('utf8') : Buffer.from(raw).toString('base64'),
      isBase64Encoded: !isText,
    };
    const outcome = await route.fn.invoke(event);
    if (!outcome.ok) return c.json({ message: 'Internal server error' }, 502);
    const result = outcome.result as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
      isBase64Encoded?: boolean;
    };
    const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
    return c.body(body, result.statusCode as 200, result.headers ?? {});
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
};
