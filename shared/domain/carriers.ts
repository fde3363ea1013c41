/**
 * Carrier mapping for despatches: the Amazon `carrierCode` and the SCAYLE carrier key an OrderWise courier name
 * stands for. Pure rules, no I/O.
 *
 * Amazon takes a `carrierCode` in every shipment confirmation and it must match Amazon's list exactly (case and
 * spaces); a carrier not on the list goes as 'Other' plus a free-text `carrierName` [V]. The list below is the one in
 * shared/reference/amazon-carriers.md: the `CarrierCode` enumeration of Amazon's `amzn-base.xsd`, first 51 values
 * from the 2015 MWS XSD [V], the rest from a newer XSD [O] cross-checked by a list retrieved in January 2026 [O].
 * It is not authoritative: re-pull it from Seller Central before go-live and update this file (the SP-API
 * reference lists it under "open questions").
 *
 * SCAYLE takes a carrier *key* per shipment (`POST /fulfillment/shipments`, e.g. `DHL`, `HERMES_KLV`); keys are
 * configured per tenant, so every SCAYLE key here is an assumption [A] to check against `GET /carriers`.
 */
import { z } from 'zod';

/**
 * Every Amazon carrier code the reference lists, exactly as written there (case, spaces and punctuation matter;
 * near-duplicates such as 'Royal Mail' / 'ROYAL_MAIL' or 'UKMail' / 'UK MAIL' are distinct codes), in its order.
 *
 * The reference states 377 values for its enumeration; this list has 397 because it also keeps the 20 codes the
 * reference gives outside that enumeration: the 19 "also present in newer lists" values (among them
 * 'DHL Parcel UK', which the UK table needs) and 'AFL/FedEx', the Jan-2026 list's spelling of the XSD's
 * 'AFL/Fedex'. 'Evri' is named there only as absent, so it is not here.
 */
export const AMAZON_CARRIER_CODES: readonly string[] = Object.freeze([
  // [V] MWS amzn-base.xsd, 2015 (Westie/AmazonMarketplaceXSD Products/amzn-base.xsd): 51 values.
  'USPS',
  'UPS',
  'UPSMI',
  'FedEx',
  'DHL',
  'Fastway',
  'GLS',
  'GO!',
  'Hermes Logistik Gruppe',
  'Royal Mail',
  'Parcelforce',
  'City Link',
  'TNT',
  'Target',
  'SagawaExpress',
  'NipponExpress',
  'YamatoTransport',
  'DHL Global Mail',
  'UPS Mail Innovations',
  'FedEx SmartPost',
  'OSM',
  'OnTrac',
  'Streamlite',
  'Newgistics',
  'Canada Post',
  'Blue Package',
  'Chronopost',
  'Deutsche Post',
  'DPD',
  'La Poste',
  'Parcelnet',
  'Poste Italiane',
  'SDA',
  'Smartmail',
  'FEDEX_JP',
  'JP_EXPRESS',
  'NITTSU',
  'SAGAWA',
  'YAMATO',
  'BlueDart',
  'AFL/Fedex',
  'Aramex',
  'India Post',
  'Professional',
  'DTDC',
  'Overnite Express',
  'First Flight',
  'Delhivery',
  'Lasership',
  'Yodel',
  'Other',
  // [O] a generated C# class of a newer amzn-base.xsd, cross-checked by a Lengow Amazon-FR mock list and the
  // DropStream list "based on amzn-base._TTH_.xsd retrieved Jan 2026": 326 values, 377 in all. 'HS code' looks
  // like a generator artefact and 'Transaragonés' was mojibake in the source; both kept as the reference writes them.
  'Amazon Shipping',
  'Seur',
  'Correos',
  'MRW',
  'Endopack',
  'Chrono Express',
  'Nacex',
  'Otro',
  'Correios',
  'Toll Global Express',
  'China Post',
  'AUSSIE_POST',
  'EUB',
  'Australia Post',
  'Yun Express',
  '4PX',
  'Hermes',
  'SF Express',
  'BRT',
  'Australia Post-Consignment',
  'Australia Post-ArticleId',
  'Sendle',
  'CouriersPlease',
  'A-1',
  'AAA Cooper',
  'ABF',
  'ALLJOY',
  'Aras Kargo',
  'Arkas',
  'Arrow XL',
  'Asendia',
  'Asgard',
  'Assett',
  'AT POST',
  'ATS',
  'Balnak',
  'Beijing Quanfeng Express',
  'Best Buy',
  'Best Express',
  'BJS',
  'Bombax',
  'Cart2India',
  'CDC',
  'CELERITAS',
  'CEVA',
  'Ceva Lojistik',
  'Cititrans',
  'Coliposte',
  'Colissimo',
  'Conway',
  'Correos Express',
  'Couriers Please',
  'CTTExpress',
  'DB Schenker',
  'DHL eCommerce',
  'DHL Express',
  'DHL Freight',
  'DHL Home Delivery',
  'DHL Kargo',
  'DHL-Paket',
  'DHLPL',
  'Digital Delivery',
  'DirectLog',
  'Dotzot',
  'DSV',
  'DX Freight',
  'ECMS',
  'Ecom Express',
  'Emirates Post',
  'Energo',
  'Envialia',
  'Estafeta',
  'Estes',
  'Fedex Freight',
  'Fillo Kargo',
  'First Flight China',
  'First Mile',
  'Gati',
  'GEL Express',
  'geodis',
  'Geodis Calberson',
  'Geopost Kargo',
  'Hermes Einrichtungsservice',
  'Home Logistics',
  'Hongkong Post',
  'Horoz Lojistik',
  'HS code',
  'Hunter Logistics',
  'ICC Worldwide',
  'IDS Netzwerk',
  'InPost',
  'iParcel',
  'Japan Post',
  'JCEX',
  'Kargokar',
  'Kuehne+Nagel',
  'Landmark',
  'Metro Kargo',
  'MNG Kargo',
  'Narpost Kargo',
  'Nexive',
  'Ninjavan',
  'Old Dominion',
  'OneWorldExpress',
  'Panther',
  'Pilot',
  'Pilot Freight',
  'Polish Post',
  'Post NL',
  'PostNord',
  'PTT Kargo',
  'PUROLATOR',
  'QExpress',
  'Qxpress',
  'R+L',
  'Raben Group',
  'Rhenus',
  'Rieck',
  'Rivigo',
  'Roadrunner',
  'Safexpress',
  'Saia',
  'Seino',
  'SEINO TRANSPORTATION',
  'Selem Kargo',
  'Self Delivery',
  'SENDLE',
  'SFC',
  'Ship Delight',
  'Ship Global US',
  'ShipEconomy',
  'ShipGlobal',
  'Shree Maruti Courier',
  'Shree Tirupati Courier',
  'Shunfeng Express',
  'Singapore Post',
  'South Eastern Freight Lines',
  'Speedex',
  'Spoton',
  'StarTrack-ArticleID',
  'StarTrack-Consignment',
  'STO Express',
  'Tezel Lojistik',
  'The Professional Couriers',
  'TIPSA',
  'TNT Kargo',
  'TNTIT',
  'Total Express',
  'Trackon',
  'TransFolha',
  'Tuffnells',
  'UPS Freight',
  'Urban Express',
  'VIR',
  'VNLIN',
  'WanbExpress',
  'Watkins and Shepard',
  'Whizzard',
  'WINIT',
  'XDP',
  'XPO Freight',
  'Xpressbees',
  'YDH',
  'Yellow Freight',
  'YTO Express',
  'Yunda Express',
  'ZTO Express',
  'Tourline',
  'Centex',
  'iMile',
  'Chukou1',
  'CNE',
  'Equick',
  'UBI',
  'Sunyou',
  'COLIS PRIVE',
  'Colis Prive',
  'DASCHER',
  'DACHSER',
  'France Express',
  'Heppner',
  'Kuehne Nagel',
  'Arco Spedizioni',
  'FAST EST',
  'FERCAM',
  'Fercam',
  'Liccardi',
  'Milkman',
  'Zust Ambrosetti',
  'Yanwen',
  'ROYAL_MAIL',
  'Whistl',
  'Hermes (Corporate)',
  'AMAUK',
  'The Delivery Group',
  'RMLGB',
  'UKMail',
  'APC',
  'Jersey Post',
  'Caribou',
  'Hermes UK',
  'DPD Local',
  'UK MAIL',
  'APC Overnight',
  'DX Express',
  'DX Secure',
  'Parcel Station',
  'AMZL_UK',
  'DX',
  'APC-Overnight',
  'B2C Europe',
  'ITD Global',
  'Parcelhub',
  'HubEurope',
  'Huxloe Logistics',
  'GFS',
  'Spring GDS',
  'Verage Shipping',
  'MHI',
  'Truline',
  'Delivery Group',
  'PDC Logistics',
  'PARCEL2GO.COM',
  'DEL Deliveries',
  'Parcelink Logistics',
  'Cubyn',
  'Hotpoint Logistics',
  'AT Post',
  'GEL',
  'IDS',
  'Raben',
  'AO Deutschland',
  'MZZ-Briefdienst',
  'Der Kurier',
  'REDUR',
  'Europaczka',
  'Emons',
  'Seven Senders',
  'Sendcloud',
  'Mail Alliance',
  'Mainpost',
  'PIN',
  'Post Modern',
  'Trans-o-Flex',
  'Exapaq',
  'Trakpak',
  'BPOST',
  'UPakWeShip',
  'Mondial Relay',
  'Swiss post',
  'Consegna Mezzi Propri',
  'DACSHER',
  'GEODIS',
  'XPO',
  'NACEX',
  'Sprint',
  'Susa',
  'Zeleris',
  'TWS',
  'Sailpost',
  'WPX',
  'HRP',
  'Sending',
  'CBL',
  'DYNAMIC EXPRESS',
  'EINSA SOURCING',
  'GRUPO LOGISTIC',
  'KEAVO',
  'NTL',
  'SPRING',
  'Szendex',
  'TDN',
  'Transaragonés',
  'TSB',
  'TXT',
  'TyD',
  'Via Xpress',
  'CTT EXPRESS',
  'FRANCE EXPRESS',
  'Bartolini',
  'AMZL',
  'Andere',
  'AO',
  'B2C',
  'CargoLine',
  'Citypost',
  'Delivengo',
  'DPB',
  'EKI Trans',
  'FRACHTPOST',
  'Hellmann',
  'Hlog',
  'honesteye',
  'Huxloe',
  'Interlink',
  'Interno',
  'Intersoft',
  'JPL UPU',
  'Kybotech',
  'Landmark Global',
  'MBE',
  'Mezzi propri',
  'MZZ Briefdienst',
  'NOVEO',
  'OCS Worldwide',
  'ONTIME',
  'Palletline',
  'Palletways',
  'Parcel Hub',
  'Parcel Monkey',
  'Parcel2go',
  'ParcelDenOnline',
  'ParcelOne',
  'PostNL',
  'RBNA',
  'RR Donnelley',
  'Schweizer Post',
  'Shipmate',
  'Sonstige',
  'Stahlmann and Sachs',
  'Stampit',
  'STG',
  'Transaher',
  'Translink',
  'Transoflex',
  'Upsilon',
  // [O] outside the reference's 377: values of the Jan-2026 DropStream excerpt (A-I only) and a 2023 Java constant
  // list, then DropStream's spelling of 'AFL/Fedex'.
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
]);

const AMAZON_CARRIER_CODE_SET: ReadonlySet<string> = new Set(AMAZON_CARRIER_CODES);

/** Whether `code` is on Amazon's carrier list exactly as written (case- and space-sensitive). */
export const isAmazonCarrierCode = (code: string): boolean => AMAZON_CARRIER_CODE_SET.has(code);

/** The Amazon code for a carrier not on the list; Amazon then requires the carrier's name in `carrierName`. */
export const CARRIER_CODE_OTHER = 'Other';

/** The SCAYLE carrier key the hub sends for a courier it cannot map [A: the tenant must have such a carrier]. */
export const SCAYLE_CARRIER_KEY_OTHER = 'OTHER';

/** Courier names compare trimmed, case-insensitively and with runs of whitespace as one space. */
const normalise = (courierName: string): string => courierName.trim().replace(/\s+/g, ' ').toLowerCase();

/** Letters and digits only, without accents: 'Royal-Mail' and 'ROYAL_MAIL' meet at 'royalmail'. */
const looseForm = (code: string): string =>
  code
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]/gu, '')
    .toLowerCase();

/** The valid codes closest to a wrong one: equal ignoring case, or failing that ignoring punctuation and accents. */
const closestCodes = (code: string): string[] => {
  const lower = code.toLowerCase();
  const sameIgnoringCase = AMAZON_CARRIER_CODES.filter((valid) => valid.toLowerCase() === lower);
  if (sameIgnoringCase.length > 0) return sameIgnoringCase;
  const loose = looseForm(code);
  return loose === '' ? [] : AMAZON_CARRIER_CODES.filter((valid) => looseForm(valid) === loose);
};

const unknownCodeMessage = (courierName: string, code: string): string => {
  const closest = closestCodes(code);
  const hint =
    closest.length > 0
      ? `did you mean ${closest.map((valid) => `'${valid}'`).join(' or ')}?`
      : `use '${CARRIER_CODE_OTHER}' to send the courier name as carrierName, or check Seller Central's list`;
  return `Courier '${courierName}': '${code}' is not an Amazon carrier code; ${hint}`;
};

/**
 * A carrier table: per OrderWise courier name (the free text OrderWise puts on a delivery), the Amazon carrier code
 * and the SCAYLE carrier key. Every Amazon code must be on `AMAZON_CARRIER_CODES`, no courier name may be blank, and no
 * two may be the same once normalised (they would make the lookup ambiguous).
 */
export const carrierTableSchema = z
  .record(z.string().min(1), z.object({ amazon: z.string(), scayle: z.string().min(1) }))
  .superRefine((table, ctx) => {
    const seen = new Map<string, string>();
    for (const [courierName, { amazon }] of Object.entries(table)) {
      if (normalise(courierName) === '') {
        ctx.addIssue({ code: 'custom', path: [courierName], message: 'A courier name must not be blank' });
      }
      if (!isAmazonCarrierCode(amazon)) {
        ctx.addIssue({
          code: 'custom',
          path: [courierName, 'amazon'],
          message: unknownCodeMessage(courierName, amazon),
        });
      }
      const earlier = seen.get(normalise(courierName));
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [courierName],
          message: `Courier '${courierName}' is the same name as '${earlier}' once case and spaces are ignored`,
        });
      }
      seen.set(normalise(courierName), courierName);
    }
  });

/** A validated carrier table. */
export type CarrierTable = z.output<typeof carrierTableSchema>;

const freezeTable = (table: CarrierTable): CarrierTable =>
  Object.freeze(Object.fromEntries(Object.entries(table).map(([name, entry]) => [name, Object.freeze(entry)])));

/**
 * The default table for a UK/DE fashion retailer. Amazon codes follow the reference's UK table [O]: Evri, and Hermes
 * as OrderWise still names it in the UK, go as 'Hermes UK' (no 'Evri' code exists); German DHL parcels go as the
 * generic 'DHL' [V] ('DHL-Paket' [O] also exists). The SCAYLE keys are all [A]: configured per tenant in SCAYLE. A
 * stage whose 'Hermes' means Hermes Germany overrides that entry (Amazon 'Hermes Logistik Gruppe' [V]).
 * Validated when the module loads, so a wrong default cannot ship.
 */
export const DEFAULT_CARRIER_TABLE: CarrierTable = freezeTable(
  carrierTableSchema.parse({
    'Royal Mail': { amazon: 'Royal Mail', scayle: 'ROYAL_MAIL' },
    'Royal Mail Tracked 24': { amazon: 'Royal Mail', scayle: 'ROYAL_MAIL' },
    'Royal Mail Tracked 48': { amazon: 'Royal Mail', scayle: 'ROYAL_MAIL' },
    Parcelforce: { amazon: 'Parcelforce', scayle: 'PARCELFORCE' },
    'Parcelforce Worldwide': { amazon: 'Parcelforce', scayle: 'PARCELFORCE' },
    DPD: { amazon: 'DPD', scayle: 'DPD' },
    'DPD Local': { amazon: 'DPD Local', scayle: 'DPD' },
    Evri: { amazon: 'Hermes UK', scayle: 'EVRI' },
    Hermes: { amazon: 'Hermes UK', scayle: 'EVRI' },
    Yodel: { amazon: 'Yodel', scayle: 'YODEL' },
    'DHL Parcel UK': { amazon: 'DHL Parcel UK', scayle: 'DHL' },
    'DHL Express': { amazon: 'DHL Express', scayle: 'DHL' },
    DHL: { amazon: 'DHL', scayle: 'DHL' },
    UPS: { amazon: 'UPS', scayle: 'UPS' },
    FedEx: { amazon: 'FedEx', scayle: 'FEDEX' },
    GLS: { amazon: 'GLS', scayle: 'GLS' },
    'Deutsche Post': { amazon: 'Deutsche Post', scayle: 'DEUTSCHE_POST' },
  }),
);

/** What a despatch by a courier is confirmed as on Amazon and in SCAYLE. */
export interface CarrierMapping {
  /** Amazon `carrierCode`; 'Other' when the courier is not mapped. */
  readonly amazonCarrierCode: string;
  /** Amazon `carrierName`: set exactly when the code is 'Other', as Amazon requires. */
  readonly amazonCarrierName?: string;
  /** SCAYLE `carrier` key for `POST /fulfillment/shipments`. */
  readonly scayleCarrierKey: string;
  /** False when nothing matched and the hub fell back to 'Other' (raise `CARRIER_UNMAPPED`). */
  readonly mapped: boolean;
}

/** An Amazon code as a SCAYLE-style key: its words upper-cased and joined by '_' ('DHL-Paket' -> 'DHL_PAKET'). */
const scayleKeyOf = (amazonCode: string): string =>
  amazonCode
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '')
    .join('_')
    .toUpperCase();

/** The table entry for a courier name: the exact name, else the longest name it starts with as whole words. */
const entryFor = (courierName: string, table: CarrierTable): CarrierTable[string] | undefined => {
  const name = normalise(courierName);
  let best: { length: number; entry: CarrierTable[string] } | undefined;
  for (const [key, entry] of Object.entries(table)) {
    const candidate = normalise(key);
    if (candidate === name) return entry;
    const atWordBoundary = /^[^\p{L}\p{N}]/u.test(name.slice(candidate.length));
    if (name.startsWith(candidate) && atWordBoundary && candidate.length > (best?.length ?? 0)) {
      best = { length: candidate.length, entry };
    }
  }
  return best?.entry;
};

/**
 * Maps an OrderWise courier name to the Amazon carrier code and SCAYLE carrier key. In order:
 * 1. the table entry whose name equals the courier name, ignoring case and runs of whitespace;
 * 2. the entry with the longest name the courier name starts with at a word boundary
 *    ('Royal Mail Special Delivery' -> 'Royal Mail');
 * 3. the courier name itself when it is exactly an Amazon code (case-sensitive), with its words as the SCAYLE key;
 * 4. otherwise 'Other' with the trimmed courier name as `carrierName`, SCAYLE key 'OTHER', and `mapped: false`.
 * The table comes before the name-as-code rule because it names SCAYLE keys the tenant really has; a key derived
 * from an Amazon code is a guess. A table entry whose Amazon code is 'Other' also carries the courier name.
 */
export const mapCarrier = (courierName: string, table: CarrierTable): CarrierMapping => {
  const given = courierName.trim();
  const entry = entryFor(courierName, table);
  if (entry) {
    return entry.amazon === CARRIER_CODE_OTHER
      ? {
          amazonCarrierCode: CARRIER_CODE_OTHER,
          amazonCarrierName: given,
          scayleCarrierKey: entry.scayle,
          mapped: true,
        }
      : { amazonCarrierCode: entry.amazon, scayleCarrierKey: entry.scayle, mapped: true };
  }
  if (given !== CARRIER_CODE_OTHER && isAmazonCarrierCode(given)) {
    return { amazonCarrierCode: given, scayleCarrierKey: scayleKeyOf(given), mapped: true };
  }
  return {
    amazonCarrierCode: CARRIER_CODE_OTHER,
    amazonCarrierName: given,
    scayleCarrierKey: SCAYLE_CARRIER_KEY_OTHER,
    mapped: false,
  };
};

/**
 * A stage's carrier table: `base` with `overrides` applied. An override replaces the base entry whose courier name
 * is the same once normalised, so 'royal mail' in a stage config replaces 'Royal Mail' rather than sitting beside it.
 */
export const mergeCarrierTable = (base: CarrierTable, overrides: CarrierTable): CarrierTable => {
  const overridden = new Set(Object.keys(overrides).map(normalise));
  const kept = Object.entries(base).filter(([courierName]) => !overridden.has(normalise(courierName)));
  return { ...Object.fromEntries(kept), ...overrides };
};
