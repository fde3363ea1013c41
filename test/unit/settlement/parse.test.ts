import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDecimal } from '../../../shared/domain/money';
import { parseAmount, parseSettlementDate } from '../../../shared/domain/settlement/parse';

describe('parseAmount', () => {
  it.each([
    ['68.99', 6899],
    ['-4.14', -414],
    ['52,44', 5244],
    ['-10,49', -1049],
    ['0,00', 0],
    ['1977.17', 197717],
    ['1,234.56', 123456],
    ['1.234,56', 123456],
    ['-1,234,567.89', -123456789],
    ['-1.234.567,89', -123456789],
    ['1,234,567', 123456700],
    ['1234', 123400],
    ['12.5', 1250],
    [' 7.10 ', 710],
    ['+3.00', 300],
  ])('reads %s as %i minor units', (text, minor) => {
    expect(parseAmount(text)).toBe(minor);
  });

  it('rounds more than two decimals half away from zero', () => {
    expect(parseAmount('1.235')).toBe(124);
    expect(parseAmount('-1,235')).toBe(-124);
    expect(parseAmount('1.2349')).toBe(123);
    expect(parseAmount('-0.004')).toBe(0);
  });

  it('reads a negative zero as plain zero', () => {
    expect(Object.is(parseAmount('-0,00'), 0)).toBe(true);
  });

  it.each(['12,3,4', '', '-', '1.2.3,4,5', '1,23,456.00', 'abc', '1.234.56', '1 234,56', '.5', '5.', '1e3'])(
    "refuses '%s'",
    (text) => {
      expect(parseAmount(text)).toBeUndefined();
    },
  );

  it('reads back every amount it formats, in either decimal style', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.boolean(), (minor, comma) => {
        const text = toDecimal(minor);
        expect(parseAmount(comma ? text.replace('.', ',') : text)).toBe(minor);
      }),
    );
  });
});

describe('parseSettlementDate', () => {
  it.each([
    ['11.10.2024 08:59:52 UTC', '2024-10-11T08:59:52Z'],
    ['2024-10-23 14:28:39 UTC', '2024-10-23T14:28:39Z'],
    ['2025-06-05T22:07:18+00:00', '2025-06-05T22:07:18Z'],
    ['2003-10-03T16:00:00-07:00', '2003-10-03T23:00:00Z'],
    ['2024-10-26T01:30:00+0200', '2024-10-25T23:30:00Z'],
    ['2024-10-23T14:28:39Z', '2024-10-23T14:28:39Z'],
    ['15.11.2024', '2024-11-15T00:00:00Z'],
    ['2024-10-26', '2024-10-26T00:00:00Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseSettlementDate(text)).toBe(iso);
  });

  it.each(['31.02.2024 00:00:00 UTC', '2024-13-01 00:00:00 UTC', '2024-10-23 24:00:00 UTC', '10/23/2024', '', 'soon'])(
    "refuses '%s'",
    (text) => {
      expect(parseSettlementDate(text)).toBeUndefined();
    },
  );
});

describe('toDecimal', () => {
  it('writes two decimals and a point', () => {
    expect(toDecimal(-123450)).toBe('-1234.50');
    expect(toDecimal(5)).toBe('0.05');
    expect(toDecimal(-5)).toBe('-0.05');
    expect(toDecimal(0)).toBe('0.00');
  });
});

describe('parseAmount and parseSettlementDate at the edges', () => {
  it.each(['.50', '-.50', '1a.00', '12345678901234567.89', '-12345678901234567,89'])(
    "refuses '%s': no digits before the decimal, a letter, or more digits than an amount can hold exactly",
    (text) => {
      expect(parseAmount(text)).toBeUndefined();
    },
  );

  it('reads a date with spaces around it, and an offset with minutes', () => {
    expect(parseSettlementDate(' 2024-10-23 14:28:39 UTC ')).toBe('2024-10-23T14:28:39Z');
    expect(parseSettlementDate('2025-06-05T22:07:18+05:30')).toBe('2025-06-05T16:37:18Z');
  });
});
