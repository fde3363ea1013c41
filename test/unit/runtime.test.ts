import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { webhookCredentialsSchema } from '../../shared/adapters/webhook-intake';
import { basicAuthHeader, verifyBasicAuth } from '../../shared/runtime/basic-auth';
import { parseEnv } from '../../shared/runtime/env';
import {
  ConditionFailedError,
  ConfigError,
  isRetryable,
  NotFoundError,
  PayloadTooLargeError,
  ThrottledError,
  TimeoutError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  UpstreamError,
  UpstreamRejectedError,
  ValidationError,
} from '../../shared/runtime/errors';
import { toHttpResponse } from '../../shared/runtime/http-errors';
import { parseWith } from '../../shared/runtime/validation';

describe('toHttpResponse', () => {
  it.each([
    [new ValidationError('bad', [{ field: 'payload.id', message: 'required' }]), 400],
    [new UnauthorizedError('who'), 401],
    [new NotFoundError('none'), 404],
    [new ConditionFailedError('taken', undefined), 409],
    [new PayloadTooLargeError('big'), 413],
    [new UnsupportedMediaTypeError('xml'), 415],
    [new ThrottledError('slow down', 3_000), 503],
    [new UpstreamError('peer down', 502), 500],
    [new Error('bug'), 500],
  ])('answers %o with %i', (error, status) => {
    expect(toHttpResponse(error).statusCode).toBe(status);
  });

  it('names the failing fields of a validation error', () => {
    const response = toHttpResponse(
      new ValidationError('invalid event', [{ field: 'payload.id', message: 'required' }]),
    );
    expect(JSON.parse(response.body)).toEqual({
      error: 'ValidationError',
      message: 'invalid event',
      issues: [{ field: 'payload.id', message: 'required' }],
    });
  });

  it('never echoes the internals of an unexpected error', () => {
    const body = JSON.parse(toHttpResponse(new Error('connection string postgres://secret')).body);
    expect(body.error).toBe('InternalError');
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('asks for Basic credentials on a 401 and says when to come back on a 503', () => {
    expect(toHttpResponse(new UnauthorizedError('x')).headers).toMatchObject({
      'www-authenticate': 'Basic realm="scayle-hub"',
    });
    expect(toHttpResponse(new ThrottledError('x', 2_500)).headers).toMatchObject({ 'retry-after': '3' });
  });
});

describe('isRetryable', () => {
  it('retries timeouts, throttling, peer outages and unknown errors, and nothing permanent', () => {
    expect(isRetryable(new TimeoutError('t'))).toBe(true);
    expect(isRetryable(new ThrottledError('t'))).toBe(true);
    expect(isRetryable(new UpstreamError('t'))).toBe(true);
    expect(isRetryable(new TypeError('bug'))).toBe(true);
    expect(isRetryable(new ValidationError('v'))).toBe(false);
    expect(isRetryable(new UpstreamRejectedError('r', 400))).toBe(false);
  });
});

describe('parseWith', () => {
  const schema = z.object({ event: z.string(), payload: z.object({ id: z.number() }) });

  it('returns the parsed value', () => {
    expect(parseWith(schema, { event: 'e', payload: { id: 1 } }, 'webhook')).toEqual({
      event: 'e',
      payload: { id: 1 },
    });
  });

  it('names every failing field with its dotted path', () => {
    const error = (() => {
      try {
        parseWith(schema, { payload: { id: 'x' } }, 'webhook');
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.issues.map((i) => i.field)).toEqual(['event', 'payload.id']);
    expect(error?.message).toMatch(/^invalid webhook: event: .+; payload.id: /);
  });
});

describe('parseEnv', () => {
  const schema = z.object({ LEDGER_TABLE: z.string().min(1), BATCH: z.coerce.number().int() });

  it('parses the environment once into typed settings', () => {
    expect(parseEnv(schema, { LEDGER_TABLE: 'ledger', BATCH: '10' })).toEqual({ LEDGER_TABLE: 'ledger', BATCH: 10 });
  });

  it('fails at cold start naming every missing or malformed variable', () => {
    expect(() => parseEnv(schema, { BATCH: 'ten' })).toThrow(ConfigError);
    expect(() => parseEnv(schema, { BATCH: 'ten' })).toThrow(/LEDGER_TABLE: .*; BATCH: /);
  });
});

describe('verifyBasicAuth', () => {
  const expected = { username: 'scayle', password: 's3cret:with:colons' };

  it('accepts the right credentials, colons in the password included', () => {
    expect(() => verifyBasicAuth(basicAuthHeader(expected), expected)).not.toThrow();
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Bearer abc'],
    ['garbage', 'Basic !!!'],
    ['wrong password', basicAuthHeader({ username: 'scayle', password: 'nope' })],
    ['wrong user', basicAuthHeader({ username: 'orderwise', password: expected.password })],
    ['empty credentials', basicAuthHeader({ username: '', password: '' })],
  ])('refuses %s', (_, header) => {
    expect(() => verifyBasicAuth(header, expected)).toThrow(UnauthorizedError);
  });

  it('accepts the current or the previous pair during a rotation, and refuses a pair that is neither', () => {
    const current = { username: 'scayle', password: 'the-new-long-password' };
    const previous = { username: 'scayle', password: 'the-old-long-password' };

    expect(() => verifyBasicAuth(basicAuthHeader(current), [current, previous])).not.toThrow();
    expect(() => verifyBasicAuth(basicAuthHeader(previous), [current, previous])).not.toThrow();
    expect(() => verifyBasicAuth(basicAuthHeader(previous), [current])).toThrow(UnauthorizedError);
    expect(() =>
      verifyBasicAuth(basicAuthHeader({ username: 'scayle', password: 'the-new-old-password' }), [current, previous]),
    ).toThrow(UnauthorizedError);
  });
});

describe('webhookCredentialsSchema', () => {
  const pair = { username: 'scayle', password: 'a-long-random-string' };

  it('reads one pair, or the current and previous pairs of a rotation, as the pairs to accept', () => {
    expect(webhookCredentialsSchema.parse(pair)).toEqual([pair]);
    const next = { username: 'scayle', password: 'another-long-random-one' };
    expect(webhookCredentialsSchema.parse({ current: next, previous: pair })).toEqual([next, pair]);
    expect(webhookCredentialsSchema.parse({ current: next })).toEqual([next]);
  });

  it('refuses a password shorter than 16 characters', () => {
    const result = webhookCredentialsSchema.safeParse({ username: 'scayle', password: 'short' });
    expect(result.error?.issues.map((i) => i.message)).toContain(
      'must be at least 16 characters: a long random string',
    );
  });
});
