import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { z } from 'zod';
import { ConfigError } from '../../runtime/errors';
import { fieldIssues } from '../../runtime/validation';

/** How long a secret is reused before it is read again, so a rotation is picked up within this time. */
export const SECRET_MAX_AGE_SECONDS = 300;

/**
 * Reads a JSON secret by name from Secrets Manager and validates it. Values are cached per container by
 * Powertools Parameters for `SECRET_MAX_AGE_SECONDS`, so a warm function does not call Secrets Manager per request.
 * @throws ConfigError naming the secret and its bad fields (never their values) when the secret has the wrong shape.
 */
export const readSecret = async <S extends z.ZodType>(name: string, schema: S): Promise<z.output<S>> => {
  const value = await getSecret(name, { transform: 'json', maxAge: SECRET_MAX_AGE_SECONDS });
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  throw new ConfigError(`secret ${name} is not valid: ${issues.map((i) => i.field).join(', ')}`, issues);
};
