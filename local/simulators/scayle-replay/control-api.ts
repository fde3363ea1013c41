import { Hono } from 'hono';
import { z } from 'zod';
import type { ReplayEnv, ReplayedRequest } from './journal.ts';
import { deliverWebhook } from './webhook-delivery.ts';

/** What the control API needs: the record of requests and the webhook bodies by file name without `.json`. */
export interface ControlApiOptions {
  readonly requests: readonly ReplayedRequest[];
  readonly webhooks: ReadonlyMap<string, Uint8Array<ArrayBuffer>>;
}

const targetSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  username: z.string(),
  password: z.string(),
});

/**
 * The peer's own API for tests, not SCAYLE's: what the hub asked for, and webhook samples sent on demand.
 * Its errors are plain `{error}`, so no one mistakes them for SCAYLE's.
 */
export const controlApi = ({ requests, webhooks }: ControlApiOptions): Hono<ReplayEnv> => {
  const control = new Hono<ReplayEnv>();
  control.get('/requests', (c) => c.json(requests));
  control.post('/webhooks/:file', async (c) => {
    const file = c.req.param('file');
    const bytes = webhooks.get(file);
    if (!bytes) {
      return c.json({ error: `No webhook sample "${file}"; there are: ${[...webhooks.keys()].join(', ')}` }, 404);
    }
    const target = targetSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!target.success) return c.json({ error: 'The body must be {url, username, password}' }, 400);
    try {
      return c.json({ status: await deliverWebhook(bytes, target.data) });
    } catch (error) {
      return c.json({ error: `Delivery to ${target.data.url} failed: ${(error as Error).message}` }, 502);
    }
  });
  return control;
};
