import { z } from 'zod';
import { ConfigError } from './errors';
import { fieldIssues } from './validation';

/**
 * Parses the function's environment once, at cold start. A missing or malformed variable fails the container
 * before it takes any work, with every bad variable named, instead of failing the first message halfway through.
 * Business code receives the parsed object and never reads `process.env` itself.
 */
export const parseEnv = <S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> => {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  throw new ConfigError(
    `environment is not valid: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    issues,
  );
};

/** An environment variable holding JSON that `schema` validates (`'{}'` when absent, if `fallback` is given). */
export const jsonEnv = <S extends z.ZodType>(schema: S, fallback?: string) =>
  (fallback === undefined ? z.string() : z.string().default(fallback))
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
