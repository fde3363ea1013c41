/**
 * Which ledger account each settlement amount goes to. A rule names a transaction-type, amount-type and
 * amount-description, each exactly or as '*'; the first rule that matches wins, so specific rules come before
 * general ones. Finance owns the mapping: it is data validated with zod, and the default below only has to be a
 * sensible start that covers what real files contain (the settlement reference, 5.3).
 */
import { z } from 'zod';
import { parseWith } from '../../runtime/validation';

/** The value of a rule field that matches anything. */
export const ANY = '*';

const matcher = z.string().trim().min(1, `must be a value or '${ANY}'`).default(ANY);
const account = z.string().trim().min(1, 'must name an account');

/** One mapping rule: amounts whose three fields match (exactly or through '*') go to `account`. */
export const accountRuleSchema = z.strictObject({
  transactionType: matcher,
  amountType: matcher,
  amountDescription: matcher,
  account,
});

/** An account mapping: the ordered rules, the suspense account for what no rule matches, and the bank side. */
export const accountMappingSchema = z.strictObject({
  /** The account the payout lands in: the other side of the journal, equal to total-amount. */
  depositAccount: account,
  /** Where amounts no rule matches go, so the journal still balances and finance can reclassify them. */
  suspenseAccount: account,
  rules: z.array(accountRuleSchema),
});

/** A validated account mapping. */
export type AccountMapping = z.output<typeof accountMappingSchema>;

/** One validated rule of an `AccountMapping`. */
export type AccountRule = z.output<typeof accountRuleSchema>;

/** The three fields that identify a kind of settlement amount. */
export interface AmountKind {
  readonly transactionType: string;
  readonly amountType: string;
  readonly amountDescription: string;
}

/** Validates a mapping (e.g. from a JSON file) or throws a `ValidationError` naming every bad field. */
export const parseAccountMapping = (input: unknown): AccountMapping =>
  parseWith(accountMappingSchema, input, 'settlement account mapping');

const matches = (pattern: string, value: string): boolean => pattern === ANY || pattern === value;

/** The account of the first rule matching `kind`, or `undefined` when none does (the amount goes to suspense). */
export const accountFor = (mapping: AccountMapping, kind: AmountKind): string | undefined =>
  mapping.rules.find(
    (rule) =>
      matches(rule.transactionType, kind.transactionType) &&
      matches(rule.amountType, kind.amountType) &&
      matches(rule.amountDescription, kind.amountDescription),
  )?.account;

/**
 * The accounts of the default mapping [A]. Plain names rather than codes so a bookkeeper can map them onto their
 * own chart of accounts; every one of them is a value finance is expected to override.
 */
export const DEFAULT_ACCOUNTS = {
  deposit: 'Amazon deposits',
  suspense: 'Amazon suspense',
  sales: 'Amazon sales',
  shipping: 'Amazon shipping income',
  taxCollected: 'Sales tax and VAT collected',
  taxWithheld: 'Marketplace facilitator tax withheld',
  promotions: 'Amazon promotions',
  refunds: 'Amazon refunds',
  liquidations: 'Amazon liquidations',
  commission: 'Amazon fees: commission',
  refundCommission: 'Amazon fees: refund commission',
  fulfilment: 'Amazon fees: FBA fulfilment',
  digitalServices: 'Amazon fees: digital services',
  shippingChargeback: 'Amazon fees: shipping chargeback',
  fbaInventory: 'Amazon fees: FBA storage and removal',
  subscription: 'Amazon fees: subscription',
  otherFees: 'Amazon fees: other',
  advertising: 'Amazon advertising',
  reimbursements: 'Amazon reimbursements',
  reserve: 'Amazon reserve',
  other: 'Amazon other',
} as const;

const rule = (transactionType: string, amountType: string, amountDescription: string, account: string) => ({
  transactionType,
  amountType,
  amountDescription,
  account,
});

const A = DEFAULT_ACCOUNTS;

/**
 * The default mapping [A], from the combinations seen in real US, UK and DE files plus those third-party code
 * names. Tax rules come first so refunded and discounted tax nets against the tax collected instead of hiding
 * in refunds or promotions; `ItemWithheldTax` (marketplace facilitator) offsets that tax item by item.
 */
export const DEFAULT_ACCOUNT_MAPPING: AccountMapping = parseAccountMapping({
  depositAccount: A.deposit,
  suspenseAccount: A.suspense,
  rules: [
    rule(ANY, 'ItemPrice', 'Tax', A.taxCollected),
    rule(ANY, 'ItemPrice', 'ShippingTax', A.taxCollected),
    rule(ANY, 'ItemPrice', 'GiftWrapTax', A.taxCollected),
    rule(ANY, 'Promotion', 'TaxDiscount', A.taxCollected),
    rule(ANY, 'ItemWithheldTax', ANY, A.taxWithheld),
    rule('Order', 'ItemPrice', 'Principal', A.sales),
    rule('Order', 'ItemPrice', 'GiftWrap', A.sales),
    rule('Order', 'ItemPrice', 'Shipping', A.shipping),
    rule('Refund', 'ItemPrice', ANY, A.refunds),
    rule('Liquidations', 'ItemPrice', ANY, A.liquidations),
    rule(ANY, 'Promotion', ANY, A.promotions),
    // Commission on a refund is Amazon handing the order's commission back, so it nets in the same account.
    rule(ANY, 'ItemFees', 'Commission', A.commission),
    rule(ANY, 'ItemFees', 'RefundCommission', A.refundCommission),
    rule(ANY, 'ItemFees', 'FBAPerUnitFulfillmentFee', A.fulfilment),
    rule(ANY, 'ItemFees', 'FBAPerOrderFulfillmentFee', A.fulfilment),
    rule(ANY, 'ItemFees', 'FBAWeightBasedFee', A.fulfilment),
    rule(ANY, 'ItemFees', 'DigitalServicesFee', A.digitalServices),
    rule(ANY, 'ItemFees', 'ShippingChargeback', A.shippingChargeback),
    rule(ANY, 'ItemFees', 'ShippingHB', A.shippingChargeback),
    rule(ANY, 'ItemFees', ANY, A.otherFees),
    rule(ANY, 'Cost of Advertising', ANY, A.advertising),
    rule(ANY, 'FBA Inventory Reimbursement', ANY, A.reimbursements),
    rule(ANY, ANY, 'SAFE-T Reimbursement', A.reimbursements),
    rule(ANY, ANY, 'Storage Fee', A.fbaInventory),
    rule(ANY, ANY, 'FBA Long-Term Storage', A.fbaInventory),
    rule(ANY, ANY, 'RemovalComplete', A.fbaInventory),
    rule(ANY, ANY, 'DisposalComplete', A.fbaInventory),
    rule(ANY, ANY, 'LowInventoryLevelFee', A.fbaInventory),
    rule(ANY, ANY, 'Subscription Fee', A.subscription),
    // Reserve: held back this period (negative) and released from the last one (positive); the account keeps
    // what Amazon still owes.
    rule(ANY, 'other-transaction', 'Current Reserve Amount', A.reserve),
    rule(ANY, 'other-transaction', 'Previous Reserve Amount Balance', A.reserve),
    rule('ServiceFee', ANY, ANY, A.otherFees),
    rule('other-transaction', ANY, ANY, A.other),
  ],
});
