import { format } from 'node:util';
import { vi } from 'vitest';
import { runCli } from '../../local/cli';

/** What one `hub` command printed, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `hub <args>` in this process (the same program `npx hub` runs, without starting Node and tsx again for each
 * call) and returns what it printed on standard output and error, and its exit code.
 */
export const hubCli = async (...args: string[]): Promise<CliRun> => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...values) => void stdout.push(`${format(...values)}\n`));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...values) => void stderr.push(`${format(...values)}\n`));
  try {
    const code = await runCli(args);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
};
