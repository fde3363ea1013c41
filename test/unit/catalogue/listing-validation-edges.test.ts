import { describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../../../shared/domain/listing-validation';

const SCHEMA = {
  $schema: 'https://schemas.amazon.com/selling-partners/definitions/product-types/meta-schema/v1',
  type: 'object',
  required: ['brand', 'color'],
  additionalProperties: false,
  properties: {
    brand: { type: 'array' },
    color: { type: 'array' },
    size: { type: 'array' },
  },
};

describe('validateAgainstSchema at the edges', () => {
  it('reports every attribute the schema refuses, not only the first', () => {
    expect(validateAgainstSchema('edges-1', SCHEMA, { size: [] })).toEqual([
      { attribute: 'brand', message: 'required by the product type but not produced' },
      { attribute: 'color', message: 'required by the product type but not produced' },
    ]);
  });

  it('names the listing as a whole when the schema refuses it at the top level', () => {
    expect(validateAgainstSchema('edges-2', SCHEMA, { brand: [], color: [], fabric: [] })).toEqual([
      { attribute: '(listing)', message: 'must NOT have additional properties' },
    ]);
  });
});
