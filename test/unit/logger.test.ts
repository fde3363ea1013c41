import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeLogger, REDACTED, redactPii } from '../../shared/runtime/logger';

/** Captures what the logger writes (info to stdout, errors to stderr). */
const captureOutput = () => {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return lines;
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the hub logger', () => {
  it('writes no names, e-mail addresses, postal addresses or phone numbers', () => {
    const lines = captureOutput();
    const logger = makeLogger({ serviceName: 'test' });
    logger.info('order received from jane.doe@example.com', {
      orderId: 'SO-1001',
      customer: { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com' },
      shippingAddress: { street: '1 High Street', city: 'Leeds', postcode: 'LS1 1AA' },
      customerDeliveryAddress: { deliveryName: 'Jane Doe', telephone: '+44 113 000000' },
      BuyerInfo: { BuyerEmail: 'x@marketplace.amazon.co.uk', BuyerName: 'J Doe' },
      items: [{ sku: 'SKU-1', quantity: 2 }],
      note: 'call 0113 000000 or mail ops@retailer.example',
    });
    const output = lines.join('');
    // A phone number inside free text cannot be told from other digits; under a personal key it always goes.
    for (const secret of [
      'Jane',
      'Doe',
      'jane.doe@example.com',
      'High Street',
      'Leeds',
      'LS1 1AA',
      '+44 113 000000',
      'marketplace.amazon',
      'ops@retailer.example',
    ]) {
      expect(output).not.toContain(secret);
    }
    const entry = JSON.parse(output.trim());
    expect(entry).toMatchObject({
      orderId: 'SO-1001',
      items: [{ sku: 'SKU-1', quantity: 2 }],
      customer: { firstName: REDACTED },
    });
    expect(entry.shippingAddress).toBe(REDACTED);
    expect(entry.message).toBe(`order received from ${REDACTED}`);
  });

  it('keeps error names and messages that carry no personal data', () => {
    const lines = captureOutput();
    makeLogger().error('post failed', { error: new TypeError('SKU-9 is not mapped') });
    const entry = JSON.parse(lines.join('').trim());
    expect(entry.error).toMatchObject({ name: 'TypeError', message: 'SKU-9 is not mapped' });
  });
});

describe('redactPii', () => {
  it.each([
    'email',
    'BuyerEmail',
    'phone',
    'telephone',
    'mobileNumber',
    'firstName',
    'last_name',
    'deliveryName',
    'address1',
    'postalCode',
    'city',
    'Town',
    'BuyerInfo',
    // Amazon's ShippingAddress.Name is the buyer.
    'Name',
    'name',
  ])('redacts %s', (key) => {
    expect(redactPii(key, 'value')).toBe(REDACTED);
  });

  it("keeps an error's class name under name, and nothing else there", () => {
    expect(redactPii('name', 'UpstreamRejectedError')).toBe('UpstreamRejectedError');
    expect(redactPii('name', 'Jane Error')).toBe(REDACTED);
  });

  it.each(['sku', 'orderId', 'status', 'carrierName', 'productName', 'quantity'])('keeps %s', (key) => {
    expect(redactPii(key, 'value')).toBe('value');
  });
});
