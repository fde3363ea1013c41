import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { lwaCredentialsSchema } from '../../shared/adapters/amazon/client';
import { orderwiseCredentialsSchema } from '../../shared/adapters/orderwise/client';
import { scayleCredentialsSchema } from '../../shared/adapters/scayle/client';
import { ConfigError } from '../../shared/runtime/errors';
import type { HubOptions, PeerName, RealPeer } from './hub';

/** Where the credentials of real peers may be kept on this machine, out of git (`.gitignore` has `.hub/`). */
export const PEERS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.hub/peers.json');

/** The file's name as a user sees it in messages, not this machine's absolute path. */
const FILE_NAME = '.hub/peers.json';

/**
 * Each peer's secret as the hub's functions read it (the adapters' own schemas, so a credential accepted here is one
 * the client accepts), with the environment variable that gives each field. Amazon's `tokenUrl` has a variable too but
 * is no part of the secret (its schema drops it): it goes to the stage config as `RealPeer.tokenUrl`.
 */
const PEERS = {
  scayle: {
    title: 'SCAYLE',
    secret: scayleCredentialsSchema,
    variables: { accessToken: 'SCAYLE_ACCESS_TOKEN' },
  },
  orderwise: {
    title: 'OrderWise',
    secret: orderwiseCredentialsSchema,
    variables: { username: 'ORDERWISE_USERNAME', password: 'ORDERWISE_PASSWORD' },
  },
  amazon: {
    title: 'Amazon',
    secret: lwaCredentialsSchema,
    variables: {
      clientId: 'AMAZON_LWA_CLIENT_ID',
      clientSecret: 'AMAZON_LWA_CLIENT_SECRET',
      refreshToken: 'AMAZON_LWA_REFRESH_TOKEN',
      tokenUrl: 'AMAZON_LWA_TOKEN_URL',
    },
  },
} as const satisfies Record<PeerName, unknown>;

const peerNameSchema = z.enum(Object.keys(PEERS) as [PeerName, ...PeerName[]]);
const urlSchema = z.url({ protocol: /^https?$/ });

/** A peer's entry in the file: any of its fields, and nothing else, so a misspelt field is named, not ignored. */
const fileEntryOf = (peer: PeerName) =>
  z.partialRecord(z.enum(Object.keys(PEERS[peer].variables) as [string, ...string[]]), z.string()).optional();

const fileSchema = z.strictObject({
  scayle: fileEntryOf('scayle'),
  orderwise: fileEntryOf('orderwise'),
  amazon: fileEntryOf('amazon'),
});

/** Zod's issues as one line: `where: why; …`. */
const oneLine = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');

/** The file's text checked against {@link fileSchema}; nothing stored when there is no file. */
const storedCredentials = (text: string | undefined): z.output<typeof fileSchema> => {
  if (text === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${FILE_NAME} is not JSON: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${FILE_NAME}: ${oneLine(parsed.error)}`);
  return parsed.data;
};

/** `name=url` of one `--peer`. */
const parseSpec = (spec: string): { name: PeerName; url: string } => {
  const cut = spec.indexOf('=');
  const name = peerNameSchema.safeParse(cut < 0 ? spec : spec.slice(0, cut));
  if (!name.success) {
    throw new ConfigError(`--peer ${spec}: the peer must be one of ${peerNameSchema.options.join(', ')} (name=url)`);
  }
  const url = urlSchema.safeParse(spec.slice(cut + 1));
  if (cut < 0 || !url.success) throw new ConfigError(`--peer ${spec}: ${name.data} needs an http(s) URL (name=url)`);
  return { name: name.data, url: url.data };
};

/** Where fields of a peer come from, as the user is told: the variables, or the file's fields. */
const sourcesOf = (peer: PeerName, fields: readonly string[]): string => {
  const variables: Readonly<Record<string, string>> = PEERS[peer].variables;
  const inFile = fields.map((field) => `${peer}.${field}`).join(', ');
  return `${fields.map((field) => variables[field]).join(', ')} (or ${inFile} in ${FILE_NAME})`;
};

/** One real peer from the environment, field by field, else the file; or what is missing or malformed. */
const realPeerOf = (
  { name, url }: { name: PeerName; url: string },
  env: Readonly<Record<string, string | undefined>>,
  stored: Readonly<Record<string, string | undefined>>,
): RealPeer | { problem: string } => {
  const { title, secret, variables } = PEERS[name];
  // An empty variable counts as unset: `export SCAYLE_ACCESS_TOKEN=` must not hide the file's value.
  const merged = Object.fromEntries(
    Object.entries(variables).map(([field, variable]) => [field, env[variable] || stored[field]]),
  );
  const credentials = secret.safeParse(merged);
  if (!credentials.success) {
    const missing = [...new Set(credentials.error.issues.map((issue) => String(issue.path[0])))];
    return { problem: `the real ${title} peer needs ${sourcesOf(name, missing)}` };
  }
  const { tokenUrl } = merged;
  if (tokenUrl === undefined) return { url, credentials: credentials.data };
  if (!urlSchema.safeParse(tokenUrl).success)
    return { problem: `${sourcesOf(name, ['tokenUrl'])} must be an http(s) URL` };
  return { url, credentials: credentials.data, tokenUrl };
};

/**
 * The real peers `npm start` was asked for (`--peer scayle=<url>`, repeatable), each with its credentials: from the
 * environment, field by field, else from `.hub/peers.json`. Everything is checked before the hub starts, so a missing
 * or malformed credential is one line naming the variable and the file's field, not a 401 from a function later.
 * @param args the values of `--peer`, each `name=url`
 * @param env the process environment
 * @param file the text of `.hub/peers.json`, undefined when there is none
 * @returns undefined when no peer is real
 * @throws ConfigError naming what to fix (every peer's problems on one line)
 */
export const parsePeers = (
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  file: string | undefined,
): HubOptions['peers'] => {
  if (args.length === 0) return undefined;
  const specs = args.map(parseSpec);
  const twice = specs.find((spec, i) => specs.findIndex((other) => other.name === spec.name) !== i);
  if (twice) throw new ConfigError(`--peer ${twice.name} is given more than once`);

  const stored = storedCredentials(file);
  const peers: Partial<Record<PeerName, RealPeer>> = {};
  const problems: string[] = [];
  for (const spec of specs) {
    const peer = realPeerOf(spec, env, stored[spec.name] ?? {});
    if ('problem' in peer) problems.push(peer.problem);
    else peers[spec.name] = peer;
  }
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return peers;
};

/** The text of `.hub/peers.json`, or undefined when there is none. */
export const readPeersFile = (file: string = PEERS_FILE): string | undefined =>
  existsSync(file) ? readFileSync(file, 'utf8') : undefined;
