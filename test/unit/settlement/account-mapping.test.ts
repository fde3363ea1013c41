import { describe, expect, it } from 'vitest';
import {
  accountFor,
  DEFAULT_ACCOUNT_MAPPING,
  DEFAULT_ACCOUNTS,
  parseAccountMapping,
} from '../../../shared/domain/settlement/account-mapping';
import { ValidationError } from '../../../shared/runtime/errors';

const kind = (transactionType: string, amountType: string, amountDescription: string) => ({
  transactionType,
  amountType,
  amountDescription,
});

describe('parseAccountMapping', () => {
  it("defaults a rule's missing fields to '*'", () => {
    const mapping = parseAccountMapping({
      depositAccount: 'Bank',
      suspenseAccount: 'Suspense',
      rules: [{ amountType: 'ItemFees', account: 'Fees' }],
    });
    expect(mapping.rules).toEqual([
      { transactionType: '*', amountType: 'ItemFees', amountDescription: '*', account: 'Fees' },
    ]);
  });

  it('names every bad field of a broken mapping', () => {
    const parse = () =>
      parseAccountMapping({ depositAccount: '', rules: [{ transactionType: 'Order', account: ' ', extra: 1 }] });
    expect(parse).toThrow(ValidationError);
    expect(parse).toThrow(/depositAccount.*suspenseAccount|suspenseAccount.*depositAccount/);
    expect(parse).toThrow(/rules\.0\.account/);
    expect(parse).toThrow(/rules\.0.*extra/);
  });
});

describe('accountFor', () => {
  const mapping = parseAccountMapping({
    depositAccount: 'Bank',
    suspenseAccount: 'Suspense',
    rules: [
      { transactionType: 'Order', amountType: 'ItemPrice', amountDescription: 'Principal', account: 'Sales' },
      { amountType: 'ItemPrice', account: 'Other income' },
      { transactionType: 'Order', amountType: 'ItemPrice', amountDescription: 'Shipping', account: 'Never reached' },
    ],
  });

  it('takes the first rule that matches, exact fields before the wildcard ones listed after them', () => {
    expect(accountFor(mapping, kind('Order', 'ItemPrice', 'Principal'))).toBe('Sales');
    expect(accountFor(mapping, kind('Order', 'ItemPrice', 'Shipping'))).toBe('Other income');
  });

  it('matches values exactly, not by case or prefix', () => {
    expect(accountFor(mapping, kind('Order', 'itemprice', 'Principal'))).toBeUndefined();
    expect(accountFor(mapping, kind('Order', 'ItemPriceX', 'Principal'))).toBeUndefined();
  });
});

describe('DEFAULT_ACCOUNT_MAPPING', () => {
  const account = (transactionType: string, amountType: string, amountDescription: string) =>
    accountFor(DEFAULT_ACCOUNT_MAPPING, kind(transactionType, amountType, amountDescription));

  it('nets refunded and discounted tax against the tax collected', () => {
    expect(account('Order', 'ItemPrice', 'Tax')).toBe(DEFAULT_ACCOUNTS.taxCollected);
    expect(account('Refund', 'ItemPrice', 'Tax')).toBe(DEFAULT_ACCOUNTS.taxCollected);
    expect(account('Refund', 'ItemPrice', 'ShippingTax')).toBe(DEFAULT_ACCOUNTS.taxCollected);
    expect(account('Order', 'Promotion', 'TaxDiscount')).toBe(DEFAULT_ACCOUNTS.taxCollected);
    expect(account('Refund', 'ItemWithheldTax', 'MarketplaceFacilitatorVAT-Principal')).toBe(
      DEFAULT_ACCOUNTS.taxWithheld,
    );
  });

  it('keeps sales, shipping, refunds and promotions apart', () => {
    expect(account('Order', 'ItemPrice', 'Principal')).toBe(DEFAULT_ACCOUNTS.sales);
    expect(account('Order', 'ItemPrice', 'Shipping')).toBe(DEFAULT_ACCOUNTS.shipping);
    expect(account('Refund', 'ItemPrice', 'Principal')).toBe(DEFAULT_ACCOUNTS.refunds);
    expect(account('Refund', 'Promotion', 'Shipping')).toBe(DEFAULT_ACCOUNTS.promotions);
  });

  it('books Amazon fees by kind, and fees it does not know as other fees', () => {
    expect(account('Order', 'ItemFees', 'Commission')).toBe(DEFAULT_ACCOUNTS.commission);
    expect(account('Refund', 'ItemFees', 'Commission')).toBe(DEFAULT_ACCOUNTS.commission);
    expect(account('Refund', 'ItemFees', 'RefundCommission')).toBe(DEFAULT_ACCOUNTS.refundCommission);
    expect(account('Order', 'ItemFees', 'FBAPerUnitFulfillmentFee')).toBe(DEFAULT_ACCOUNTS.fulfilment);
    expect(account('Order', 'ItemFees', 'ShippingHB')).toBe(DEFAULT_ACCOUNTS.shippingChargeback);
    expect(account('Order', 'ItemFees', 'VariableClosingFee')).toBe(DEFAULT_ACCOUNTS.otherFees);
    expect(account('ServiceFee', 'Cost of Advertising', 'TransactionTotalAmount')).toBe(DEFAULT_ACCOUNTS.advertising);
  });

  it('books reserve held and released on one account, and reimbursements on their own', () => {
    expect(account('other-transaction', 'other-transaction', 'Current Reserve Amount')).toBe(DEFAULT_ACCOUNTS.reserve);
    expect(account('other-transaction', 'other-transaction', 'Previous Reserve Amount Balance')).toBe(
      DEFAULT_ACCOUNTS.reserve,
    );
    expect(account('other-transaction', 'FBA Inventory Reimbursement', 'WAREHOUSE_DAMAGE')).toBe(
      DEFAULT_ACCOUNTS.reimbursements,
    );
  });

  it('leaves transaction types it does not know to suspense', () => {
    expect(account('Chargeback Refund', 'ItemPrice', 'Principal')).toBeUndefined();
    expect(account('Order_Retrocharge', 'Base Tax', 'Tax')).toBeUndefined();
  });
});

describe('parseAccountMapping errors', () => {
  it('says what it refused, so the operator knows which file to fix', () => {
    expect(() => parseAccountMapping({})).toThrow(/^invalid settlement account mapping: /);
  });
});
