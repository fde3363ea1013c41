import { describe, expect, it } from 'vitest';
import {
  AMAZON_CARRIER_CODES,
  CARRIER_CODE_OTHER,
  type CarrierTable,
  carrierTableSchema,
  DEFAULT_CARRIER_TABLE,
  isAmazonCarrierCode,
  mapCarrier,
  mergeCarrierTable,
  SCAYLE_CARRIER_KEY_OTHER,
} from '../../shared/domain/carriers';

/** The reference's count for its enumeration (shared/reference/amazon-carriers.md). */
const REFERENCE_COUNT = 377;

/** Codes the reference gives outside that enumeration, which the list keeps after it. */
const OUTSIDE_THE_ENUMERATION = [
  '360lion',
  '17FEIA',
  'AMAZON HORIZON',
  'APC POSTAL LOGISTICS',
  'APG eCommerce',
  'ARAS',
  'Anjun',
  'B2CShip',
  'BR1 Express',
  'Better Trucks',
  'Blowhorn',
  'Bombino Express',
  'Boğaziçi',
  'Buylogic',
  'Canpar',
  'Colis Privé',
  'DHL Parcel UK',
  'ePost Global',
  'Ecom Shipping solutions PVT ltd',
  'AFL/FedEx',
];

describe('AMAZON_CARRIER_CODES', () => {
  it('holds the 377 codes the reference counts, then the codes it lists outside that count', () => {
    expect(AMAZON_CARRIER_CODES).toHaveLength(397);
    expect(OUTSIDE_THE_ENUMERATION).toHaveLength(397 - REFERENCE_COUNT);
    expect(AMAZON_CARRIER_CODES[REFERENCE_COUNT - 1]).toBe('Upsilon');
    expect(AMAZON_CARRIER_CODES.slice(REFERENCE_COUNT)).toEqual(OUTSIDE_THE_ENUMERATION);
  });

  it('starts with the 51 codes of the 2015 XSD, ending with Other', () => {
    expect(AMAZON_CARRIER_CODES.slice(0, 3)).toEqual(['USPS', 'UPS', 'UPSMI']);
    expect(AMAZON_CARRIER_CODES[50]).toBe(CARRIER_CODE_OTHER);
  });

  it('lists every code once as written, keeping near-duplicates that differ in case or spacing', () => {
    expect(new Set(AMAZON_CARRIER_CODES).size).toBe(AMAZON_CARRIER_CODES.length);
    for (const code of ['Royal Mail', 'ROYAL_MAIL', 'UKMail', 'UK MAIL', 'COLIS PRIVE', 'Colis Prive', 'Colis Privé']) {
      expect(isAmazonCarrierCode(code)).toBe(true);
    }
  });

  it('has no surrounding whitespace in any code', () => {
    expect(AMAZON_CARRIER_CODES.filter((code) => code !== code.trim())).toEqual([]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(AMAZON_CARRIER_CODES)).toBe(true);
  });
});

describe('isAmazonCarrierCode', () => {
  it('matches case- and space-sensitively', () => {
    expect(isAmazonCarrierCode('Hermes UK')).toBe(true);
    expect(isAmazonCarrierCode('hermes uk')).toBe(false);
    expect(isAmazonCarrierCode('Hermes  UK')).toBe(false);
  });

  it('knows no Evri code', () => {
    expect(isAmazonCarrierCode('Evri')).toBe(false);
  });
});

describe('DEFAULT_CARRIER_TABLE', () => {
  it('uses only codes on Amazon’s list and passes the carrier table schema', () => {
    const notOnTheList = Object.values(DEFAULT_CARRIER_TABLE).filter(({ amazon }) => !isAmazonCarrierCode(amazon));
    expect(notOnTheList).toEqual([]);
    expect(carrierTableSchema.safeParse(DEFAULT_CARRIER_TABLE).success).toBe(true);
  });

  it('covers the couriers a UK/DE fashion retailer despatches with', () => {
    expect(Object.keys(DEFAULT_CARRIER_TABLE)).toEqual(
      expect.arrayContaining([
        'Royal Mail',
        'Royal Mail Tracked 24',
        'Royal Mail Tracked 48',
        'Parcelforce Worldwide',
        'DPD',
        'DPD Local',
        'Evri',
        'Hermes',
        'Yodel',
        'DHL Parcel UK',
        'DHL Express',
        'DHL',
        'UPS',
        'FedEx',
        'GLS',
        'Deutsche Post',
      ]),
    );
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(DEFAULT_CARRIER_TABLE)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CARRIER_TABLE.DPD)).toBe(true);
  });
});

describe('mapCarrier', () => {
  it('confirms Evri to Amazon as Hermes UK', () => {
    expect(mapCarrier('Evri', DEFAULT_CARRIER_TABLE)).toEqual({
      amazonCarrierCode: 'Hermes UK',
      scayleCarrierKey: 'EVRI',
      mapped: true,
    });
  });

  it('maps a courier name regardless of case, surrounding and repeated whitespace', () => {
    expect(mapCarrier('  royal   MAIL tracked 24 ', DEFAULT_CARRIER_TABLE)).toEqual({
      amazonCarrierCode: 'Royal Mail',
      scayleCarrierKey: 'ROYAL_MAIL',
      mapped: true,
    });
  });

  it('maps a service name by the longest table name it starts with at a word boundary', () => {
    const table: CarrierTable = {
      'Royal Mail': { amazon: 'Royal Mail', scayle: 'ROYAL_MAIL' },
      'Royal Mail Tracked': { amazon: 'Royal Mail', scayle: 'RM_TRACKED' },
      DPD: { amazon: 'DPD', scayle: 'DPD' },
    };
    expect(mapCarrier('Royal Mail Tracked 24 Signed', table).scayleCarrierKey).toBe('RM_TRACKED');
    expect(mapCarrier('Royal Mail Special Delivery', table).scayleCarrierKey).toBe('ROYAL_MAIL');
    expect(mapCarrier('DPD Local Next Day', DEFAULT_CARRIER_TABLE).amazonCarrierCode).toBe('DPD Local');
  });

  it('does not match a table name that ends mid-word', () => {
    const table: CarrierTable = { DPD: { amazon: 'DPD', scayle: 'DPD' } };
    expect(mapCarrier('DPDgroup', table).mapped).toBe(false);
  });

  it('sends an unknown courier as Other with its name as given, trimmed', () => {
    expect(mapCarrier('  Acme  Couriers ', DEFAULT_CARRIER_TABLE)).toEqual({
      amazonCarrierCode: CARRIER_CODE_OTHER,
      amazonCarrierName: 'Acme  Couriers',
      scayleCarrierKey: SCAYLE_CARRIER_KEY_OTHER,
      mapped: false,
    });
  });

  it('uses a courier name that is exactly an Amazon code, with its words as the SCAYLE key', () => {
    expect(mapCarrier('DHL-Paket', {})).toEqual({
      amazonCarrierCode: 'DHL-Paket',
      scayleCarrierKey: 'DHL_PAKET',
      mapped: true,
    });
    expect(mapCarrier('Colis Privé', {}).scayleCarrierKey).toBe('COLIS_PRIVE');
    expect(mapCarrier('dhl-paket', {}).mapped).toBe(false);
  });

  it('prefers the table over a courier name that is itself an Amazon code', () => {
    expect(mapCarrier('DHL Global Mail', DEFAULT_CARRIER_TABLE)).toEqual({
      amazonCarrierCode: 'DHL',
      scayleCarrierKey: 'DHL',
      mapped: true,
    });
  });

  it('always gives Amazon a carrier name with Other, even when the table or the courier name says Other', () => {
    const table: CarrierTable = { 'Local Van': { amazon: CARRIER_CODE_OTHER, scayle: 'OWN_FLEET' } };
    expect(mapCarrier('Local Van', table)).toEqual({
      amazonCarrierCode: CARRIER_CODE_OTHER,
      amazonCarrierName: 'Local Van',
      scayleCarrierKey: 'OWN_FLEET',
      mapped: true,
    });
    expect(mapCarrier('Other', {})).toMatchObject({ amazonCarrierName: 'Other', mapped: false });
  });
});

describe('carrierTableSchema', () => {
  const issuesOf = (table: unknown) => {
    const result = carrierTableSchema.safeParse(table);
    if (result.success) throw new Error('expected the table to be rejected');
    return result.error.issues;
  };

  it('rejects an Amazon code not on the list, naming the courier and suggesting the code in the right case', () => {
    const [issue, ...rest] = issuesOf({ 'Royal Mail Tracked 24': { amazon: 'royal mail', scayle: 'ROYAL_MAIL' } });
    expect(rest).toEqual([]);
    expect(issue?.path).toEqual(['Royal Mail Tracked 24', 'amazon']);
    expect(issue?.message).toContain("Courier 'Royal Mail Tracked 24'");
    expect(issue?.message).toContain("'royal mail'");
    expect(issue?.message).toContain("did you mean 'Royal Mail'?");
  });

  it('suggests every code that differs only in punctuation when none differs only in case', () => {
    const [issue] = issuesOf({ 'DHL Paket': { amazon: 'DHL Paket', scayle: 'DHL' } });
    expect(issue?.message).toContain("did you mean 'DHL-Paket'?");
    const [mail] = issuesOf({ 'Royal Mail': { amazon: 'Royal-Mail', scayle: 'ROYAL_MAIL' } });
    expect(mail?.message).toContain("did you mean 'Royal Mail' or 'ROYAL_MAIL'?");
  });

  it('points to Other when nothing on the list is close', () => {
    const [issue] = issuesOf({ Evri: { amazon: 'Evri', scayle: 'EVRI' } });
    expect(issue?.message).toContain("Courier 'Evri'");
    expect(issue?.message).toContain("use 'Other'");
  });

  it('rejects courier names that are the same once case and spaces are ignored, and blank ones', () => {
    const entry = { amazon: 'DPD', scayle: 'DPD' };
    expect(issuesOf({ DPD: entry, ' dpd ': entry })[0]?.message).toContain("same name as 'DPD'");
    expect(issuesOf({ '   ': entry })[0]?.message).toContain('blank');
  });

  it('rejects an empty SCAYLE key', () => {
    expect(issuesOf({ DPD: { amazon: 'DPD', scayle: '' } })[0]?.path).toEqual(['DPD', 'scayle']);
  });
});

describe('mergeCarrierTable', () => {
  it('applies a stage’s overrides over the default table and adds its own couriers', () => {
    const merged = mergeCarrierTable(DEFAULT_CARRIER_TABLE, {
      Hermes: { amazon: 'Hermes Logistik Gruppe', scayle: 'HERMES_KLV' },
      TNT: { amazon: 'TNT', scayle: 'TNT' },
    });
    expect(merged.Hermes).toEqual({ amazon: 'Hermes Logistik Gruppe', scayle: 'HERMES_KLV' });
    expect(merged.TNT).toEqual({ amazon: 'TNT', scayle: 'TNT' });
    expect(merged.Evri).toEqual(DEFAULT_CARRIER_TABLE.Evri);
    expect(DEFAULT_CARRIER_TABLE.Hermes).toEqual({ amazon: 'Hermes UK', scayle: 'EVRI' });
  });

  it('replaces the base entry whose name matches an override once normalised, instead of keeping both', () => {
    const merged = mergeCarrierTable(DEFAULT_CARRIER_TABLE, {
      ' royal  mail ': { amazon: 'ROYAL_MAIL', scayle: 'RM' },
    });
    expect(merged['Royal Mail']).toBeUndefined();
    expect(carrierTableSchema.safeParse(merged).success).toBe(true);
    expect(mapCarrier('Royal Mail', merged)).toMatchObject({ amazonCarrierCode: 'ROYAL_MAIL', scayleCarrierKey: 'RM' });
  });
});
