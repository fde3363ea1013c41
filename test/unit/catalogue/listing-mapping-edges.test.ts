import { describe, expect, it } from 'vitest';
import {
  applyRules,
  attributeRuleSchema,
  describeRule,
  type MappingSource,
  valuesAt,
} from '../../../shared/domain/listing-mapping';

const UK = { id: 'A1F83G8C2ARO7P', locale: 'en_GB', languageTag: 'en_GB' };

/** A product whose attributes are `attributes`, with one variant. */
const sourceWith = (attributes: Record<string, unknown>): MappingSource => ({
  master: { referenceKey: 'M-1', attributes: {} },
  product: { id: 1, referenceKey: 'P-1', name: 'Shirt', categories: [], attributes },
  variant: { id: 11, referenceKey: 'P-1-M', attributes: {} },
});

/** What one rule makes of `attributes`: its values, or the message of its problem. */
const outcomeOf = (rule: unknown, attributes: Record<string, unknown>) => {
  const { attributes: computed, problems } = applyRules(
    { x: attributeRuleSchema.parse(rule) },
    sourceWith(attributes),
    UK,
  );
  return problems[0]?.message ?? computed.x?.map((v) => (v as { value: unknown }).value);
};

describe('valuesAt at the edges', () => {
  it('finds nothing below a null, below a text, or at * of something that is not a list', () => {
    const source = sourceWith({ gone: null, name: 'Shirt' });

    expect(valuesAt(source, 'product.attributes.gone.size', 'en_GB')).toEqual([]);
    expect(valuesAt(source, 'product.attributes.name.size', 'en_GB')).toEqual([]);
    expect(valuesAt(source, 'product.attributes.name.*', 'en_GB')).toEqual([]);
  });

  it('drops null and empty values', () => {
    expect(valuesAt(sourceWith({ list: [null, '', 'kept'] }), 'product.attributes.list', 'en_GB')).toEqual(['kept']);
  });

  it('reads a value as localized only when every key of it is a locale', () => {
    const mixed = { en_GB: 'Black', code: 'BLK' };
    const source = sourceWith({ mixed, none: {} });

    expect(valuesAt(source, 'product.attributes.mixed', 'en_GB')).toEqual([mixed]);
    expect(valuesAt(source, 'product.attributes.none', 'en_GB')).toEqual([{}]);
  });
});

describe('applyRules at the edges', () => {
  it('copies a yes/no attribute as text', () => {
    expect(outcomeOf({ rule: 'copy', from: 'product.attributes.organic' }, { organic: true })).toEqual(['true']);
  });

  it('refuses to copy a list in which any value is structured', () => {
    expect(outcomeOf({ rule: 'copy', from: 'product.attributes.list' }, { list: ['plain', { a: 1 }] })).toBe(
      'product.attributes.list is structured; use join with a template',
    );
  });

  it('says a structured value is not in the value table', () => {
    const rule = { rule: 'map', from: 'product.attributes.fit', values: { slim: 'Slim' } };

    expect(outcomeOf(rule, { fit: { a: 1 } })).toBe(
      "product.attributes.fit is '(structured)', which the value table lacks",
    );
  });

  it('says a missing measure has no value rather than that it is not a number', () => {
    const rule = { rule: 'convert', from: 'product.attributes.weight', fromUnit: 'grams', toUnit: 'kilograms' };

    expect(outcomeOf(rule, {})).toBe('product.attributes.weight has no value');
  });

  it('refuses a template whose field is empty', () => {
    const rule = {
      rule: 'join',
      from: ['product.attributes.parts'],
      template: '{fraction}% {material}',
      separator: ', ',
    };

    expect(outcomeOf(rule, { parts: [{ fraction: 70, material: '' }] })).toBe(
      "product.attributes.parts lacks a field the template '{fraction}% {material}' names",
    );
  });

  it('describes a constant rule with its value', () => {
    expect(describeRule(attributeRuleSchema.parse({ rule: 'constant', value: 'Northwind' }))).toBe(
      'constant "Northwind"',
    );
  });
});
