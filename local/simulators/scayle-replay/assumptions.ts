/**
 * What the replay peer answers that neither a SCAYLE sample nor a SCAYLE document fixes, in one place so each
 * guess can be corrected when the real answer is known. Every entry is an [A] in the sense of reference/scayle.md.
 */
export const REPLAY_ASSUMPTIONS = {
  /**
   * [A] `PUT …/orders/{orderId}/reference-key`. The SDK reads an Order back (OrderUpdateReferenceKeyResponse.json),
   * a sample we do not hold, so nothing is sent.
   */
  referenceKeyStatus: 204,
  /** [A] `POST /fulfillment/shipments` and `POST /fulfillment/cancellations`: the SDK returns void for both. */
  fulfilmentStatus: 201,
  /** [A] `POST /variants/{id}/stocks`. The SDK reads ProductVariantStockCreateResponse.json, a sample we do not hold. */
  stockCreateStatus: 201,
  /** [A] `POST /shops/{shopKey}/countries/{cc}/orders` answers with the one order sample we hold. */
  orderCreateStatus: 201,
  /**
   * [A] The `errorKey` values. The error shape itself, `{errors: [{errorKey, message, context}]}`, is the SDK's
   * (lib/Exceptions/ApiErrorException.php); the keys SCAYLE puts in it are not documented in what we hold.
   */
  errorKeys: { unauthorized: 'UNAUTHORIZED', notFound: 'NOT_FOUND', invalid: 'VALIDATION_ERROR' },
  /**
   * Fields of a request sample a body may leave out. A sample shows every field the SDK model has, not which are
   * required, so the replay requires all but these:
   * - stock create: `merchantReferenceKey` is for multi-merchant tenants [V scayle.dev "Interact with Admin API in
   *   Multi-Merchant Setup": "In multi-merchant setups, send merchantReferenceKey explicitly for prices and
   *   stocks"]; `expectedAvailabilityAt`, a date the variant is expected back, only means something for a variant
   *   out of stock [A];
   * - shipment: `returnIdentCode`, the return label's code, for retailers that print return labels [A].
   */
  optionalFields: {
    ProductVariantStockCreateRequest: ['merchantReferenceKey', 'expectedAvailabilityAt'],
    ShipmentCreateRequest: ['returnIdentCode'],
  } as Readonly<Record<string, readonly string[]>>,
} as const;
