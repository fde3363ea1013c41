// The codes only: the package's Node entry also loads the country names in every language it knows (a megabyte and a
// half of JSON each function bundle would carry and parse at every cold start), and no code here needs a name.
import countries from 'i18n-iso-countries/index.js';

/**
 * Country codes between the systems' forms: SCAYLE addresses use ISO 3166-1 alpha-3 (`DEU`) [V SDK
 * `CustomerAddress.countryCode`], while its shop countries, OrderWise and Amazon use alpha-2 (`DE`). The tables are
 * the maintained `i18n-iso-countries` package's, not a list of our own.
 */

/** The alpha-2 code of an alpha-3 (or alpha-2) code, upper case; undefined when it names no country. */
export const toAlpha2 = (code: string | null | undefined): string | undefined => {
  const upper = code?.trim().toUpperCase();
  if (!upper) return undefined;
  if (upper.length === 2) return countries.isValid(upper) ? upper : undefined;
  return countries.alpha3ToAlpha2(upper);
};

/** The alpha-3 code of an alpha-2 (or alpha-3) code, upper case; undefined when it names no country. */
export const toAlpha3 = (code: string | null | undefined): string | undefined => {
  const upper = code?.trim().toUpperCase();
  if (!upper) return undefined;
  if (upper.length === 3) return countries.isValid(upper) ? upper : undefined;
  return countries.alpha2ToAlpha3(upper);
};
