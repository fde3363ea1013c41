import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateLimiters, TokenBucket } from '../../shared/http/rate-limiter';
import { FakeClock } from '../helpers/fake-clock';

/** Runs `arrivals` (ms offsets) against a bucket and returns when each caller got its token. */
const grantTimes = async (rate: number, burst: number, arrivals: number[]): Promise<number[]> => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ rate, burst }, clock);
  const grants: number[] = [];
  const sorted = [...arrivals].sort((a, b) => a - b);
  const done: Promise<void>[] = [];
  for (const at of sorted) {
    await clock.advance(at - clock.now());
    done.push(bucket.acquire().then(() => void grants.push(clock.now())));
  }
  await clock.advance(((sorted.length + 1) / rate) * 1000 + 1000);
  await Promise.all(done);
  return grants;
};

describe('TokenBucket', () => {
  it('never grants more than burst + rate x window in any window', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0.5, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 15 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 60 }),
        async (rate, burst, arrivals) => {
          const grants = await grantTimes(rate, burst, arrivals);
          expect(grants).toHaveLength(arrivals.length);
          for (let i = 0; i < grants.length; i++) {
            for (let j = i; j < grants.length; j++) {
              const window = ((grants[j] as number) - (grants[i] as number)) / 1000;
              expect(j - i + 1).toBeLessThanOrEqual(burst + rate * window + 1e-6);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('serves a burst at once and then one token per 1/rate seconds', async () => {
    const grants = await grantTimes(2, 3, [0, 0, 0, 0, 0, 0]);
    expect(grants).toEqual([0, 0, 0, 500, 1000, 1500]);
  });

  it('refills up to the burst and no further while idle', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ rate: 5, burst: 5 }, clock);
    for (let i = 0; i < 5; i++) expect(bucket.tryAcquire()).toBe(true);
    expect(bucket.tryAcquire()).toBe(false);
    await clock.advance(60_000);
    expect(bucket.available).toBe(5);
  });

  it('slows down when the peer reports a lower applied rate', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ rate: 5, burst: 1 }, clock);
    await bucket.acquire();
    bucket.setRate(0.5);
    const granted = bucket.acquire();
    await clock.advance(1_999);
    expect(clock.pending).toBe(1);
    await clock.advance(1);
    await granted;
    expect(bucket.plan).toEqual({ rate: 0.5, burst: 1 });
  });

  it('refuses a plan that could never grant a token', () => {
    expect(() => new TokenBucket({ rate: 0, burst: 5 })).toThrow(/rate > 0/);
    expect(() => new TokenBucket({ rate: 1, burst: 0 })).toThrow(/burst >= 1/);
  });
});

describe('RateLimiters', () => {
  it('keeps one bucket per operation and none for operations without a plan', () => {
    const limiters = new RateLimiters({
      getOrders: { rate: 0.0167, burst: 20 },
      confirmShipment: { rate: 2, burst: 10 },
    });
    expect(limiters.for('getOrders')).toBe(limiters.for('getOrders'));
    expect(limiters.for('getOrders')).not.toBe(limiters.for('confirmShipment'));
    expect(limiters.for('unknown')).toBeUndefined();
  });
});
