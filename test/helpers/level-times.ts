import type { Reporter, TestModule } from 'vitest/node';

interface LevelTally {
  files: number;
  tests: number;
  passed: number;
  failed: number;
  /** When the level's first file started and its last file ended (ms since the epoch). */
  first: number;
  last: number;
  /** Time its files ran, added up (files of one level run side by side, so this can exceed the span). */
  busyMs: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Prints, after every run, how long each test level (the vitest projects: unit, contract, infra, integration, e2e)
 * took: from its first file's start to its last file's end, and its files' time added up. Levels run side by side,
 * so the spans overlap; together they say where the suite's time goes.
 */
export class LevelTimesReporter implements Reporter {
  readonly #started = new Map<string, number>();
  readonly #ended = new Map<string, number>();

  onTestModuleStart(module: TestModule): void {
    this.#started.set(module.moduleId, Date.now());
  }

  onTestModuleEnd(module: TestModule): void {
    this.#ended.set(module.moduleId, Date.now());
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const levels = new Map<string, LevelTally>();
    for (const module of modules) {
      const name = module.project.name || 'default';
      const started = this.#started.get(module.moduleId);
      const ended = this.#ended.get(module.moduleId);
      const tally = levels.get(name) ?? {
        files: 0,
        tests: 0,
        passed: 0,
        failed: 0,
        first: Number.POSITIVE_INFINITY,
        last: 0,
        busyMs: 0,
      };
      const tests = [...module.children.allTests()];
      tally.files += 1;
      tally.tests += tests.length;
      tally.passed += tests.filter((test) => test.result().state === 'passed').length;
      tally.failed += tests.filter((test) => test.result().state === 'failed').length;
      if (started !== undefined && ended !== undefined) {
        tally.first = Math.min(tally.first, started);
        tally.last = Math.max(tally.last, ended);
        tally.busyMs += ended - started;
      }
      levels.set(name, tally);
    }
    if (levels.size === 0) return;
    const rows = [...levels].map(([name, t]) => [
      name,
      String(t.files),
      String(t.tests),
      String(t.failed),
      t.last > 0 ? seconds(t.last - t.first) : '-',
      seconds(t.busyMs),
    ]);
    const header = ['level', 'files', 'tests', 'failed', 'span', 'files added up'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
    const total = (key: 'tests' | 'passed' | 'failed') => [...levels.values()].reduce((sum, t) => sum + t[key], 0);
    const skipped = total('tests') - total('passed') - total('failed');
    process.stdout.write(`\nTime per test level\n${line(header)}\n${rows.map(line).join('\n')}\n\n`);
    // The plain closing line CI reads to count what ran.
    process.stdout.write(`tests: ${total('passed')} passed, ${total('failed')} failed, ${skipped} skipped\n`);
  }
}
