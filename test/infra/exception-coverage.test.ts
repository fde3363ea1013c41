import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exceptionTypes } from '../../shared/domain/exception-types';

const e2eDir = new URL('../e2e/', import.meta.url);
const e2eFiles = readdirSync(e2eDir)
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => ({ name, text: readFileSync(new URL(name, e2eDir), 'utf8') }));

/**
 * Whether `text` names `type` as a whole word: quoted (`'STOCK_DRIFT'`), in an exception id (`GHOST_ORDER#${id}`)
 * or in a pattern, but not inside a longer name. Naming is not raising: a file that only asserts a type is absent
 * counts too, so this is a tripwire for a type nobody wrote a scenario for, not proof that a scenario raises it.
 */
const names = (text: string, type: string): boolean => new RegExp(`(?<![A-Z0-9_])${type}(?![A-Z0-9_])`).test(text);

describe('end-to-end coverage of the exception catalogue', () => {
  it.each(exceptionTypes())('names %s in at least one end-to-end test file', (type) => {
    const naming = e2eFiles.filter((file) => names(file.text, type)).map((file) => file.name);
    expect(naming, `no test/e2e/*.test.ts names ${type}: add a scenario that raises it`).not.toEqual([]);
  });

  it('does not count a type whose name is only part of a longer one', () => {
    expect(names("'AMAZON_ORDER_REJECTED'", 'ORDER_REJECTED')).toBe(false);
    expect(names("'ORDER_REJECTED_TWICE'", 'ORDER_REJECTED')).toBe(false);
    expect(names("exceptions.get('GHOST_ORDER#' + id)", 'GHOST_ORDER')).toBe(true);
  });
});
