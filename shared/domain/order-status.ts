/**
 * The order posting state machine of the ledger (DESIGN.md, "State"). Every transition is a conditional write
 * (`status = :from`), so two workers can never both move the same order.
 */

/** The statuses an order can have on the ledger. */
export const ORDER_STATUSES = [
  'received',
  'pending',
  'sent',
  'acknowledged',
  'flagged',
  'cancelled',
  'return_required',
] as const;

/** One of `ORDER_STATUSES`. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

const allowed: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  // received: the webhook was accepted; pending: a worker holds the order and is posting it.
  received: ['pending', 'flagged', 'cancelled'],
  // pending -> pending lets a retry take over an attempt that crashed; the look-up before create keeps it once.
  pending: ['pending', 'sent', 'flagged', 'cancelled', 'return_required'],
  sent: ['acknowledged', 'cancelled', 'return_required'],
  acknowledged: ['cancelled', 'return_required'],
  // A flagged order is retried once its cause (e.g. a SKU mapping) is fixed.
  flagged: ['pending', 'cancelled'],
  cancelled: [],
  return_required: [],
};

/** True when an order may move from `from` to `to`. */
export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => allowed[from].includes(to);

/** The statuses an order may move to from `from`. */
export const nextStatuses = (from: OrderStatus): readonly OrderStatus[] => allowed[from];

/** Statuses after which nothing more happens to the order. */
export const isFinal = (status: OrderStatus): boolean => allowed[status].length === 0;
