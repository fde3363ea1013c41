import { parseArgs } from 'node:util';
import { resolveStage } from '../lib/config/stages';
import { ConfigError, HubError } from '../shared/runtime/errors';
import { writeLocalHubFile } from './commands/target';
import { type PeerName, startHub } from './hub/hub';
import { LOCAL_REGION } from './hub/intrinsics';
import { parsePeers, readPeersFile } from './hub/peers';

/**
 * `npm start [-- --peer scayle=<url> …] [--stage-overrides <json>] [--speed N]`: runs the local hub until
 * SIGINT/SIGTERM, then stops everything it started. Prints one line `hub ready {json}` naming the URLs once it is
 * ready. A `--peer` makes that peer a real endpoint (credentials from the environment or `.hub/peers.json`, see
 * `hub/peers.ts`); `--stage-overrides` sets what its tenant needs on top of the dev stage (shops, session, profile).
 * A bad argument, config or missing credential ends it with one line and exit code 2 before anything starts.
 */
/** The `--stage-overrides` JSON, or a ConfigError saying it is not JSON. */
const jsonOf = (text: string): Record<string, unknown> => {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`--stage-overrides is not JSON: ${(error as Error).message}`);
  }
};

const options = (() => {
  try {
    const { values } = parseArgs({
      options: {
        speed: { type: 'string', default: '1' },
        peer: { type: 'string', multiple: true, default: [] },
        'stage-overrides': { type: 'string' },
      },
    });
    const text = values['stage-overrides'];
    // A real peer's tenant is not the dev stage's: its shops, session, profile ... come with it. Checked now, whole.
    const stageOverrides = text === undefined ? undefined : jsonOf(text);
    if (stageOverrides) resolveStage('dev', stageOverrides);
    return {
      speed: Number(values.speed),
      peers: parsePeers(values.peer, process.env, readPeersFile()),
      ...(stageOverrides ? { stageOverrides } : {}),
    };
  } catch (error) {
    // parseArgs throws plain TypeErrors with a code (an unknown option, a missing value); both are the user's to fix.
    if (!(error instanceof HubError) && !(error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw error;
    console.error(`error: ${(error as Error).message}`);
    process.exit(2);
  }
})();

const started = Date.now();
const hub = await startHub({
  timeCompression: options.speed,
  peers: options.peers,
  ...(options.stageOverrides ? { stageOverrides: options.stageOverrides } : {}),
});
/** The URL the hub's functions call for a peer: the simulator's, or the real endpoint `--peer` named. */
const peerOf = (name: PeerName) => {
  const real = options.peers?.[name];
  return real ? { url: real.url, real: true } : { url: hub.urls[name], real: false };
};
const peers = { scayle: peerOf('scayle'), orderwise: peerOf('orderwise'), amazon: peerOf('amazon') };
const ready = {
  api: hub.urls.api,
  // The flat keys stay for whatever already reads the line (test/e2e/local-hub.test.ts); `peers` says which are real.
  scayle: peers.scayle.url,
  orderwise: peers.orderwise.url,
  amazon: peers.amazon.url,
  peers,
  logs: `${hub.workDir}/logs`,
  startedInMs: Date.now() - started,
  pid: process.pid,
};
const forget = writeLocalHubFile({
  pid: process.pid,
  region: LOCAL_REGION,
  endpoints: hub.endpoints,
  outputs: hub.outputs,
  config: hub.config,
});
console.log(`hub ready ${JSON.stringify(ready)}`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`hub stopping (${signal})`);
  forget();
  await hub.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
