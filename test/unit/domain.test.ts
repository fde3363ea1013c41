import { describe, expect, it } from 'vitest';
import { EXCEPTION_TYPES, exceptionTypes, OWNERS } from '../../shared/domain/exception-types';
import { canTransition, isFinal, nextStatuses, ORDER_STATUSES } from '../../shared/domain/order-status';

describe('order status machine', () => {
  it('posts an order received -> pending -> sent -> acknowledged', () => {
    expect(canTransition('received', 'pending')).toBe(true);
    expect(canTransition('pending', 'sent')).toBe(true);
    expect(canTransition('sent', 'acknowledged')).toBe(true);
  });

  it('lets a retry take over a pending order and a fixed flagged order go back to pending', () => {
    expect(canTransition('pending', 'pending')).toBe(true);
    expect(canTransition('flagged', 'pending')).toBe(true);
  });

  it('never moves an order backwards once OrderWise has it', () => {
    for (const to of ['received', 'pending', 'flagged'] as const) {
      expect(canTransition('sent', to)).toBe(false);
      expect(canTransition('acknowledged', to)).toBe(false);
    }
  });

  it('ends in cancelled or return_required and nowhere else', () => {
    expect(ORDER_STATUSES.filter(isFinal)).toEqual(['cancelled', 'return_required']);
    expect(nextStatuses('cancelled')).toEqual([]);
  });
});

describe('exception catalogue', () => {
  it('gives every type an owning team and a summary', () => {
    for (const type of exceptionTypes()) {
      expect(OWNERS).toContain(EXCEPTION_TYPES[type].owner);
      expect(EXCEPTION_TYPES[type].summary.length).toBeGreaterThan(20);
    }
  });

  it('names the owners the issues assign', () => {
    expect(EXCEPTION_TYPES.SKU_UNMAPPED.owner).toBe('ecommerce');
    expect(EXCEPTION_TYPES.CANCEL_TOO_LATE.owner).toBe('customer-service');
    expect(EXCEPTION_TYPES.ORDER_TOTAL_MISMATCH.owner).toBe('finance');
    expect(EXCEPTION_TYPES.GHOST_ORDER.owner).toBe('operations');
    expect(EXCEPTION_TYPES.SETTLEMENT_UNBALANCED.owner).toBe('finance');
  });
});
