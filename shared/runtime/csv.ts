import { stringify } from 'csv-stringify/sync';

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return before one): a
 * description, SKU or reason from a peer must never become one when finance opens the file [OWASP "CSV injection"].
 */
const FORMULA = /^[=+\-@\t\r]/;
/** A plain decimal number: the only cells that may start with `-` unchanged (credits, negative differences). */
const NUMBER = /^-?\d+(\.\d+)?$/;

/** A text cell made inert: a leading `'` keeps a spreadsheet from reading it as a formula. */
export const inertCell = (text: string): string => (FORMULA.test(text) && !NUMBER.test(text) ? `'${text}` : text);

/** Reads a cell written by {@link toCsv} back as it was: the `'` it put before a formula character comes off. */
export const fromInertCell = (text: string): string => (/^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text);

/**
 * Every CSV the hub writes (money check report, settlement journal, catalogue export): RFC 4180 by the maintained
 * `csv-stringify` (a field with a comma, quote or line break quoted, quotes doubled; a field with leading or trailing
 * space quoted too, so an importer keeps it), `\n` line ends and a final one, and every text cell made inert.
 */
export const toCsv = (header: readonly string[], rows: readonly (readonly (string | number | undefined)[])[]): string =>
  stringify([header, ...rows], {
    record_delimiter: 'unix',
    quoted_match: /^\s|\s$/,
    cast: { string: inertCell, number: String },
  });
