import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';

/**
 * How every hub function is bundled, for Lambda and for the local hub alike: one ESM file for Node 22 with its
 * dependencies inside (the runtime ships AWS SDK v3, but bundling our pinned version keeps tests and Lambda on the
 * same code) and a source map beside it.
 */
export const FUNCTION_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  sourcemap: true,
  outExtension: { '.js': '.mjs' },
  // Some dependencies still call require(); ESM bundles need it defined.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'error',
} as const satisfies BuildOptions;

/** What Lambda gets on top: minified, but with class names kept (Step Functions' ErrorEquals and the logs match them). */
const LAMBDA_OPTIONS = { ...FUNCTION_BUNDLE_OPTIONS, minify: true, keepNames: true } as const satisfies BuildOptions;

/** Where an entry's bundle goes inside an esbuild run's outdir: its folder, e.g. `functions/order-events/index`. */
const outOf = (entryPath: string): string => path.join(path.dirname(entryPath), 'index');

/**
 * The Lambda bundles of a synth, built in a single esbuild run the first time any of them is asked for: one run
 * parses the code the functions share (the AWS SDK, zod, Powertools, shared/) once, where an esbuild run per
 * function (the NodejsFunction way) parsed it again for each of them, most of a `cdk synth`'s time. The CDK asks
 * for a function's bundle as the function is constructed, before the next one exists, so the first run builds
 * every entry `known` names, not only those asked for so far.
 */
export class FunctionBundles {
  readonly #built = new Map<string, string>();
  readonly #outdirs: string[] = [];

  /**
   * @param root the folder entry paths are relative to.
   * @param known the entries (relative to the root) a synth may ask for.
   */
  constructor(
    private readonly root: string,
    private readonly known: () => readonly string[],
  ) {}

  /** Copies the bundle of `entryPath` (`index.mjs` and its map) into `outputDir`, building it first if need be. */
  bundleInto(entryPath: string, outputDir: string): void {
    if (!this.#built.has(entryPath)) this.#build(entryPath);
    cpSync(this.#built.get(entryPath) as string, outputDir, { recursive: true });
  }

  /** Removes the folders the bundles were built in. */
  clean(): void {
    for (const outdir of this.#outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
    this.#built.clear();
  }

  #build(asked: string): void {
    const pending = [...new Set([asked, ...this.known()])].filter((entryPath) => !this.#built.has(entryPath));
    const outdir = mkdtempSync(path.join(tmpdir(), 'hub-bundles-'));
    this.#outdirs.push(outdir);
    buildSync({
      ...LAMBDA_OPTIONS,
      entryPoints: pending.map((entryPath) => ({ in: path.join(this.root, entryPath), out: outOf(entryPath) })),
      outdir,
    });
    for (const entryPath of pending) this.#built.set(entryPath, path.join(outdir, path.dirname(outOf(entryPath))));
  }
}
