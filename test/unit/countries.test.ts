import { describe, expect, it } from 'vitest';
import { toAlpha2, toAlpha3 } from '../../shared/domain/countries';

describe('country codes', () => {
  it('turns either form into alpha-2, whatever its case and spacing', () => {
    expect(toAlpha2(' deu ')).toBe('DE');
    expect(toAlpha2('de')).toBe('DE');
  });

  it('turns either form into alpha-3, whatever its case and spacing', () => {
    expect(toAlpha3(' de ')).toBe('DEU');
    expect(toAlpha3('deu')).toBe('DEU');
  });

  it('names no country for a code that is none, or for no code', () => {
    for (const code of ['XX', 'XXX', '', '  ', null, undefined]) {
      expect(toAlpha2(code), String(code)).toBeUndefined();
      expect(toAlpha3(code), String(code)).toBeUndefined();
    }
  });
});
