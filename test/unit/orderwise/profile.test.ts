import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ORDERWISE_PROFILE,
  exportParameters,
  fillTemplate,
  formatDateParameter,
  orderwiseProfileSchema,
  readRowTime,
} from '../../../shared/adapters/orderwise/profile';
import { orderwiseEnv } from '../../../shared/adapters/wiring';
import { parseEnv } from '../../../shared/runtime/env';

const profile = (input: unknown) => orderwiseProfileSchema.parse(input);

describe('orderwiseProfileSchema', () => {
  it("defaults to the reference's reading: named definitions, the observed parameter list, London datetimes", () => {
    expect(DEFAULT_ORDERWISE_PROFILE).toMatchObject({
      exportDefinitions: { salesOrderByRef: 'SalesOrderByEcomRef', despatchesSince: 'DespatchesSince' },
      exportParameters: 'name-value-array',
      dates: { format: 'datetime', timeZone: 'Europe/London' },
      taxRates: 'percent',
      systemOrderType: 1,
    });
    expect(DEFAULT_ORDERWISE_PROFILE.exportDefinitions.salesOrderTotals).toBeUndefined();
  });

  it('keeps the defaults of everything a tenant does not set', () => {
    const tenant = profile({ exportDefinitions: { freeStockPage: 17 } });

    expect(tenant.exportDefinitions).toMatchObject({ freeStockPage: 17, salesOrderByRef: 'SalesOrderByEcomRef' });
    expect(tenant.stockColumns).toEqual(DEFAULT_ORDERWISE_PROFILE.stockColumns);
  });

  it('refuses an unknown time zone and a path without the order id, naming the field', () => {
    const result = orderwiseProfileSchema.safeParse({
      dates: { timeZone: 'Europe/Atlantis' },
      paths: { cancel: 'sales/order/cancel' },
    });

    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['dates.timeZone', 'must be an IANA time zone such as Europe/London'],
      ['paths.cancel', 'must be a path with {orderId}, e.g. sales/order/{orderId}/cancel'],
    ]);
  });
});

describe('exportParameters', () => {
  it('posts a list of {name, value} as the public client does, or an object when the tenant takes one', () => {
    const parameters = { '@afterId': 10, '@limit': 500 };

    expect(exportParameters(DEFAULT_ORDERWISE_PROFILE, parameters)).toEqual([
      { name: '@afterId', value: 10 },
      { name: '@limit', value: 500 },
    ]);
    expect(exportParameters(profile({ exportParameters: 'object' }), parameters)).toEqual(parameters);
  });
});

describe('formatDateParameter', () => {
  const at = (format: string, timeZone = 'Europe/London') =>
    formatDateParameter(profile({ dates: { format, timeZone } }), '2026-07-01T23:30:15.250Z');

  it("writes an instant in the server's zone without a zone, to the second or to the day, or as ISO-8601", () => {
    expect(at('datetime', 'UTC')).toBe('2026-07-01T23:30:15');
    expect(at('date', 'UTC')).toBe('2026-07-01');
    expect(at('iso-8601')).toBe('2026-07-01T23:30:15.250Z');
  });

  it('writes it an hour early in a zone with summer time, so the hour the clocks go back is never skipped', () => {
    // 23:30 UTC is 00:30 the next day in London in July; an hour earlier is 23:30 there.
    expect(at('datetime')).toBe('2026-07-01T23:30:15');
    expect(at('date')).toBe('2026-07-01');
    // 25 October 2026, 01:30 BST (00:30Z): the wall clock reads 01:30 again at 01:30Z, after the change.
    expect(formatDateParameter(DEFAULT_ORDERWISE_PROFILE, '2026-10-25T00:30:00Z')).toBe('2026-10-25T00:30:00');
  });
});

describe('readRowTime', () => {
  const london = DEFAULT_ORDERWISE_PROFILE;

  it("reads a zone-less time in the server's zone and a zoned one as it says", () => {
    expect(readRowTime(london, '2026-07-02T00:30:15.250')).toBe('2026-07-01T23:30:15.250Z');
    expect(readRowTime(london, '2026-12-02 10:00:00')).toBe('2026-12-02T10:00:00.000Z');
    expect(readRowTime(london, '2026-12-02')).toBe('2026-12-02T00:00:00.000Z');
    expect(readRowTime(london, '2026-07-02T00:30:15+02:00')).toBe('2026-07-01T22:30:15.000Z');
    expect(readRowTime(london, '2026-07-02T00:30:15Z')).toBe('2026-07-02T00:30:15.000Z');
  });

  it('reads a time the clocks show twice as the earlier, and the spring-forward hour as it says', () => {
    // 25 October 2026: 01:30 comes at 00:30Z (BST) and again at 01:30Z (GMT); read as the first.
    expect(readRowTime(london, '2026-10-25T01:30:00')).toBe('2026-10-25T00:30:00.000Z');
    expect(readRowTime(london, '2026-10-25T02:30:00')).toBe('2026-10-25T02:30:00.000Z');
    expect(readRowTime(london, '2026-03-29T03:30:00')).toBe('2026-03-29T02:30:00.000Z');
  });

  it('answers undefined for what is not a time', () => {
    for (const text of ['', 'yesterday', '02/07/2026', '2026-07-02T00:30:15+99']) {
      expect(readRowTime(london, text)).toBeUndefined();
    }
  });
});

describe('fillTemplate', () => {
  it('fills placeholders and leaves no stray brackets or spaces for missing values', () => {
    const line = DEFAULT_ORDERWISE_PROFILE.collectionPoint.addressLine;

    expect(fillTemplate(line, { description: 'Kiosk', type: 'DHL', key: '12345-a' })).toBe('Kiosk (DHL 12345-a)');
    expect(fillTemplate(line, { key: '12345-a' })).toBe('(12345-a)');
    expect(fillTemplate(line, { description: 'Kiosk' })).toBe('Kiosk');
    expect(fillTemplate('sales/order/{orderId}/cancel', { orderId: '7' })).toBe('sales/order/7/cancel');
  });
});

describe('ORDERWISE_PROFILE (a function environment)', () => {
  const env = {
    ORDERWISE_API_URL: 'https://acme.orderwisecloud.com/owapi',
    ORDERWISE_SESSION_ID: '1',
    ORDERWISE_CUSTOMER_ACCOUNT: 'WEB001',
    ORDERWISE_API_SECRET: 'scayle-hub/dev/orderwise-api',
  };

  it('is the default profile when absent and the stage profile when set', () => {
    expect(parseEnv(orderwiseEnv, env).ORDERWISE_PROFILE).toEqual(DEFAULT_ORDERWISE_PROFILE);
    expect(
      parseEnv(orderwiseEnv, { ...env, ORDERWISE_PROFILE: '{"exportDefinitions":{"freeStockPage":17}}' })
        .ORDERWISE_PROFILE.exportDefinitions.freeStockPage,
    ).toBe(17);
  });

  it('fails the cold start naming the bad field, or saying it is not JSON', () => {
    expect(() => parseEnv(orderwiseEnv, { ...env, ORDERWISE_PROFILE: '{"taxRates":"per mille"}' })).toThrow(
      /ORDERWISE_PROFILE\.taxRates: /,
    );
    expect(() => parseEnv(orderwiseEnv, { ...env, ORDERWISE_PROFILE: '{' })).toThrow(/ORDERWISE_PROFILE: must be JSON/);
  });
});
