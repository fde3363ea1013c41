import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
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
  }, 120_000);
});
