import { Worker } from 'node:worker_threads';
import { readdirSync } from 'node:fs';
process.setSourceMapsEnabled(true);
const dir = process.argv[2];
const bundle = `${dir}/OrdersOrderEventsA7CD0BA0/index.mjs`;
const run = async (code) => {
  const t0 = process.cpuUsage(); const w0 = Date.now();
  for (let i = 0; i < 5; i++) {
    const w = new Worker(code, { eval: true, execArgv: [] });
    await new Promise((r) => w.on('message', r));
    await w.terminate();
  }
  const c = process.cpuUsage(t0);
  return `wall ${(Date.now() - w0) / 5} cpu ${(c.user + c.system) / 5000}`;
};
console.log('bundle', await run(`import('${bundle}').catch(() => 0).then(() => require('node:worker_threads').parentPort.postMessage(1))`));
