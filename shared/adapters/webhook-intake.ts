import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { z } from 'zod';
import type { ExceptionSink } from '../ports';
import { verifyBasicAuth } from '../runtime/basic-auth';
import { PermanentError } from '../runtime/errors';
import { count } from '../runtime/metrics';
import type { ObjectStore } from './aws/object-store';
import { readSecret } from './aws/secrets';

const pair = z.object({
  username: z.string().min(1),
  password: z.string().min(16, 'must be at least 16 characters: a long random string'),
});

/**
 * A webhook sender's secret: one `{username, password}`, or `{current, previous?}` while a rotation is under way, so
 * the sender can move to the new pair at its own pace without a window of 401s; drop `previous` once it has.
 */
export const webhookCredentialsSchema = z
  .union([pair, z.object({ current: pair, previous: pair.optional() })])
  .transform((secret) =>
    'current' in secret ? [secret.current, ...(secret.previous ? [secret.previous] : [])] : [secret],
  );

/** A request header, whatever case the sender wrote its name in. */
export const headerOf = (event: APIGatewayProxyEvent, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1] ?? undefined;

/** Settings of one inbound webhook route. */
export interface WebhookIntakeOptions {
  /** Names the route in `rejected/<source>/` keys, the PAYLOAD_REJECTED key and logs, e.g. `scayle-webhook`. */
  readonly source: string;
  /** Secrets Manager name of the sender's Basic credentials. */
  readonly secretName: string;
  /** Where rejected bodies are kept (the data bucket). */
  readonly store: ObjectStore;
  readonly exceptions: ExceptionSink;
}

/**
 * What every inbound webhook route does before its own work: the sender's Basic credentials checked in constant
 * time against Secrets Manager, the raw body decoded, and a body that fails to parse kept as sent under
 * `rejected/<source>/<date>/<request id>.body` with a PAYLOAD_REJECTED exception, so nothing is lost.
 */
export class WebhookIntake {
  constructor(private readonly options: WebhookIntakeOptions) {}

  /**
   * Authenticates the request and parses its raw body with `parse`.
   * @throws UnauthorizedError before anything is stored; the parse error (a 4xx naming the field) after keeping the body.
   */
  async accept<T>(event: APIGatewayProxyEvent, context: Context, parse: (raw: string) => T): Promise<T> {
    verifyBasicAuth(
      headerOf(event, 'authorization'),
      await readSecret(this.options.secretName, webhookCredentialsSchema),
    );
    const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    try {
      return parse(raw);
    } catch (error) {
      if (error instanceof PermanentError) await this.#keep(raw, headerOf(event, 'content-type'), context, error);
      throw error;
    }
  }

  async #keep(raw: string, contentType: string | undefined, context: Context, error: PermanentError): Promise<void> {
    const { source, store, exceptions } = this.options;
    const key = `rejected/${source}/${new Date().toISOString().slice(0, 10)}/${context.awsRequestId}.body`;
    // Stored as text, whatever the sender said it was: the bytes are what matters, the claimed type is metadata.
    await store.put(key, raw, 'text/plain; charset=utf-8', {
      reason: error.message.slice(0, 1_000),
      'original-content-type': (contentType ?? 'none').slice(0, 200),
    });
    await exceptions.raise('PAYLOAD_REJECTED', source, { s3Key: key, reason: error.message });
    count('WebhooksRejected');
  }
}
