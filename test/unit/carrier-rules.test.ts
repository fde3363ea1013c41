import { describe, expect, it } from 'vitest';
import { type CarrierTable, carrierTableSchema, mapCarrier } from '../../shared/domain/carriers';

/** The issues the carrier table schema finds in `table`. */
const issuesOf = (table: unknown) => {
  const result = carrierTableSchema.safeParse(table);
  if (result.success) throw new Error('expected the table to be rejected');
  return result.error.issues;
};

describe('mapCarrier at the edges', () => {
  it('takes the longest matching table name whatever order the table lists them in', () => {
    const table: CarrierTable = {
      'Royal Mail Tracked': { amazon: 'Royal Mail', scayle: 'RM_TRACKED' },
      'Royal Mail': { amazon: 'Royal Mail', scayle: 'ROYAL_MAIL' },
    };

    expect(mapCarrier('Royal Mail Tracked 24', table).scayleCarrierKey).toBe('RM_TRACKED');
  });

  it('matches a table name only when the courier name goes on with a new word right after it', () => {
    const table: CarrierTable = { DHL: { amazon: 'DHL', scayle: 'DHL' } };

    expect(mapCarrier('DHLX Express', table).mapped).toBe(false);
  });

  it('leaves trailing punctuation of an Amazon code out of the SCAYLE key', () => {
    expect(mapCarrier('GO!', {})).toEqual({ amazonCarrierCode: 'GO!', scayleCarrierKey: 'GO', mapped: true });
  });
});

describe('carrierTableSchema at the edges', () => {
  it('suggests a code that differs in accents or in runs of punctuation', () => {
    expect(issuesOf({ Transaragones: { amazon: 'Transaragones', scayle: 'TA' } })[0]?.message).toContain(
      "did you mean 'Transaragonés'?",
    );
    expect(issuesOf({ 'Royal Mail': { amazon: 'Royal--Mail', scayle: 'RM' } })[0]?.message).toContain(
      "did you mean 'Royal Mail' or 'ROYAL_MAIL'?",
    );
  });

  it('points a code of punctuation alone to Other', () => {
    expect(issuesOf({ Acme: { amazon: '---', scayle: 'ACME' } })[0]?.message).toContain("use 'Other'");
  });

  it('names the courier in the path of a blank or a repeated name', () => {
    const entry = { amazon: 'DPD', scayle: 'DPD' };

    expect(issuesOf({ '   ': entry })[0]?.path).toEqual(['   ']);
    expect(issuesOf({ DPD: entry, ' dpd ': entry })[0]?.path).toEqual([' dpd ']);
  });
});
