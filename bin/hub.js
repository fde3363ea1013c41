#!/usr/bin/env node
// The `hub` command. It runs the TypeScript CLI (local/cli.ts) through tsx, on Node 22 like the Lambda
// runtime: when started by an older system Node, it re-runs itself with the Node 22 binary that the `node`
// dev dependency installs, so `npx hub ...` behaves the same on every machine.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);

if (major < 22) {
  const bundled = path.join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bundled)) {
    console.error(`hub needs Node 22; this is ${process.version} and ${bundled} is missing (run npm ci).`);
    process.exit(1);
  }
  const result = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

const { register } = await import('tsx/esm/api');
register();
const { runCli } = await import(pathToFileURL(path.join(root, 'local', 'cli.ts')).href);
process.exitCode = await runCli(process.argv.slice(2));
