/** Money inside the hub: integer minor units with an ISO 4217 currency code. */
export interface Money {
  readonly amountMinor: number;
  readonly currency: string;
}

/**
 * Renders minor units as a decimal string with two decimals and a dot (`-1234.50`), the form OrderWise and
 * SP-API take. Integers only: the hub never stores fractions of a minor unit.
 */
export const toDecimal = (minor: number): string => {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${minor} is not a whole number of minor units`);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

/**
 * Parses a dot-decimal string such as `"11.01"` or `"-3.5"` (SP-API `Amount`, OrderWise values) into minor
 * units without floating-point arithmetic. More than two decimals is refused: it would lose money silently.
 */
export const fromDecimal = (value: string): number => {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) throw new RangeError(`'${value}' is not a decimal amount with at most two decimals`);
  const [, sign, whole, fraction = ''] = match;
  const minor = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return sign ? -minor : minor;
};

/** Sum of minor-unit amounts. */
export const sum = (amounts: readonly number[]): number => amounts.reduce((total, amount) => total + amount, 0);
