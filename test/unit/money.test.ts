import { describe, expect, it } from 'vitest';
import { fromDecimal, sum, toDecimal } from '../../shared/domain/money';

describe('toDecimal', () => {
  it('refuses a fraction of a minor unit rather than round it away', () => {
    expect(() => toDecimal(1.5)).toThrow(new RangeError('1.5 is not a whole number of minor units'));
  });
});

describe('fromDecimal', () => {
  it('reads whole amounts, one or two decimals, a sign and surrounding spaces', () => {
    expect(fromDecimal('12')).toBe(1200);
    expect(fromDecimal('3.5')).toBe(350);
    expect(fromDecimal('-3.5')).toBe(-350);
    expect(fromDecimal(' 11.01 ')).toBe(1101);
  });

  it('refuses anything before or after the amount, and a third decimal', () => {
    for (const text of ['EUR 1.00', '1.00 EUR', '1.005', '', '1,00']) {
      expect(() => fromDecimal(text), text).toThrow(
        new RangeError(`'${text}' is not a decimal amount with at most two decimals`),
      );
    }
  });
});

describe('sum', () => {
  it('adds minor units, and an empty list is zero', () => {
    expect(sum([1, 2, -4])).toBe(-1);
    expect(sum([])).toBe(0);
  });
});
