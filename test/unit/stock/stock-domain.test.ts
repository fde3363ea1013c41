import { describe, expect, it } from 'vitest';
import type { StockItem } from '../../../shared/adapters/aws/stock-repository';
import {
  amazonPushMode,
  amazonQuantity,
  type BufferPolicy,
  bufferFor,
  isDrift,
  newestPerKey,
  normaliseChangedAt,
  recordMovement,
  reservedUnits,
  scayleQuantity,
  supersedes,
  velocityAt,
} from '../../../shared/domain/stock';
import { scayleSellableOf } from '../../../shared/use-cases/stock/stock-policy';

const HOUR = 3_600_000;
const policy: BufferPolicy = {
  defaultBuffer: 2,
  skuBuffers: { 'SKU-ZERO': 0, 'SKU-BIG': 10 },
  fastMovers: [
    { minUnitsPerHour: 5, buffer: 4 },
    { minUnitsPerHour: 20, buffer: 8 },
  ],
};

describe('stock arithmetic', () => {
  it('holds back the buffer and the reservations from SCAYLE', () => {
    expect(scayleQuantity(20, 2, 3)).toBe(15);
  });

  it('never asks a channel to sell a negative quantity', () => {
    expect(scayleQuantity(1, 2, 0)).toBe(0);
    expect(scayleQuantity(5, 2, 7)).toBe(0);
    expect(scayleQuantity(0, 0, 0)).toBe(0);
    expect(amazonQuantity(1, 3)).toBe(0);
    expect(amazonQuantity(0, 0)).toBe(0);
  });

  it('takes Amazon ATS from the SCAYLE quantity, so a reservation is subtracted once', () => {
    const sellable = scayleQuantity(20, 2, 3);
    expect(amazonQuantity(sellable, 1)).toBe(14);
  });

  it('counts only reservations that have not expired', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    const reservations = {
      a: { quantity: 2, expiresAt: '2026-11-23T13:00:00Z' },
      b: { quantity: 5, expiresAt: '2026-11-23T11:59:59Z' },
      c: { quantity: 1, expiresAt: '2026-11-24T00:00:00Z' },
    };
    expect(reservedUnits(reservations, now)).toBe(3);
    expect(reservedUnits(undefined, now)).toBe(0);
  });
});

describe('bufferFor', () => {
  it('uses the default buffer for a slow SKU', () => {
    expect(bufferFor('SKU-1', 0, policy)).toBe(2);
  });

  it('raises the buffer of a fast mover to the highest tier it reaches', () => {
    expect(bufferFor('SKU-1', 5, policy)).toBe(4);
    expect(bufferFor('SKU-1', 25, policy)).toBe(8);
  });

  it('lets a per-SKU override win, even below the default or a fast-mover tier', () => {
    expect(bufferFor('SKU-ZERO', 100, policy)).toBe(0);
    expect(bufferFor('SKU-BIG', 0, policy)).toBe(10);
  });

  it('never lowers the default buffer through a tier', () => {
    expect(bufferFor('SKU-1', 30, { ...policy, defaultBuffer: 12 })).toBe(12);
  });
});

describe('velocity', () => {
  it('counts units going out, not units coming in', () => {
    const sold = recordMovement(undefined, 10, 7, 0, HOUR);
    expect(sold.unitsPerHour).toBeCloseTo(3);
    const delivered = recordMovement(sold, 7, 50, 0, HOUR);
    expect(delivered.unitsPerHour).toBeCloseTo(3);
  });

  it('decays towards zero when nothing sells', () => {
    const v = recordMovement(undefined, 10, 0, 0, HOUR);
    expect(velocityAt(v, HOUR, HOUR)).toBeCloseTo(10 / Math.E);
    expect(velocityAt(v, 10 * HOUR, HOUR)).toBeLessThan(0.001);
  });

  it('converges on the selling rate of a steady seller', () => {
    let v = recordMovement(undefined, undefined, 1000, 0, HOUR);
    let stock = 1000;
    for (let minute = 1; minute <= 600; minute++) {
      v = recordMovement(v, stock, stock - 1, minute * 60_000, HOUR);
      stock--;
    }
    expect(v.unitsPerHour).toBeGreaterThan(58);
    expect(v.unitsPerHour).toBeLessThan(62);
  });

  it('does not count the first figure of a SKU as a sale', () => {
    expect(recordMovement(undefined, undefined, 40, 0, HOUR).unitsPerHour).toBe(0);
  });
});

describe('ordering of changes', () => {
  it('lets a newer or the same change through and never an older one', () => {
    expect(supersedes('2026-11-23T10:00:01Z', '2026-11-23T10:00:00Z')).toBe(true);
    expect(supersedes('2026-11-23T10:00:00Z', '2026-11-23T10:00:00.000Z')).toBe(true);
    expect(supersedes('2026-11-23T09:59:59Z', '2026-11-23T10:00:00Z')).toBe(false);
    expect(supersedes('2026-11-23T09:59:59Z', undefined)).toBe(true);
  });

  it('compares changes across time zones by instant', () => {
    expect(supersedes('2026-11-23T11:00:00+01:00', '2026-11-23T10:00:00Z')).toBe(true);
    expect(normaliseChangedAt('2026-11-23T11:00:00+01:00')).toBe('2026-11-23T10:00:00.000Z');
  });

  it('coalesces the changes of one SKU to the newest, keeping other SKUs', () => {
    const events = [
      { sku: 'A', at: '2026-11-23T10:00:02Z', q: 2 },
      { sku: 'B', at: '2026-11-23T10:00:00Z', q: 9 },
      { sku: 'A', at: '2026-11-23T10:00:01Z', q: 1 },
      { sku: 'A', at: '2026-11-23T10:00:03Z', q: 3 },
    ];
    expect(
      newestPerKey(
        events,
        (e) => e.sku,
        (e) => e.at,
      ),
    ).toEqual([
      { sku: 'A', at: '2026-11-23T10:00:03Z', q: 3 },
      { sku: 'B', at: '2026-11-23T10:00:00Z', q: 9 },
    ]);
  });
});

describe('drift and Amazon push mode', () => {
  it('calls a difference above the threshold drift', () => {
    expect(isDrift(10, 12, 2)).toBe(false);
    expect(isDrift(10, 13, 2)).toBe(true);
    expect(isDrift(3, undefined, 2)).toBe(true);
  });

  it('sends a feed only when calls one by one would take longer than the window', () => {
    expect(amazonPushMode(500, 5, 120)).toBe('patch');
    expect(amazonPushMode(600, 5, 120)).toBe('patch');
    expect(amazonPushMode(601, 5, 120)).toBe('feed');
  });
});

describe("SCAYLE's sellable quantity as the hub knows it", () => {
  const push = { quantity: 19, changedAt: '2026-11-26T16:24:00Z', pushedAt: '2026-11-26T16:35:00Z' };

  it('takes a figure read from SCAYLE after the last push: a merchant edit or a shop sale', () => {
    const item = {
      sku: 'SKU-A',
      scayle: { ...push, via: 'single', buffer: 1, reserved: 0 },
      scayleObserved: { quantity: 45, changedAt: '2026-11-26T16:40:00Z', observedAt: '2026-11-26T16:40:05Z' },
    } as StockItem;
    expect(scayleSellableOf(item)).toBe(45);
  });

  it('takes a push made after the read, even one carrying an older change time (a drift repair)', () => {
    const item = {
      sku: 'SKU-A',
      scayle: { ...push, via: 'single', buffer: 1, reserved: 0 },
      scayleObserved: { quantity: 45, changedAt: '2026-11-26T16:34:00Z', observedAt: '2026-11-26T16:34:05Z' },
    } as StockItem;
    expect(scayleSellableOf(item)).toBe(19);
  });
});

describe('stock rules at their boundaries', () => {
  it('stops counting a reservation at the moment it expires', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');

    expect(reservedUnits({ a: { quantity: 2, expiresAt: '2026-11-23T12:00:00Z' } }, now)).toBe(0);
  });

  it('keeps the later of two changes of one key made at the same time (it was sent later)', () => {
    const events = [
      { sku: 'A', at: '2026-11-23T10:00:00Z', q: 1 },
      { sku: 'A', at: '2026-11-23T10:00:00Z', q: 2 },
    ];

    expect(
      newestPerKey(
        events,
        (e) => e.sku,
        (e) => e.at,
      ),
    ).toEqual([{ sku: 'A', at: '2026-11-23T10:00:00Z', q: 2 }]);
  });
});
