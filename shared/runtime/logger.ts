import { Logger } from '@aws-lambda-powertools/logger';

/** What a redacted value is replaced with in the logs. */
export const REDACTED = '[REDACTED]';

// Keys (compared lower-case, without separators) whose values identify a person. Objects under an
// address-like key are dropped whole: street, name and phone travel together there. A bare `name` goes too: Amazon's
// ShippingAddress carries the buyer as `Name`, and a product or carrier name logged under it is no loss.
const personKey =
  /^(first|last|full|middle|buyer|customer|delivery|recipient|statement|contact|billing|shipping|invoice)?name$|email|phone|telephone|mobile|fax|address|street|postcode|postalcode|zipcode|^(city|town|county)$|^buyerinfo$/;
const emailInText = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/**
 * JSON replacer that removes personal data (names, e-mail addresses, postal addresses, phone numbers) from every
 * log line. Order payloads from SCAYLE, OrderWise and Amazon carry all four; the logs must not.
 */
export const redactPii = (key: string, value: unknown): unknown => {
  // An error's class name (`name: 'UpstreamError'`) is what a log line is read for, never a person's.
  if (key === 'name' && typeof value === 'string' && /^[A-Z]\w*Error$/.test(value)) return value;
  if (key !== '' && personKey.test(key.toLowerCase().replace(/[^a-z0-9]/g, ''))) {
    return value === null || value === undefined ? value : REDACTED;
  }
  if (typeof value === 'string') return value.replace(emailInText, REDACTED);
  return value;
};

/** Builds a Powertools logger that redacts personal data; the service name comes from POWERTOOLS_SERVICE_NAME. */
export const makeLogger = (options: { serviceName?: string } = {}): Logger =>
  new Logger({ ...options, jsonReplacerFn: redactPii });

/** The one logger of a Lambda container. */
export const logger = makeLogger();
