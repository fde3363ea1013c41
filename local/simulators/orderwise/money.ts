/**
 * Money as the OW API carries it: dot-decimal strings with at most two decimals (`"11.01"`, `"-3.50"`) [O §2.3
 * order lines and prices], held by the simulator as whole minor units so no floating-point error creeps in.
 */

/** A decimal amount with at most two decimals, as OrderWise accepts it. */
export const DECIMAL_AMOUNT = /^-?\d+(\.\d{1,2})?$/;

/** Whole minor units as a two-decimal string (`-1234.50`). */
export const toDecimal = (minor: number): string => {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${minor} is not a whole number of minor units`);
  const abs = Math.abs(minor);
  return `${minor < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

/** A decimal string (`"11.01"`, `"-3.5"`, `"7"`) as whole minor units, by string arithmetic. */
export const fromDecimal = (value: string): number => {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) throw new RangeError(`'${value}' is not a decimal amount with at most two decimals`);
  const [, sign, whole, fraction = ''] = match;
  const minor = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return sign ? -minor : minor;
};
