import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> };
const out = mkdtempSync(path.join(tmpdir(), 'hub-synth-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('cdk synth from the command line', () => {
  // That cdk-nag runs in this very synth and fails it on a finding is shown in app.test.ts (same addHubStage).
  it('succeeds without AWS credentials or Docker and leaves no finding unacknowledged', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
    await run('npx', ['cdk', 'synth', '--quiet', '-o', out], { env: { ...env, CDK_DISABLE_VERSION_CHECK: '1' } });
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.artifacts)).toEqual(
      expect.arrayContaining(['ScayleHub-dev-Stateful', 'ScayleHub-dev-Stateless']),
    );
    const report = JSON.parse(readFileSync(path.join(out, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports).toEqual([]);
    // Every function's asset is its bundle: an ES module exporting the `index.handler` the function names.
    const template = JSON.parse(readFileSync(path.join(out, 'ScayleHub-dev-Stateless.template.json'), 'utf8'));
    const functions = Object.values(template.Resources as Record<string, Resource>).filter(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:asset:path'],
    );
    expect(functions.length).toBeGreaterThan(20);
    for (const fn of functions) {
      expect(fn.Properties.Handler).toBe('index.handler');
      const bundle = readFileSync(path.join(out, String(fn.Metadata?.['aws:asset:path']), 'index.mjs'), 'utf8');
      expect(bundle).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
    }
  }, 120_000);
});
