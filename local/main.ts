import { parseArgs } from 'node:util';
import { startHub } from './hub/hub';

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
  logs: `${hub.workDir}/logs`,
  startedInMs: Date.now() - started,
};
console.log(`hub ready ${JSON.stringify(ready)}`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`hub stopping (${signal})`);
  await hub.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
