import { describe, expect, it } from 'vitest';
import { amazonItemsOf, packageItemsOf, packageReferenceIdOf } from '../../../shared/domain/despatch';
import type { ScayleOrder } from '../../../shared/schemas/scayle';
import { scayleOrder } from '../../helpers/scayle-orders';

/** A SCAYLE order of SKU-A units whose items are replaced by `items` (id and what else the test needs). */
const orderWith = (items: readonly Record<string, unknown>[], packages: readonly Record<string, unknown>[] = []) => {
  const base = scayleOrder({ units: items.map(() => ({ sku: 'SKU-A', grossMinor: 1000 })) });
  return {
    ...base,
    items: items.map((item, i) => ({ ...base.items[i], ...item })),
    packages,
  } as unknown as ScayleOrder;
};

describe('packageItemsOf', () => {
  it('ships the lowest open unit ids first, skipping units already packed or withdrawn', () => {
    const order = orderWith(
      [{ id: 4 }, { id: 3 }, { id: 1, packageId: 9 }, { id: 2, status: 'cancelled' }],
      [{ id: 9 }],
    );

    expect(packageItemsOf(order, [{ sku: 'SKU-A', quantity: 1 }], 'T2')).toEqual({ kind: 'to-ship', itemIds: [3] });
    expect(packageItemsOf(order, [{ sku: 'SKU-A', quantity: 3 }], 'T2')).toEqual({
      kind: 'short',
      missing: [{ sku: 'SKU-A', quantity: 1 }],
    });
  });

  it('treats a unit with no package field as open', () => {
    const order = orderWith([{ id: 1, packageId: undefined }]);

    expect(packageItemsOf(order, [{ sku: 'SKU-A', quantity: 1 }], 'T1')).toEqual({ kind: 'to-ship', itemIds: [1] });
  });

  it('finds only the package with the same tracking number, not any package of the order', () => {
    const order = orderWith([{ id: 1, packageId: 9 }, { id: 2 }], [{ id: 9, shipmentKey: 'T1' }]);

    expect(packageItemsOf(order, [{ sku: 'SKU-A', quantity: 1 }], 'T2')).toEqual({ kind: 'to-ship', itemIds: [2] });
  });
});

describe('amazonItemsOf', () => {
  it('counts only units that carry an Amazon order item id as a string', () => {
    const order = orderWith([
      { id: 1, legacyCustomData: { amazonOrderItemId: 'AZ-1' } },
      { id: 2, legacyCustomData: { amazonOrderItemId: 12345 } },
      { id: 3, legacyCustomData: null },
      { id: 4 },
    ]);

    expect(amazonItemsOf(order, [1, 2, 3, 4])).toEqual([{ orderItemId: 'AZ-1', quantity: 1 }]);
  });
});

describe('packageReferenceIdOf', () => {
  it('keeps a numeric delivery number only when it is all digits', () => {
    expect(packageReferenceIdOf('SO000001', '123A')).toBe('490926877650');
  });

  it('hashes any other delivery number to the same 12 digits in every release, so a resend edits the package', () => {
    expect(packageReferenceIdOf('SO000001', 'D0042')).toBe('179865043885');
    expect(packageReferenceIdOf('SO000001', 'DN-2')).toBe('282349605728');
    expect(packageReferenceIdOf('SO000001', '0042')).toBe('731636104396');
  });
});
