import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Module specifiers of `import … from`, `export … from`, side-effect and dynamic imports (type-only ones too). */
const specifiersOf = (source: string): string[] =>
  [
    ...source.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g),
    ...source.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g),
    ...source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] as string);

/** The file a relative specifier names, as the bundler resolves it. */
const resolve = (from: string, specifier: string): string => {
  const base = path.resolve(path.dirname(from), specifier);
  const candidate = [base, `${base}.ts`, path.join(base, 'index.ts')].find(
    (file) => existsSync(file) && file.endsWith('.ts'),
  );
  if (!candidate) throw new Error(`${path.relative(ROOT, from)}: cannot resolve ${specifier}`);
  return candidate;
};

/** Every file an entry point reaches through relative imports, the entry included. */
const importGraph = (entry: string): string[] => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of specifiersOf(readFileSync(file, 'utf8')))
      if (specifier.startsWith('.')) visit(resolve(file, specifier));
  };
  visit(path.join(ROOT, entry));
  return [...seen].map((file) => path.relative(ROOT, file)).sort();
};

describe('simulators stand apart from the product', () => {
  it.each([
    'local/simulators/scayle/index.ts',
    'local/simulators/amazon.ts',
    'local/simulators/orderwise/index.ts',
    'local/simulators/scayle-replay/server.ts',
  ])('%s imports nothing under shared/ or lib/, directly or through another file', (entry) => {
    const files = importGraph(entry);

    expect(files.length).toBeGreaterThan(3);
    expect(files.filter((file) => file.startsWith('shared/') || file.startsWith('lib/'))).toEqual([]);
  });

  it('follows every kind of relative import, so a forbidden one cannot hide', () => {
    const source = [
      "import { a } from '../../shared/a';",
      "import type { B } from '../lib/b';",
      "export { c } from './c';",
      "export * from './d';",
      "import './e';",
      "const f = await import('./f');",
      'import {\n  g,\n  h,\n} from "./g";',
    ].join('\n');

    expect(specifiersOf(source).sort()).toEqual(
      ['../../shared/a', '../lib/b', './c', './d', './e', './f', './g'].sort(),
    );
  });
});
