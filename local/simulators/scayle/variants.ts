/**
 * The variants SCAYLE knows: the demo catalogue's 300 (local/simulators/catalogue.ts), plus any a test adds with the
 * `extraVariants` option (e.g. the variant the SDK's OrderCreateRequest fixture names).
 */
import { DEMO_CATALOGUE, demoProductByKey, productKeyOf } from '../catalogue';
import { parseIdentifier } from './api';
import { STOCK_FOR_ANY_VARIANT } from './facts';

/** A variant added to the simulator's catalogue by a test. */
export interface ExtraVariant {
  readonly id: number;
  readonly referenceKey: string;
  /** The product the variant belongs to; default id 0 and the variant's key. */
  readonly product?: { readonly id: number; readonly referenceKey: string };
}

/** A variant as SCAYLE holds it. */
export interface KnownVariant {
  readonly id: number;
  readonly referenceKey: string;
  readonly product: { readonly id: number; readonly referenceKey: string };
  /** EAN-13. */
  readonly ean: string;
}

/** A valid EAN-13 made from a variant id: `400` (a German prefix), nine digits of the id, the check digit. */
const eanOf = (id: number): string => {
  const body = `400${String(id % 1_000_000_000).padStart(9, '0')}`;
  const sum = [...body].reduce((total, digit, i) => total + Number(digit) * (i % 2 === 0 ? 1 : 3), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
};

/** Looks variants up by reference key (the SKU) or SCAYLE id. */
export class VariantDirectory {
  readonly #byKey = new Map<string, KnownVariant>();
  readonly #byId = new Map<number, KnownVariant>();

  constructor(extra: readonly ExtraVariant[] = []) {
    const demo = DEMO_CATALOGUE.map((v): KnownVariant => {
      const productKey = productKeyOf(v.sku);
      return {
        id: v.scayleVariantId,
        referenceKey: v.sku,
        product: { id: demoProductByKey.get(productKey)?.id ?? 0, referenceKey: productKey },
        ean: eanOf(v.scayleVariantId),
      };
    });
    const added = extra.map(
      (v): KnownVariant => ({
        id: v.id,
        referenceKey: v.referenceKey,
        product: v.product ?? { id: 0, referenceKey: v.referenceKey },
        ean: eanOf(v.id),
      }),
    );
    for (const variant of [...demo, ...added]) {
      this.#byKey.set(variant.referenceKey, variant);
      this.#byId.set(variant.id, variant);
    }
  }

  byKey(referenceKey: string): KnownVariant | undefined {
    return this.#byKey.get(referenceKey);
  }

  byId(id: number): KnownVariant | undefined {
    return this.#byId.get(id);
  }

  /**
   * The reference key a variant identifier of a stock or price path names (`key=<referenceKey>` or the numeric id);
   * an identifier SCAYLE would not know is kept as given [A facts STOCK_FOR_ANY_VARIANT]. Undefined when the
   * identifier is not valid URL encoding (or names no variant, should that fact be turned off).
   */
  skuOf(identifier: string): string | undefined {
    const parsed = parseIdentifier(identifier);
    if (parsed === undefined) return undefined;
    const known =
      'key' in parsed ? this.#byKey.get(parsed.key) : 'id' in parsed ? this.#byId.get(parsed.id) : undefined;
    if (known || !STOCK_FOR_ANY_VARIANT) return known?.referenceKey;
    return 'key' in parsed ? parsed.key : 'id' in parsed ? String(parsed.id) : parsed.other;
  }

  /** `{id, referenceKey}` of a variant as events name it; id 0 for a variant SCAYLE does not know. */
  refOf(sku: string): { id: number; referenceKey: string } {
    return { id: this.#byKey.get(sku)?.id ?? 0, referenceKey: sku };
  }
}
