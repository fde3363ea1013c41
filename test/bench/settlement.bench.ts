/**
 * Settlement parser benchmark: `npx tsx test/bench/settlement.bench.ts`.
 *
 * Writes 250,000- and 1,000,000-row V2 reports to the OS temp dir, then compares Node's own line reading
 * (readline, counting lines) with the full parse and aggregation, and samples memory during the parse. Exits
 * non-zero when the parse runs at less than half readline's speed, peaks at 150 MB RSS or more, or uses
 * noticeably more memory for the larger file (memory must not grow with the file).
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { V2_SETTLEMENT_COLUMNS as COLUMNS } from '../../local/simulators/amazon/facts';
import { readSettlementRows } from '../../shared/adapters/settlement-file';
import { toDecimal } from '../../shared/domain/money';
import { aggregateSettlement } from '../../shared/domain/settlement/journal';

const RUNS = 5;
const MIN_RATIO = 0.5;
const MAX_PEAK_RSS = 150 * 1024 * 1024;
// What the larger file may add to the peak heap: sampling and GC timing move the peak by a few MB, while rows
// kept in memory would add hundreds of MB.
const MAX_HEAP_GROWTH = 16 * 1024 * 1024;

const KINDS = [
  ['Order', 'ItemPrice', 'Principal', 1],
  ['Order', 'ItemPrice', 'Tax', 1],
  ['Order', 'ItemWithheldTax', 'MarketplaceFacilitatorVAT-Principal', -1],
  ['Order', 'ItemFees', 'Commission', -1],
  ['Order', 'ItemFees', 'FBAPerUnitFulfillmentFee', -1],
  ['Order', 'ItemFees', 'DigitalServicesFee', -1],
  ['Refund', 'ItemPrice', 'Principal', -1],
  ['Refund', 'ItemFees', 'RefundCommission', -1],
  ['Order', 'Promotion', 'Shipping', -1],
  ['x-Unknown', 'x-Charge', 'x-Fee', -1],
] as const;

/** A small seeded generator (mulberry32), so both passes over a report draw the same amounts. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const draw = function* (rows: number) {
  const next = random(rows);
  for (let i = 0; i < rows; i += 1) {
    const [transactionType, amountType, amountDescription, sign] = KINDS[Math.floor(next() * KINDS.length)] ?? KINDS[0];
    yield { i, transactionType, amountType, amountDescription, minor: sign * Math.floor(next() * 500_000) };
  }
};

/** Streams a `rows`-row report (plus header and summary row) to `file`, amounts in US and DE style by turns. */
const writeReport = async (file: string, rows: number): Promise<void> => {
  let total = 0;
  for (const row of draw(rows)) total += row.minor;
  const out = createWriteStream(file);
  let buffer = `${COLUMNS.join('\t')}\n`;
  const flush = async () => {
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  };
  buffer += `42\t11.10.2024 08:59:52 UTC\t25.10.2024 08:59:51 UTC\t27.10.2024 08:59:51 UTC\t${toDecimal(total).replace('.', ',')}\tEUR${'\t'.repeat(18)}\n`;
  for (const { i, transactionType, amountType, amountDescription, minor } of draw(rows)) {
    const amount = i % 2 === 0 ? toDecimal(minor) : toDecimal(minor).replace('.', ',');
    const order = `303-${String(i).padStart(7, '0')}-6833160`;
    buffer += `42\t\t\t\t\t\t${transactionType}\t${order}\t${order}\t\tU1H0HZXf3\tAmazon.de\t${amountType}\t${amountDescription}\t${amount}\tAFN\t14.10.2024\t14.10.2024 04:15:46 UTC\t42760396434402\t\t\tTM-ATRNS-LR\t1\t\n`;
    if (buffer.length > 1 << 16) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
};

const countLines = async (file: string): Promise<number> => {
  let lines = 0;
  for await (const _ of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    lines += 1;
  }
  return lines;
};

const parse = async (file: string, rows: number): Promise<void> => {
  const journal = await aggregateSettlement(readSettlementRows(createReadStream(file)));
  if (!journal.balanced || journal.rowCount !== rows) throw new Error(`parse of ${file} is wrong`);
};

/** The best of RUNS timings of each task, the tasks taking turns so a busy machine slows them alike. */
const bestSeconds = async (...tasks: (() => Promise<unknown>)[]): Promise<number[]> => {
  const best = tasks.map(() => Number.POSITIVE_INFINITY);
  for (let run = 0; run < RUNS; run += 1) {
    for (const [i, task] of tasks.entries()) {
      const start = process.hrtime.bigint();
      await task();
      best[i] = Math.min(best[i] ?? Number.POSITIVE_INFINITY, Number(process.hrtime.bigint() - start) / 1e9);
    }
  }
  return best;
};

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Peak RSS and heap while `run` works, sampled every 2 ms, after a full GC so runs start alike. */
const peakMemory = async (run: () => Promise<unknown>) => {
  gc();
  const peak = { rss: 0, heap: 0 };
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peak.rss = Math.max(peak.rss, rss);
    peak.heap = Math.max(peak.heap, heapUsed);
  };
  const timer = setInterval(sample, 2);
  await run();
  clearInterval(timer);
  sample();
  return peak;
};

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const perSecond = (rows: number, seconds: number) => `${Math.round(rows / seconds).toLocaleString('en')} rows/s`;

// Writing a report churns through memory the process keeps afterwards, so the reports are written by a child
// process (this script with `write <file> <rows>`) and the parse is measured in a process that never wrote one.
const [mode, target, count] = process.argv.slice(2);
if (mode === 'write' && target !== undefined) {
  await writeReport(target, Number(count));
  process.exit(0);
}

const dir = mkdtempSync(path.join(tmpdir(), 'settlement-bench-'));
try {
  const small = { rows: 250_000, file: path.join(dir, 'small.tsv') };
  const large = { rows: 1_000_000, file: path.join(dir, 'large.tsv') };
  for (const { file, rows } of [small, large]) {
    const script = fileURLToPath(import.meta.url);
    execFileSync(process.execPath, [...process.execArgv, script, 'write', file, String(rows)], { stdio: 'inherit' });
  }

  gc();
  const idle = process.memoryUsage();
  // One unmeasured parse first: V8 sizes its heap to the allocation rate and compiles the hot code during the
  // first second or so, which would otherwise show as the larger file's growth. Rows kept per row would still
  // show: 750,000 more rows of ~100 bytes each.
  await parse(large.file, large.rows);
  const smallMemory = await peakMemory(() => parse(small.file, small.rows));
  const largeMemory = await peakMemory(() => parse(large.file, large.rows));
  const lines = large.rows + 2;
  if ((await countLines(large.file)) !== lines) throw new Error('readline counted the wrong number of lines');
  const [readline = 0, full = 0] = await bestSeconds(
    () => countLines(large.file),
    () => parse(large.file, large.rows),
  );
  const ratio = readline / full;
  const heapGrowth = largeMemory.heap - smallMemory.heap;

  const checks = [
    ['parse / readline throughput', ratio.toFixed(2), `>= ${MIN_RATIO}`, ratio >= MIN_RATIO],
    ['peak RSS, 1,000,000 rows', mb(largeMemory.rss), `< ${mb(MAX_PEAK_RSS)}`, largeMemory.rss < MAX_PEAK_RSS],
    ['peak heap growth 250k -> 1M rows', mb(heapGrowth), `< ${mb(MAX_HEAP_GROWTH)}`, heapGrowth < MAX_HEAP_GROWTH],
  ] as const;

  console.log(`report: ${lines.toLocaleString('en')} lines, ${mb(statSync(large.file).size)}, best of ${RUNS} runs`);
  console.table({
    'readline, count lines': { rate: perSecond(lines, readline), seconds: readline.toFixed(2) },
    'parse + aggregate': { rate: perSecond(lines, full), seconds: full.toFixed(2) },
  });
  console.table({
    'idle, before parsing': { RSS: mb(idle.rss), heap: mb(idle.heapUsed) },
    'peak, 250,000 rows': { RSS: mb(smallMemory.rss), heap: mb(smallMemory.heap) },
    'peak, 1,000,000 rows': { RSS: mb(largeMemory.rss), heap: mb(largeMemory.heap) },
  });
  console.table(checks.map(([check, value, target, ok]) => ({ check, value, target, met: ok ? 'yes' : 'NO' })));
  if (checks.some(([, , , ok]) => !ok)) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
