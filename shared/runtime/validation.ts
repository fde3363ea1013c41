import type { z } from 'zod';
import { type FieldIssue, ValidationError } from './errors';

/** Zod issues as the hub reports them: a dotted field path (or `(root)`) and the reason. */
export const fieldIssues = (error: z.ZodError): FieldIssue[] =>
  error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));

/**
 * Parses `input` with `schema` or throws a `ValidationError` whose message names every failing field,
 * e.g. `invalid order event: payload.id: expected number, received string`.
 */
export const parseWith = <S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  throw new ValidationError(`invalid ${what}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
};
