/**
 * `hub demo`: a scripted, seeded trading day through all eleven loops on the local hub, with a summary per loop,
 * one line per business invariant and a self-contained HTML report. The day itself is in `demo/`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../shared/runtime/errors';
import { planDay } from './demo/plan';
import { readRunbook, renderDemoHtml } from './demo/report-html';
import { renderDemoReport } from './demo/report-text';
import { DEFAULT_ORDERS, DEFAULT_SEED, type DemoOptions, type DemoReport, runDemo } from './demo/run';
import { type HubOptions, startHub } from './hub/hub';

export type { InvariantResult, LoopNumber, TimelineEntry } from './demo/day-log';
export { LOOP_NAMES } from './demo/day-log';
export { planDay } from './demo/plan';
export { renderDemoReport } from './demo/report-text';
export type { DemoException, DemoOptions, DemoReport, LoopSummary } from './demo/run';
export { runDemo } from './demo/run';

/**
 * The hub the demo runs on: time 60 times faster (a minute's schedule every second; the Amazon loops' rate limits
 * follow) and the schedules the day relies on: the Amazon stock push, the getOrders safety net and the monitors.
 * The stock pull and reconcile, the despatch pull and the daily catalogue sync stay off, so each change reaches the
 * hub through its event path and a broken path shows; the day runs the settlement fetch and the money check itself,
 * as their schedules would.
 */
export const DEMO_HUB_OPTIONS = {
  timeCompression: 60,
  schedules: { amazonStockPush: true, amazonOrderPoll: true, monitors: true },
  // Windows of seconds: the planted ghost is raised half a minute after it is first seen; a parcel that SCAYLE or
  // Amazon has not acknowledged within a minute fails its execution. Shorter windows raise false alarms while the
  // hub's functions cold-start on a busy machine.
  stageOverrides: { windows: { ghostOrderMinutes: 0.5, fulfilmentAckMinutes: 1, amazonConfirmationAckMinutes: 1 } },
} as const satisfies HubOptions;

/** Writes the HTML report next to the hub's logs; returns its path. */
export const writeDemoReport = (workDir: string, report: DemoReport): string => {
  const file = path.join(workDir, 'demo-report.html');
  writeFileSync(file, renderDemoHtml(report, readRunbook()));
  return file;
};

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * `hub demo`: starts a local hub under `.hub/demo/<time>/` (kept afterwards: its logs and the report), runs the
 * trading day, prints the summary and the invariants, writes the HTML report, stops the hub. True when every
 * invariant held.
 */
export const demo = async (options: DemoOptions = {}): Promise<boolean> => {
  const orders = options.orders ?? DEFAULT_ORDERS;
  const seed = options.seed ?? DEFAULT_SEED;
  // A day that cannot be planned is refused before a hub is started for it.
  try {
    planDay({ orders, seed });
  } catch (error) {
    throw new ValidationError(`hub demo: ${(error as Error).message}`);
  }
  const workDir = path.join(projectRoot, '.hub', 'demo', new Date().toISOString().replace(/[:.]/g, '-'));
  const started = Date.now();
  process.stdout.write(`starting the local hub (logs in ${path.join(workDir, 'logs')}) ...\n`);
  const hub = await startHub({ ...DEMO_HUB_OPTIONS, workDir });
  try {
    process.stdout.write(
      `hub ready in ${((Date.now() - started) / 1000).toFixed(1)} s; trading day with seed ${seed} and ${orders} SCAYLE orders ...\n\n`,
    );
    const report = await runDemo(hub, { ...options, orders, seed });
    process.stdout.write(renderDemoReport(report));
    process.stdout.write(`\nreport: ${writeDemoReport(hub.workDir, report)}\n`);
    return report.ok;
  } finally {
    await hub.stop();
  }
};
