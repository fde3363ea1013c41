import type { AddressInfo } from 'node:net';
import { type HttpBindings, serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { z } from 'zod';

/** A usage plan as the vendors publish it: `rate` requests per second refilled into a bucket of `burst`. */
export interface RatePlan {
  readonly rate: number;
  readonly burst: number;
}

/**
 * The peer's side of a usage plan: a token bucket that grants a call when a token is there and refuses it
 * otherwise (the caller gets the API's 429). Written here rather than taken from the hub's client, so a
 * simulator never shares a limit's arithmetic with the code it stands against.
 */
class TokenBucket {
  #tokens: number;
  #at = performance.now();

  constructor(private readonly plan: RatePlan) {
    this.#tokens = plan.burst;
  }

  tryAcquire(): boolean {
    const now = performance.now();
    this.#tokens = Math.min(this.plan.burst, this.#tokens + ((now - this.#at) / 1000) * this.plan.rate);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** Faults injected into one operation of a simulator (`POST /_sim/faults`). */
export const faultSpecSchema = z.object({
  /** Share of calls (0..1) answered with `status` without doing anything. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Status of an injected error; default 500. */
  status: z.number().int().min(400).max(599).default(500),
  /** Delay before every call is handled. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /** Share of calls (0..1) that are performed and then get no answer: the connection is dropped. */
  timeoutAfterCommitRate: z.number().min(0).max(1).default(0),
  /**
   * The peer down for a while, then back: from `afterMs` after the faults were set, every call for `forMs` answers
   * `status`, whatever `errorRate` says (an outage, not a flaky peer).
   */
  outage: z.object({ afterMs: z.number().int().min(0).default(0), forMs: z.number().int().positive() }).optional(),
});

/** One operation's faults. */
export type FaultSpec = z.output<typeof faultSpecSchema>;

/** Body of `POST /_sim/faults`: per operation name (or `*` for all), replacing what was set; `{}` clears all. */
export const faultsBodySchema = z.record(z.string(), faultSpecSchema);

/** A small seeded PRNG (mulberry32) so a fault run can be replayed. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** How a simulator answers the failures it produces, in its real API's error shape. */
export interface SimErrorShapes {
  /** Answer to a call over the operation's rate limit. */
  throttled(c: Context, operation: string): Response;
  /** Answer to an injected error. */
  injected(c: Context, operation: string, status: number): Response;
}

/** Per-operation call counts, for tests and the demo summary (e.g. "zero 429s"). */
export interface CallStats {
  calls: number;
  throttled: number;
  injectedErrors: number;
  droppedAfterCommit: number;
}

/** Options of a simulator. */
export interface SimulatorOptions {
  readonly name: string;
  /** Usage plans per operation; calls beyond them get `throttled`. */
  readonly rateLimits?: Readonly<Record<string, RatePlan>>;
  readonly errors: SimErrorShapes;
  /** The simulator's data as JSON for `GET /_sim/state`. */
  readonly state: () => unknown;
  /** Back to the seeded start for `POST /_sim/reset`. */
  readonly reset: () => void;
  readonly seed?: number;
}

/** Hono environment of simulator handlers: the Node request and response are reachable. */
export type SimEnv = { Bindings: HttpBindings };

/**
 * The common frame of the SCAYLE, OrderWise and SP-API simulators: a Hono app on a loopback port with the
 * control surface (`/_sim/state`, `/_sim/reset`, `/_sim/faults`, `/_sim/calls`), per-operation rate limits with
 * the real API's 429, and fault injection (errors, latency, dropped answers after commit).
 */
export class Simulator {
  readonly app = new Hono<SimEnv>();
  readonly #faults = new Map<string, FaultSpec>();
  /** When the faults in force were set: the start of their outage windows. */
  #faultsSetAt = 0;
  readonly #stats = new Map<string, CallStats>();
  #buckets = new Map<string, TokenBucket>();
  #random: () => number;

  constructor(private readonly options: SimulatorOptions) {
    this.#random = seededRandom(options.seed ?? 42);
    this.app.get('/_sim/state', (c) => c.json(options.state() as object));
    this.app.post('/_sim/reset', (c) => {
      options.reset();
      this.#faults.clear();
      this.#stats.clear();
      this.#buckets = new Map();
      return c.json({ reset: true });
    });
    this.app.get('/_sim/faults', (c) => c.json(Object.fromEntries(this.#faults)));
    // `?seed=N` starts the fault generator again from that seed: a chaos run prints its seed, and the same seed
    // injects the same faults in the same calls again.
    this.app.post('/_sim/faults', async (c) => {
      const parsed = faultsBodySchema.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) return c.json({ error: 'invalid faults', issues: parsed.error.issues }, 400);
      const seed = c.req.query('seed');
      if (seed !== undefined) {
        if (!/^\d+$/.test(seed)) return c.json({ error: 'seed must be a whole number' }, 400);
        this.#random = seededRandom(Number(seed));
      }
      this.#faults.clear();
      this.#faultsSetAt = Date.now();
      for (const [operation, spec] of Object.entries(parsed.data)) this.#faults.set(operation, spec);
      return c.json(Object.fromEntries(this.#faults));
    });
    this.app.get('/_sim/calls', (c) => c.json(Object.fromEntries(this.#stats)));
  }

  /**
   * Wraps the handler of one operation: rate limit, injected latency and errors, then the handler, then
   * possibly a dropped answer (the write happened, the caller never hears of it).
   */
  operation(name: string, handler: (c: Context<SimEnv>) => Response | Promise<Response>) {
    return async (c: Context<SimEnv>): Promise<Response> => {
      const stats = this.#statsOf(name);
      stats.calls++;
      const plan = this.options.rateLimits?.[name];
      if (plan) {
        let bucket = this.#buckets.get(name);
        if (!bucket) {
          bucket = new TokenBucket(plan);
          this.#buckets.set(name, bucket);
        }
        if (!bucket.tryAcquire()) {
          stats.throttled++;
          return this.options.errors.throttled(c, name);
        }
      }
      const fault = this.#faults.get(name) ?? this.#faults.get('*');
      if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
      if (fault && (this.#inOutage(fault) || this.#random() < fault.errorRate)) {
        stats.injectedErrors++;
        return this.options.errors.injected(c, name, fault.status);
      }
      const response = await handler(c);
      if (fault && this.#random() < fault.timeoutAfterCommitRate) {
        stats.droppedAfterCommit++;
        c.env.incoming.socket.destroy();
      }
      return response;
    };
  }

  /** Starts listening on 127.0.0.1 (a free port unless given). */
  async start(port = 0): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: this.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const actual = (server.address() as AddressInfo).port;
    return {
      url: `http://127.0.0.1:${actual}`,
      port: actual,
      stop: () =>
        new Promise<void>((resolve) => {
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          server.close(() => resolve());
        }),
    };
  }

  /** Whether the fault's outage window holds now. */
  #inOutage(fault: FaultSpec): boolean {
    if (!fault.outage) return false;
    const since = Date.now() - this.#faultsSetAt;
    return since >= fault.outage.afterMs && since < fault.outage.afterMs + fault.outage.forMs;
  }

  #statsOf(name: string): CallStats {
    let stats = this.#stats.get(name);
    if (!stats) {
      stats = { calls: 0, throttled: 0, injectedErrors: 0, droppedAfterCommit: 0 };
      this.#stats.set(name, stats);
    }
    return stats;
  }
}
