import { z } from 'zod';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { documentClient } from '../../shared/adapters/wiring';
import { EXCEPTION_TYPES, OWNERS } from '../../shared/domain/exception-types';
import { parseEnv } from '../../shared/runtime/env';
import { httpHandler } from '../../shared/runtime/handler';
import { jsonResponse } from '../../shared/runtime/http-errors';
import { parseWith } from '../../shared/runtime/validation';

const env = parseEnv(z.object({ EXCEPTIONS_TABLE: z.string().min(1) }));
const exceptions = new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE);

/** The query of `GET /ops/exceptions`, as `npx hub exceptions` takes it. */
const querySchema = z.object({
  type: z.enum(Object.keys(EXCEPTION_TYPES) as [keyof typeof EXCEPTION_TYPES]).optional(),
  owner: z.enum(OWNERS).optional(),
  status: z.enum(['open', 'resolved']).optional(),
});

/**
 * `GET /ops/exceptions?type=&owner=&status=`: the exceptions list as read-only JSON, most recently seen first, for
 * dashboards and scripts. The route needs IAM (SigV4) authorisation; a bad filter is a 400 naming it.
 */
export const handler = httpHandler(async (event) => {
  const filter = parseWith(querySchema, event.queryStringParameters ?? {}, 'query');
  return jsonResponse(200, { exceptions: await exceptions.list(filter) });
});
