import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from './errors';

/** A user name and password pair, as stored in Secrets Manager for each webhook sender. */
export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

// Hashing first gives both sides the same length, so timingSafeEqual never throws and the comparison time
// says nothing about how long the expected value is.
const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

const equalInConstantTime = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

/**
 * Checks an `Authorization: Basic ...` header against the expected credentials in constant time: one pair, or the
 * current and the previous pair while a rotation is under way (every pair is compared, whichever matches).
 * SCAYLE and OrderWise sign nothing, so this is the only proof the sender is who it says.
 * @throws UnauthorizedError when the header is missing, malformed or wrong.
 */
export const verifyBasicAuth = (
  header: string | undefined,
  expected: BasicCredentials | readonly BasicCredentials[],
): void => {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) throw new UnauthorizedError('missing or malformed Basic credentials in the Authorization header');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const username = colon >= 0 ? decoded.slice(0, colon) : decoded;
  const password = colon >= 0 ? decoded.slice(colon + 1) : '';
  // Every comparison always runs, so neither a wrong user name nor which pair matched shows in the time taken.
  const pairs = 'username' in expected ? [expected] : expected;
  const matches = pairs.map((pair) => {
    const userOk = equalInConstantTime(username, pair.username);
    const passwordOk = equalInConstantTime(password, pair.password);
    return userOk && passwordOk;
  });
  if (!matches.includes(true)) throw new UnauthorizedError('wrong credentials');
};

/** The header value a client sends for these credentials. */
export const basicAuthHeader = ({ username, password }: BasicCredentials): string =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
