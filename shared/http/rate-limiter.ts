import { type Clock, systemClock } from '../runtime/clock';

/** A usage plan as the peers publish it: `rate` requests per second refilled into a bucket of `burst`. */
export interface RatePlan {
  readonly rate: number;
  readonly burst: number;
}

/**
 * A token bucket, the model SP-API documents for its usage plans (and a fair model of SCAYLE's per-minute
 * scopes), kept as the equivalent "generic cell rate algorithm": a theoretical arrival time (TAT) advances by one
 * emission interval per grant. Callers are served in arrival order; a caller that finds no token is given the
 * earliest conforming whole millisecond and sleeps until then. Because the state is advanced from that actual
 * grant time, rounding can only delay a grant, never let two grants crowd closer than the plan allows.
 */
export class TokenBucket {
  #plan: RatePlan;
  /** Milliseconds between tokens. */
  #interval: number;
  /** The theoretical arrival time of the next request. */
  #tat: number;

  constructor(
    plan: RatePlan,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(plan.rate > 0) || !(plan.burst >= 1)) {
      throw new RangeError(`a rate plan needs rate > 0 and burst >= 1, got rate ${plan.rate}, burst ${plan.burst}`);
    }
    this.#plan = plan;
    this.#interval = 1000 / plan.rate;
    this.#tat = clock.now();
  }

  /** The plan in force. */
  get plan(): RatePlan {
    return this.#plan;
  }

  /** Tokens available now (negative while callers are queued). */
  get available(): number {
    return this.#plan.burst - Math.max(0, this.#tat - this.clock.now()) / this.#interval;
  }

  /** Waits until a token is free and takes it. */
  async acquire(): Promise<void> {
    const now = this.clock.now();
    const grantAt = Math.max(now, Math.ceil(this.#earliest()));
    this.#tat = Math.max(this.#tat, grantAt) + this.#interval;
    if (grantAt > now) await this.clock.sleep(grantAt - now);
  }

  /** Takes a token if one is free now; never waits. */
  tryAcquire(): boolean {
    const now = this.clock.now();
    if (this.#earliest() > now) return false;
    this.#tat = Math.max(this.#tat, now) + this.#interval;
    return true;
  }

  /**
   * Starts from an empty bucket, as if a full burst had just been taken: for a quota another process may have been
   * using up to now (a Lambda container taking over a seller's usage plan from another one).
   */
  assumeSpent(): void {
    this.#tat = Math.max(this.#tat, this.clock.now() + this.#plan.burst * this.#interval);
  }

  /**
   * Changes the refill rate, e.g. to what a peer's `x-amzn-RateLimit-Limit` header says is applied to this
   * seller. The burst stays, since the header does not tell it; tokens already owed are re-timed at the new rate.
   */
  setRate(rate: number): void {
    if (!(rate > 0) || rate === this.#plan.rate) return;
    const now = this.clock.now();
    const owed = Math.max(0, this.#tat - now) / this.#interval;
    this.#plan = { ...this.#plan, rate };
    this.#interval = 1000 / rate;
    this.#tat = now + owed * this.#interval;
  }

  /** The earliest time the next token conforms: a full burst may run ahead of the TAT. */
  #earliest(): number {
    return this.#tat - (this.#plan.burst - 1) * this.#interval;
  }
}

/**
 * One token bucket per plan, made on first use from the peer's table of usage plans. Plans are keyed by operation
 * name, or by the peer's scope when `scopes` maps operations onto one (SCAYLE limits `stocksWrite`, shared by the
 * single and the bulk stock calls).
 */
export class RateLimiters {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly plans: Readonly<Record<string, RatePlan>>,
    private readonly clock: Clock = systemClock,
    private readonly scopes: Readonly<Record<string, string>> = {},
  ) {}

  /** The bucket of `operation`, or undefined when the peer publishes no limit for it. */
  for(operation: string): TokenBucket | undefined {
    const key = this.scopes[operation] ?? operation;
    let bucket = this.#buckets.get(key);
    const plan = this.plans[key];
    if (!bucket && plan) {
      bucket = new TokenBucket(plan, this.clock);
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }
}
