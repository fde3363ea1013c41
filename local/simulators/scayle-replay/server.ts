import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { ADMIN_API_BASE, adminApi } from './admin-api.ts';
import { controlApi } from './control-api.ts';
import { CONTROL_PREFIX, journal, type ReplayEnv, type ReplayedRequest } from './journal.ts';
import { loadSamples } from './samples.ts';
import { unreplayable } from './scayle-answers.ts';

/** Options of {@link startScayleReplay}. */
export interface ScayleReplayOptions {
  /** The folder holding SCAYLE's samples in `admin-api/` and `webhooks/` (e.g. ../shared/fixtures/scayle). */
  readonly fixturesDir: string;
  /** The one `X-Access-Token` the Admin API accepts. */
  readonly token: string;
  /** Port on 127.0.0.1; 0 (the default) takes a free one. */
  readonly port?: number;
}

/** A running replay peer. */
export interface ScayleReplay {
  /** `http://127.0.0.1:<port>`; the control API is under `/_replay`. */
  readonly url: string;
  /** The Admin API base URL to give the hub in place of SCAYLE's. */
  readonly apiUrl: string;
  /** Every request to the SCAYLE side so far, oldest first. */
  readonly requests: () => readonly ReplayedRequest[];
  readonly stop: () => Promise<void>;
}

/**
 * Starts a SCAYLE peer on loopback that answers only from SCAYLE's own samples, byte for byte, so the hub can be
 * proved against the vendor's payloads rather than against a simulator written by the same hands as the hub.
 */
export const startScayleReplay = async ({
  fixturesDir,
  token,
  port = 0,
}: ScayleReplayOptions): Promise<ScayleReplay> => {
  if (token === '') throw new Error('The replay peer needs a non-empty access token');
  const samples = await loadSamples(fixturesDir);
  const requests: ReplayedRequest[] = [];

  const app = new Hono<ReplayEnv>();
  app.use('*', journal(requests));
  app.route(CONTROL_PREFIX, controlApi({ requests, webhooks: samples.webhooks }));
  app.route(ADMIN_API_BASE, adminApi({ admin: samples.admin, token }));
  app.notFound((c) => unreplayable(c, `No sample covers ${c.req.method} ${c.req.path}`));

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}${ADMIN_API_BASE}`,
    requests: () => requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets from the hub would otherwise hold close() open.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
