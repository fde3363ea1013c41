/** A JSON value that is an object (not an array, not null). */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const jsonTypeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/** Why a request body does not fit its sample; `field` is absent when the body as a whole is wrong. */
export interface BodyProblem {
  readonly field?: string;
  readonly message: string;
}

/**
 * Measures a request body against the vendor's sample of it: every top-level field of the sample must be there
 * (but those the vendor documents as optional) with the same JSON type. Extra fields pass, and so does any type where the sample shows `null`, because the
 * sample says nothing more; deeper levels are not checked, so the peer is no stricter than its evidence.
 */
export const bodyProblem = (
  body: unknown,
  sample: Record<string, unknown>,
  optional: readonly string[] = [],
): BodyProblem | undefined => {
  if (!isJsonObject(body)) return { message: 'The request body must be a JSON object' };
  for (const [field, example] of Object.entries(sample)) {
    if (!(field in body)) {
      if (optional.includes(field)) continue;
      return { field, message: `The field "${field}" is required` };
    }
    const expected = jsonTypeOf(example);
    const actual = jsonTypeOf(body[field]);
    if (expected !== 'null' && actual !== expected) {
      return { field, message: `The field "${field}" must be of type ${expected}, got ${actual}` };
    }
  }
  return undefined;
};
