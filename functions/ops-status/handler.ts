import { z } from 'zod';
import {
  amazonEnv,
  amazonFrom,
  orderwiseEnv,
  orderwiseFrom,
  scayleEnv,
  scayleFrom,
} from '../../shared/adapters/wiring';
import { parseEnv } from '../../shared/runtime/env';
import { jobHandler } from '../../shared/runtime/handler';
import { parseWith } from '../../shared/runtime/validation';
import { liveStatusEventSchema, makeLiveStatus } from '../../shared/use-cases/live-status';

const env = parseEnv(
  z
    .object({
      /** Each system's read, retries included, within this many ms (lib/constructs/operations-monitor.ts). */
      LIVE_STATUS_TIMEOUT_MS: z.coerce.number().int().positive(),
    })
    .extend(scayleEnv.shape)
    .extend(orderwiseEnv.shape)
    .extend(amazonEnv.shape),
);
const liveStatus = makeLiveStatus({
  scayle: scayleFrom(env),
  orderwise: orderwiseFrom(env),
  amazon: amazonFrom(env),
  timeoutMs: env.LIVE_STATUS_TIMEOUT_MS,
});

/**
 * Invoked by `hub trace` (which holds no peer credentials): `{ orders: [{ scayle?, orderwise?, amazon? }] }` with
 * the ids the trace found; answers `{ orders: [{ request, systems: [{ system, id, status, detail?, error? }] }] }`.
 * A peer that fails gives its line an `error`; only a malformed request fails the invocation.
 */
export const handler = jobHandler(async (event: unknown) => {
  const { orders } = parseWith(liveStatusEventSchema, event, 'live status request');
  return { orders: await Promise.all(orders.map(liveStatus)) };
});
