import { parseArgs } from 'node:util';
import { writeLocalHubFile } from './commands/target';
import { startHub } from './hub/hub';
import { LOCAL_REGION } from './hub/intrinsics';

/**
 * `npm start`: runs the local hub until SIGINT/SIGTERM, then stops everything it started. Prints one line
 * `hub ready {json}` naming the URLs once it is ready.
 */
const { values } = parseArgs({ options: { speed: { type: 'string', default: '1' } } });
const started = Date.now();
const hub = await startHub({ timeCompression: Number(values.speed) });
const ready = {
  api: hub.urls.api,
  scayle: hub.urls.scayle,
  orderwise: hub.urls.orderwise,
  amazon: hub.urls.amazon,
  logs: `${hub.workDir}/logs`,
  startedInMs: Date.now() - started,
  pid: process.pid,
};
const forget = writeLocalHubFile({
  pid: process.pid,
  region: LOCAL_REGION,
  endpoints: hub.endpoints,
  outputs: hub.outputs,
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
