/**
 * Local hub start-up benchmark: `npx tsx test/bench/hub-startup.bench.ts`.
 *
 * Starts the local hub as `npm start` does, once cold (no template or launcher cache in .hub/cache, as on a
 * fresh clone) and twice warm, and reports the time to ready. Exits non-zero when the cold start exceeds the
 * 30 s the local hub promises.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHub } from '../../local/hub/hub';

const TARGET_MS = 30_000;
const cache = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.hub/cache');

const timeToReady = async (): Promise<number> => {
  const started = Date.now();
  const hub = await startHub();
  const ready = Date.now() - started;
  await hub.stop();
  return ready;
};

rmSync(cache, { recursive: true, force: true });
const cold = await timeToReady();
const warm = [await timeToReady(), await timeToReady()];
console.table({
  'cold (fresh clone)': { 'ms to ready': cold },
  'warm (cached templates)': { 'ms to ready': Math.min(...warm) },
});
console.table([
  {
    check: 'cold start to ready',
    value: `${cold} ms`,
    target: `< ${TARGET_MS} ms`,
    met: cold < TARGET_MS ? 'yes' : 'NO',
  },
]);
if (cold >= TARGET_MS) process.exitCode = 1;
