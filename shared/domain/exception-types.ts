/**
 * Every kind of exception the hub raises, with the team that owns it and whether someone must act at once
 * (an alarm) or it can wait for the team's daily review. RUNBOOK.md has an entry per type under the anchor
 * of its lower-case name.
 */

/** The teams that own exceptions. */
export const OWNERS = ['ecommerce', 'operations', 'finance', 'customer-service'] as const;

/** One of `OWNERS`. */
export type Owner = (typeof OWNERS)[number];

/** What the hub knows about an exception type. */
export interface ExceptionTypeInfo {
  readonly owner: Owner;
  /** One sentence: what went wrong, for the exceptions list. */
  readonly summary: string;
  /** True when an open exception of this type raises a CloudWatch alarm. */
  readonly alarm: boolean;
}

/** The catalogue of exception types, keyed by type. */
export const EXCEPTION_TYPES = {
  PAYLOAD_REJECTED: {
    owner: 'operations',
    summary: 'An authenticated webhook or export failed validation; the raw body is kept under rejected/ in S3.',
    alarm: false,
  },
  SKU_UNMAPPED: {
    owner: 'ecommerce',
    summary: 'An order names a SKU that has no mapping to the target system; the order is flagged, not posted.',
    alarm: true,
  },
  ORDER_REJECTED: {
    owner: 'operations',
    summary: 'OrderWise refused the sales order (a 4xx other than a duplicate); the order is flagged, not retried.',
    alarm: true,
  },
  CANCEL_TOO_LATE: {
    owner: 'customer-service',
    summary: 'A cancellation arrived after picking started or the order was despatched; a return is required.',
    alarm: false,
  },
  ORDER_TOTAL_MISMATCH: {
    owner: 'finance',
    summary: 'The SCAYLE order total and the OrderWise sales order value differ by more than the tolerance.',
    alarm: true,
  },
  STOCK_DRIFT: {
    owner: 'operations',
    summary:
      'Stock in SCAYLE or on Amazon differs from OrderWise by more than the threshold; the reconcile repaired it.',
    alarm: true,
  },
  AMAZON_LISTING_REJECTED: {
    owner: 'ecommerce',
    summary:
      'Amazon answered INVALID or reported a feed error for a listing (product attributes, quantity or price) of a SellerSKU.',
    alarm: false,
  },
  LISTING_BLOCKED: {
    owner: 'ecommerce',
    summary:
      'SCAYLE variants were not listed on Amazon: a mapping rule found no value, the product type schema refused, or the SKU match is not valid.',
    alarm: true,
  },
  ORDER_WEBHOOK_MISSED: {
    owner: 'operations',
    summary:
      'A confirmed SCAYLE order never came by webhook; the sweep found it and queued it. It resolves once posted.',
    alarm: true,
  },
  GHOST_ORDER: {
    owner: 'operations',
    summary: 'An Amazon order has no SCAYLE order after the configured window.',
    alarm: true,
  },
  FULFILMENT_UNACKED: {
    owner: 'operations',
    summary: 'A despatch was pushed to SCAYLE but SCAYLE did not show the items shipped within the window.',
    alarm: true,
  },
  CARRIER_UNMAPPED: {
    owner: 'operations',
    summary: "An OrderWise courier name has no Amazon carrier code; the confirmation was sent as 'Other'.",
    alarm: false,
  },
  AMAZON_CONFIRMATION_UNACKED: {
    owner: 'operations',
    summary: 'A shipment confirmation was sent to Amazon but the order did not show shipped within the window.',
    alarm: true,
  },
  LATE_SHIPMENT_RISK: {
    owner: 'operations',
    summary: 'An Amazon order is not confirmed and its LatestShipDate is within the configured margin.',
    alarm: true,
  },
  SETTLEMENT_UNMAPPED_TYPE: {
    owner: 'finance',
    summary: 'A settlement row type has no account mapping; its amount went to the suspense account.',
    alarm: false,
  },
  SETTLEMENT_UNBALANCED: {
    owner: 'finance',
    summary: "A settlement file's rows do not sum to its total-amount; no journal was posted.",
    alarm: true,
  },
  SETTLEMENT_UNREADABLE: {
    owner: 'finance',
    summary:
      'A settlement file could not be read as a V2 flat file (missing columns, bad amount or date); nothing was posted.',
    alarm: true,
  },
} as const satisfies Record<string, ExceptionTypeInfo>;

/** One of the catalogued exception types. */
export type ExceptionType = keyof typeof EXCEPTION_TYPES;

/** The exception types, in catalogue order. */
export const exceptionTypes = (): ExceptionType[] => Object.keys(EXCEPTION_TYPES) as ExceptionType[];

/** The RUNBOOK.md anchor of a type. */
export const runbookAnchor = (type: ExceptionType): string => `RUNBOOK.md#${type.toLowerCase()}`;
