import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';
import { eventually } from '../helpers/hub';
import { processesWith } from '../helpers/processes';

describe('DynamoDB Local started by the hub', () => {
  it('ends when the process that started it is killed with SIGKILL, when no stop can run', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/processes/start-dynamodb-local.ts'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onTestFinished(() => void parent.kill('SIGKILL'));
    const port = await new Promise<string>((resolve, reject) => {
      parent.once('exit', (code) => reject(new Error(`the parent exited (${code}) before DynamoDB Local was up`)));
      createInterface({ input: parent.stdout }).on('line', (line) => {
        if (line.startsWith('port ')) resolve(line.slice('port '.length));
      });
    });
    expect(await processesWith(`-port ${port}`)).toHaveLength(1);

    parent.kill('SIGKILL');
    await eventually(async () => (await processesWith(`-port ${port}`)).length === 0, 20_000, 'DynamoDB Local gone');
  }, 60_000);
});
