import { isJsonObject } from './body-check.ts';
import type { AdminSampleName, Sample } from './samples.ts';

/**
 * The path forms SCAYLE accepts for one entity: its numeric id, or `key=<referenceKey>` (SDK
 * lib/Models/Identifier.php). Compared with the decoded path segment, so `key%3DSKU-1` matches `key=SKU-1`.
 */
const identifiersOf = (entity: unknown): string[] => {
  if (!isJsonObject(entity)) return [];
  const forms: string[] = [];
  if (typeof entity.id === 'number') forms.push(String(entity.id));
  if (typeof entity.referenceKey === 'string') forms.push(`key=${entity.referenceKey}`);
  return forms;
};

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The identifiers each route answers from a sample: only those the samples themselves name. */
export interface SampleIdentifiers {
  readonly order: ReadonlySet<string>;
  /** The order's numeric id alone: `PUT …/reference-key` takes an `orderId`, not an identifier (SDK OrderService). */
  readonly orderId: string;
  readonly product: ReadonlySet<string>;
  /**
   * The stock and price samples name no variant (the SDK tests call them with id 1), so they answer for every
   * variant another sample names: the product sample's variants and the order sample's items' variants.
   */
  readonly variant: ReadonlySet<string>;
}

/** Reads the identifiers out of the order and product samples. */
export const identifiersIn = (admin: Readonly<Record<AdminSampleName, Sample>>): SampleIdentifiers => {
  const order = admin.OrderGetResponse.json;
  const product = admin.ProductGetResponse.json;
  const variants = [
    ...listOf(product.variants),
    ...listOf(order.items).map((item) => (isJsonObject(item) ? item.variant : undefined)),
  ];
  return {
    order: new Set(identifiersOf(order)),
    orderId: String(order.id),
    product: new Set(identifiersOf(product)),
    variant: new Set(variants.flatMap(identifiersOf)),
  };
};
