import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A key for a cache of what is built from source: the hash of `extra` (options, entries) and of the path and
 * contents of every source file under `dirs` and of each of `files` (paths relative to the repository root).
 */
export const sourceCacheKey = (extra: unknown, dirs: readonly string[], files: readonly string[]): string => {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|mts|js|mjs|json)$/.test(entry.name)) found.push(full);
    }
  };
  for (const dir of dirs) walk(path.join(PROJECT_ROOT, dir));
  found.push(...files.map((file) => path.join(PROJECT_ROOT, file)));
  const hash = createHash('sha256').update(JSON.stringify(extra));
  for (const file of found.sort()) hash.update(path.relative(PROJECT_ROOT, file)).update(readFileSync(file));
  return hash.digest('hex').slice(0, 24);
};
