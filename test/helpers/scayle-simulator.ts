import { readFileSync } from 'node:fs';
import { DEFAULT_SCAYLE_TOKEN, type ScayleSimulatorOptions, startScayleSimulator } from '../../local/simulators/scayle';
import { startScriptedServer } from './scripted-server';

/** SCAYLE's own samples (test/fixtures/scayle, copied unchanged from ../shared/fixtures/scayle). */
export const scayleFixture = <T = Record<string, unknown>>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/scayle/${path}`, import.meta.url), 'utf8')) as T;

/** The Basic credentials the harness's webhook receiver is given. */
export const WEBHOOK_USER = { username: 'scayle', password: 'webhook-secret-local' };
/** The Authorization header of a delivery with {@link WEBHOOK_USER}. */
export const WEBHOOK_AUTHORIZATION = `Basic ${Buffer.from('scayle:webhook-secret-local').toString('base64')}`;

/** One JSON answer of the simulator. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

const answer = async (response: Response): Promise<Answer> => {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
};

/**
 * The SCAYLE simulator on a loopback port with a webhook receiver that answers 202, and the calls a test makes:
 * `admin` (the Admin API with the token; `token: null` sends none), `control` (`/_sim/*`), `webhooks` (what arrived).
 */
export const startScayleHarness = async (options: ScayleSimulatorOptions = {}) => {
  const receiver = await startScriptedServer([{ status: 202 }]);
  const scayle = await startScayleSimulator({
    webhook: { url: `${receiver.url}/webhooks/scayle`, ...WEBHOOK_USER },
    ...options,
  });
  return {
    scayle,
    receiver,
    admin: async (
      method: string,
      path: string,
      body?: unknown,
      token: string | null = DEFAULT_SCAYLE_TOKEN,
    ): Promise<Answer> =>
      answer(
        await fetch(`${scayle.apiUrl}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...(token === null ? {} : { 'x-access-token': token }) },
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        }),
      ),
    control: async (method: string, path: string, body?: unknown): Promise<Answer> =>
      answer(
        await fetch(`${scayle.url}${path}`, {
          method,
          ...(body === undefined
            ? {}
            : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        }),
      ),
    /** The deliveries the receiver saw, parsed, with their Authorization header and raw body. */
    webhooks: () =>
      receiver.seen.map((r) => ({
        authorization: r.headers.authorization,
        raw: r.body,
        body: JSON.parse(r.body) as Record<string, unknown> & { payload: Record<string, unknown> },
      })),
    /** Back to the seeded start, nothing received. */
    reset: async () => {
      await fetch(`${scayle.url}/_sim/reset`, { method: 'POST' });
      receiver.seen.length = 0;
    },
    stop: async () => {
      await scayle.stop();
      await receiver.close();
    },
  };
};

/** A started harness. */
export type ScayleHarness = Awaited<ReturnType<typeof startScayleHarness>>;
