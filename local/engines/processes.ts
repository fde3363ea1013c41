import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1, found by letting the OS pick one. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

const running = new Set<ChildProcess>();

const killGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Negative pid: the whole process group, so wrappers cannot leave their own children behind.
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
};

// A test runner or the hub dying must not leave engines behind: on a normal exit, and on a signal, after
// which the signal is raised again so the process still ends the way the sender meant.
const killAll = () => {
  for (const child of running) killGroup(child, 'SIGKILL');
};
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** A child process started in its own process group; `stop` ends the whole group. */
export interface ManagedProcess {
  readonly child: ChildProcess;
  /** Output so far (stdout and stderr), for error messages. */
  output(): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `command` detached in a new process group and tracks it until it exits. With `stdinLifeline` its standard
 * input is a pipe this process holds open and never writes to: when this process ends, however it ends (even by
 * SIGKILL, when no stop can run), the child reads end-of-file there, and a child that watches for it exits too.
 */
export const startProcess = (
  command: string,
  args: string[],
  options: SpawnOptions & { readonly stdinLifeline?: boolean } = {},
): ManagedProcess => {
  const { stdinLifeline, ...spawnOptions } = options;
  const child = spawn(command, args, {
    ...spawnOptions,
    detached: true,
    stdio: [stdinLifeline ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  // The lifeline must not keep this process alive, and a child gone first must not make writes to it throw.
  if (child.stdin) {
    child.stdin.on('error', () => {});
    (child.stdin as unknown as { unref?: () => void }).unref?.();
  }
  running.add(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  exited.then(() => running.delete(child));
  return {
    child,
    output: () => output,
    stop: async (graceMs = 3_000) => {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
};

/** Polls `probe` until it resolves true or `timeoutMs` passes. */
export const waitUntil = async (probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} was not ready within ${timeoutMs} ms`);
};
