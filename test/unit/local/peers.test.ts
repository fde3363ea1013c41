import { describe, expect, it } from 'vitest';
import { parsePeers } from '../../../local/hub/peers';
import { ConfigError } from '../../../shared/runtime/errors';

const SCAYLE = 'https://acme-live.admin.api.scayle.cloud/api/admin/v1';
const SANDBOX = 'https://sandbox.sellingpartnerapi-eu.amazon.com';
const LWA = { AMAZON_LWA_CLIENT_ID: 'id', AMAZON_LWA_CLIENT_SECRET: 'secret', AMAZON_LWA_REFRESH_TOKEN: 'Atzr|r' };
const file = (json: unknown) => JSON.stringify(json);

/** The one line `npm start` would print, or undefined when the peers are accepted. */
const refusal = (args: string[], env: Record<string, string> = {}, text?: string): string | undefined => {
  try {
    parsePeers(args, env, text);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
};

describe('parsePeers', () => {
  it('makes no peer real without --peer, whatever the environment and the file hold', () => {
    expect(parsePeers([], { SCAYLE_ACCESS_TOKEN: 't' }, '{not json')).toBeUndefined();
  });

  it('gives each peer named its URL and its secret as the hub keeps it, and the others stay simulated', () => {
    expect(
      parsePeers(
        [`scayle=${SCAYLE}`, 'orderwise=http://127.0.0.1:8080/owapi', `amazon=${SANDBOX}`],
        { SCAYLE_ACCESS_TOKEN: 'tok', ORDERWISE_USERNAME: 'hub', ORDERWISE_PASSWORD: 'pw', ...LWA },
        undefined,
      ),
    ).toEqual({
      scayle: { url: SCAYLE, credentials: { accessToken: 'tok' } },
      orderwise: { url: 'http://127.0.0.1:8080/owapi', credentials: { username: 'hub', password: 'pw' } },
      amazon: { url: SANDBOX, credentials: { clientId: 'id', clientSecret: 'secret', refreshToken: 'Atzr|r' } },
    });
    expect(parsePeers([`scayle=${SCAYLE}`], { SCAYLE_ACCESS_TOKEN: 'tok', ...LWA }, undefined)).toEqual({
      scayle: { url: SCAYLE, credentials: { accessToken: 'tok' } },
    });
  });

  it('takes each field from the environment over the file, and from the file where the environment has none', () => {
    const stored = file({
      orderwise: { username: 'file-user', password: 'file-pw' },
      amazon: {
        clientId: 'file-id',
        clientSecret: 'file-secret',
        refreshToken: 'file-r',
        tokenUrl: 'https://lwa.file',
      },
    });
    const peers = parsePeers(
      ['orderwise=https://ow.example/owapi', `amazon=${SANDBOX}`],
      // An empty variable is unset, not an empty password.
      { ORDERWISE_USERNAME: 'env-user', ORDERWISE_PASSWORD: '', AMAZON_LWA_TOKEN_URL: 'https://lwa.env/token' },
      stored,
    );
    expect(peers?.orderwise?.credentials).toEqual({ username: 'env-user', password: 'file-pw' });
    expect(peers?.amazon).toEqual({
      url: SANDBOX,
      credentials: { clientId: 'file-id', clientSecret: 'file-secret', refreshToken: 'file-r' },
      tokenUrl: 'https://lwa.env/token',
    });
  });

  it('names the variable and the file field of every missing credential, on one line', () => {
    const message = refusal([`scayle=${SCAYLE}`, `amazon=${SANDBOX}`], { AMAZON_LWA_CLIENT_ID: 'id' });
    expect(message).toBe(
      'the real SCAYLE peer needs SCAYLE_ACCESS_TOKEN (or scayle.accessToken in .hub/peers.json); ' +
        'the real Amazon peer needs AMAZON_LWA_CLIENT_SECRET, AMAZON_LWA_REFRESH_TOKEN ' +
        '(or amazon.clientSecret, amazon.refreshToken in .hub/peers.json)',
    );
    expect(message).not.toContain('\n');
    expect(refusal([`scayle=${SCAYLE}`], {}, file({ scayle: { accessToken: '' } }))).toMatch(
      /^the real SCAYLE peer needs SCAYLE_ACCESS_TOKEN/,
    );
  });

  it('refuses a peer it does not know, a peer given twice, and a spec without name=url', () => {
    expect(refusal([`shopify=${SCAYLE}`])).toBe(
      `--peer shopify=${SCAYLE}: the peer must be one of scayle, orderwise, amazon (name=url)`,
    );
    expect(refusal(['scayle'])).toBe('--peer scayle: scayle needs an http(s) URL (name=url)');
    expect(refusal([`scayle=${SCAYLE}`, 'scayle=http://127.0.0.1:1'], { SCAYLE_ACCESS_TOKEN: 't' })).toBe(
      '--peer scayle is given more than once',
    );
  });

  it('refuses a URL that is not http(s), for the peer and for the LWA token', () => {
    for (const url of ['', 'acme.admin.api.scayle.cloud', 'ftp://acme.example/api', 'http://']) {
      expect(refusal([`scayle=${url}`], { SCAYLE_ACCESS_TOKEN: 't' })).toBe(
        `--peer scayle=${url}: scayle needs an http(s) URL (name=url)`,
      );
    }
    expect(refusal([`amazon=${SANDBOX}`], { ...LWA, AMAZON_LWA_TOKEN_URL: 'api.amazon.com/auth/o2/token' })).toBe(
      'AMAZON_LWA_TOKEN_URL (or amazon.tokenUrl in .hub/peers.json) must be an http(s) URL',
    );
  });

  it('refuses a file that is not JSON, names an unknown peer or a misspelt field in it', () => {
    const scayle = [`scayle=${SCAYLE}`];
    expect(refusal(scayle, {}, '{"scayle": ')).toMatch(/^\.hub\/peers\.json is not JSON: /);
    expect(refusal(scayle, {}, file({ shopify: {} }))).toBe('.hub/peers.json: (root): Unrecognized key: "shopify"');
    expect(refusal(scayle, { SCAYLE_ACCESS_TOKEN: 't' }, file({ scayle: { acessToken: 'x' } }))).toBe(
      '.hub/peers.json: scayle: Unrecognized key: "acessToken"',
    );
  });
});
