import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { FUNCTION_BUNDLE_OPTIONS } from '../../lib/constructs/function-bundles';
import { sourceCacheKey } from './cache-key';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

/** A function of the template, ready to run locally. */
export interface LocalFunctionSpec {
  readonly logicalId: string;
  /** Entry file relative to the repository root (from the template's metadata). */
  readonly entry: string;
  readonly environment: Record<string, string>;
  readonly timeoutSeconds: number;
  /** At most this many invocations at once (its reserved concurrency, else a small default). */
  readonly concurrency: number;
}

/** The outcome of one invocation, as Lambda reports it to its caller. */
export type InvokeResult = { ok: true; result: unknown } | { ok: false; error: { name: string; message: string } };

/**
 * `bundleFunctions` with a cache in `.hub/cache/bundles`: the bundles are reused while the entries, the code and
 * the lockfile are unchanged, so a hub start costs no esbuild run (about five seconds of CPU) after the first.
 * A bundle set is built beside the cache and renamed into it whole, so two hubs starting at once never read a
 * half-written one.
 */
export const bundleFunctionsCached = async (entries: ReadonlyMap<string, string>): Promise<Map<string, string>> => {
  // Every file a bundle can be made of: the functions, the code they share, and the locked dependencies.
  const key = sourceCacheKey([...entries].sort(), ['functions', 'shared', 'lib'], ['package-lock.json']);
  const cache = path.join(root, '.hub', 'cache', 'bundles');
  const outdir = path.join(cache, key);
  const bundles = new Map([...entries.keys()].map((id) => [id, path.join(outdir, id, 'index.mjs')]));
  if (existsSync(outdir)) return bundles;
  const building = `${outdir}.${process.pid}-${Date.now()}`;
  await bundleFunctions(entries, building);
  try {
    renameSync(building, outdir);
  } catch (error) {
    // Another hub finished the same bundles first: theirs are as good.
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(outdir)) throw error;
  }
  pruneBundleSets(cache, path.basename(outdir));
  return bundles;
};

/** Bundle sets kept besides the newest: enough for switching branches back and forth, not a growing folder. */
const KEPT_BUNDLE_SETS = 3;

/** Removes all but the newest bundle sets (a running hub's set is newer than any edit since it started). */
const pruneBundleSets = (cache: string, current: string): void => {
  const sets = readdirSync(cache, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^[0-9a-f]{24}$/.test(entry.name) && entry.name !== current)
    .map((entry) => ({ name: entry.name, mtime: statSync(path.join(cache, entry.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of sets.slice(KEPT_BUNDLE_SETS)) rmSync(path.join(cache, old.name), { recursive: true, force: true });
};

/**
 * Bundles the functions' entries as for Lambda (the same esbuild options, not minified: the logs stay readable), one
 * `<outdir>/<id>/index.mjs` each, in a single esbuild run so shared code is parsed once.
 * @param entries logical id -> entry file relative to the repository root.
 * @returns logical id -> bundle path.
 */
export const bundleFunctions = async (
  entries: ReadonlyMap<string, string>,
  outdir: string,
): Promise<Map<string, string>> => {
  mkdirSync(outdir, { recursive: true });
  await build({
    ...FUNCTION_BUNDLE_OPTIONS,
    entryPoints: [...entries].map(([id, entry]) => ({ in: path.join(root, entry), out: `${id}/index` })),
    outdir,
  });
  return new Map([...entries.keys()].map((id) => [id, path.join(outdir, id, 'index.mjs')]));
};

/**
 * Runs one function's bundle in worker threads, one invocation per worker at a time like Lambda containers,
 * up to the function's concurrency. An invocation that outlives the function timeout ends its worker, as
 * Lambda ends a timed-out container.
 */
export class LocalFunction {
  readonly #idle: Worker[] = [];
  readonly #all = new Set<Worker>();
  readonly #waiting: ((worker: Worker) => void)[] = [];
  #nextId = 1;
  #stopped = false;
  /** Containers started so far (cold starts), for profiling the hub. */
  coldStarts = 0;

  constructor(
    readonly spec: LocalFunctionSpec,
    private readonly bundle: string,
    /** Where the function's log lines go (its "CloudWatch log group"). */
    private readonly log: Writable,
  ) {}

  /** Invokes the handler with `event` and waits for its result or error. */
  async invoke(event: unknown): Promise<InvokeResult> {
    let worker: Worker;
    try {
      worker = await this.#acquire();
    } catch (error) {
      return { ok: false, error: { name: 'Runtime.InitError', message: (error as Error).message } };
    }
    const id = this.#nextId++;
    try {
      return await new Promise<InvokeResult>((resolve) => {
        const timer = setTimeout(() => {
          worker.off('message', onMessage);
          this.#discard(worker);
          resolve({
            ok: false,
            error: { name: 'TimeoutError', message: `Task timed out after ${this.spec.timeoutSeconds} seconds` },
          });
        }, this.spec.timeoutSeconds * 1000);
        const onMessage = (message: { id?: number; result?: unknown; error?: { name: string; message: string } }) => {
          if (message.id !== id) return;
          clearTimeout(timer);
          worker.off('message', onMessage);
          this.#release(worker);
          resolve(message.error ? { ok: false, error: message.error } : { ok: true, result: message.result });
        };
        worker.on('message', onMessage);
        worker.postMessage({ id, event });
      });
    } catch (error) {
      this.#discard(worker);
      return { ok: false, error: { name: 'InvokeError', message: (error as Error).message } };
    }
  }

  /** Ends every worker. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#all].map((worker) => worker.terminate()));
    this.#all.clear();
  }

  async #acquire(): Promise<Worker> {
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#all.size < this.spec.concurrency) return this.#start();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(worker: Worker): void {
    const next = this.#waiting.shift();
    if (next) next(worker);
    else this.#idle.push(worker);
  }

  #discard(worker: Worker): void {
    this.#all.delete(worker);
    void worker.terminate();
    const next = this.#waiting.shift();
    if (next && !this.#stopped) void this.#start().then(next);
  }

  async #start(): Promise<Worker> {
    this.coldStarts++;
    const worker = new Worker(path.join(here, 'lambda-worker.mjs'), {
      workerData: {
        bundle: this.bundle,
        functionName: this.spec.logicalId,
        timeoutMs: this.spec.timeoutSeconds * 1000,
      },
      env: this.spec.environment,
      // The bundle is plain ESM: the parent's loader flags (tsx when run from source) would only make every
      // container slower to start and to run. HUB_CPU_PROF=<dir> writes each container's CPU profile there.
      execArgv: process.env.HUB_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HUB_CPU_PROF}`] : [],
      stdout: true,
      stderr: true,
    });
    worker.stdout.pipe(this.log, { end: false });
    worker.stderr.pipe(this.log, { end: false });
    this.#all.add(worker);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: { ready?: boolean }) => {
        if (!message.ready) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    worker.on('error', () => this.#all.delete(worker));
    return worker;
  }
}
