/**
 * Checks listing attributes against the JSON Schema Amazon's Product Type Definitions API links to, before
 * anything is sent. Amazon's schemas extend JSON Schema 2019-09 with keywords of their own (`editable`,
 * `selectors`, `maxUniqueItems` ...), which Ajv ignores in non-strict mode; Amazon's meta-schema is not fetched, so
 * the schema is compiled without checking it against that.
 */
import Ajv2019, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';

/** One attribute an Amazon schema refuses, with the reason in words. */
export interface SchemaViolation {
  readonly attribute: string;
  readonly message: string;
}

const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false, addUsedSchema: false });
const compiled = new Map<string, ValidateFunction>();

/** The attribute an Ajv error is about: the missing property, or the first segment of the path. */
const attributeOf = (error: ErrorObject): string => {
  const [, first] = error.instancePath.split('/');
  if (first) return first;
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  return missing ?? '(listing)';
};

const messageOf = (error: ErrorObject): string => {
  if (error.keyword === 'required') return 'required by the product type but not produced';
  const where = error.instancePath.split('/').slice(2).join('/');
  return `${where ? `${where} ` : ''}${error.message ?? 'is not valid'}`;
};

/**
 * Validates `attributes` against a product type schema; `key` names the schema version (product type and Amazon's
 * checksum) so each is compiled once per container. Violations come one per attribute and reason.
 */
export const validateAgainstSchema = (
  key: string,
  schema: Record<string, unknown>,
  attributes: Readonly<Record<string, unknown>>,
): SchemaViolation[] => {
  let validate = compiled.get(key);
  if (!validate) {
    const { $schema: _meta, $id: _id, ...body } = schema;
    validate = ajv.compile(body);
    compiled.set(key, validate);
  }
  if (validate(attributes)) return [];
  const seen = new Set<string>();
  const violations: SchemaViolation[] = [];
  for (const error of validate.errors ?? []) {
    // if/then wrappers repeat what the inner error already says.
    if (error.keyword === 'if' || error.keyword === 'allOf') continue;
    const violation = { attribute: attributeOf(error), message: messageOf(error) };
    const id = `${violation.attribute}|${violation.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    violations.push(violation);
  }
  return violations;
};
