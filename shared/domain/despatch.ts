/**
 * Loops 4 and 7: which SCAYLE order items one OrderWise package carries, and how Amazon names the package.
 * Pure: no I/O, no clock.
 */
import { createHash } from 'node:crypto';
import { isWithdrawn, type ScayleOrder } from '../schemas/scayle';

/** One despatched line of a package, by SCAYLE SKU. */
export interface PackageLine {
  readonly sku: string;
  readonly quantity: number;
}

/** The items of one package in SCAYLE, found or chosen. */
export type PackageItems =
  | { readonly kind: 'shipped'; readonly itemIds: readonly number[] }
  | { readonly kind: 'to-ship'; readonly itemIds: readonly number[] }
  | { readonly kind: 'short'; readonly missing: readonly PackageLine[] };

type Item = ScayleOrder['items'][number] & { packageId?: number | null; status?: string };
type Package = { id?: number; shipmentKey?: string };

/**
 * The SCAYLE items of a package. If SCAYLE already has a package with this `shipmentKey`, its items (`shipped`: a
 * repeat of the same despatch changes nothing). Otherwise, per line, that many units of the SKU that are in no
 * package and not cancelled, lowest item id first (`to-ship`); `short` names what SCAYLE has too few open units of
 * (shipped by another package already, or cancelled).
 */
export const packageItemsOf = (
  order: ScayleOrder,
  lines: readonly PackageLine[],
  shipmentKey: string,
): PackageItems => {
  const packages = ((order as { packages?: Package[] }).packages ?? []) as Package[];
  const existing = packages.find((p) => p.shipmentKey === shipmentKey);
  const items = order.items as Item[];
  if (existing) {
    return { kind: 'shipped', itemIds: items.filter((i) => i.packageId === existing.id).map((i) => i.id) };
  }
  const open = items.filter((i) => (i.packageId ?? null) === null && !isWithdrawn(i)).sort((a, b) => a.id - b.id);
  const taken = new Set<number>();
  const missing: PackageLine[] = [];
  for (const line of lines) {
    const units = open.filter((i) => i.variant.referenceKey === line.sku && !taken.has(i.id)).slice(0, line.quantity);
    for (const unit of units) taken.add(unit.id);
    if (units.length < line.quantity) missing.push({ sku: line.sku, quantity: line.quantity - units.length });
  }
  return missing.length > 0 ? { kind: 'short', missing } : { kind: 'to-ship', itemIds: [...taken] };
};

/**
 * Amazon's order items in a package: SCAYLE's items of an Amazon order carry the Amazon OrderItemId in their
 * `legacyCustomData.amazonOrderItemId` (set when the Amazon order loop created the order), one SCAYLE item per unit.
 */
export const amazonItemsOf = (
  order: ScayleOrder,
  itemIds: readonly number[],
): { orderItemId: string; quantity: number }[] => {
  const counts = new Map<string, number>();
  for (const item of order.items as (Item & { legacyCustomData?: { amazonOrderItemId?: unknown } | null })[]) {
    const orderItemId = item.legacyCustomData?.amazonOrderItemId;
    if (!itemIds.includes(item.id) || typeof orderItemId !== 'string' || !orderItemId) continue;
    counts.set(orderItemId, (counts.get(orderItemId) ?? 0) + 1);
  }
  return [...counts].map(([orderItemId, quantity]) => ({ orderItemId, quantity }));
};

/**
 * Amazon's `packageReferenceId` of a package: a positive numeric string, unique per order and stable, so a resend
 * edits the package instead of adding one (reference §3.4). The OrderWise delivery number when it is numeric,
 * else 12 digits of a hash of it.
 */
export const packageReferenceIdOf = (orderNumber: string, deliveryNumber: string): string => {
  if (/^[1-9]\d{0,17}$/.test(deliveryNumber)) return deliveryNumber;
  const digits = BigInt(
    `0x${createHash('sha256').update(`${orderNumber}|${deliveryNumber}`).digest('hex').slice(0, 15)}`,
  )
    .toString()
    .slice(0, 12);
  return digits.replace(/^0+/, '') || '1';
};
