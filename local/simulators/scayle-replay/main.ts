import { parseArgs } from 'node:util';
import { startScayleReplay } from './server.ts';

/**
 * The replay peer as its own process, so an end-to-end test can put it where SCAYLE would be:
 * `node --import tsx local/simulators/scayle-replay/main.ts --fixtures <dir> --token <token> [--port 0]`.
 * stdout carries exactly one line, the ready line a parent waits for; everything else goes to stderr.
 */
const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: { fixtures: { type: 'string' }, token: { type: 'string' }, port: { type: 'string', default: '0' } },
  });
  const port = Number(values.port);
  if (!values.fixtures || !values.token || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error('usage: main.ts --fixtures <dir> --token <access token> [--port <0..65535>]');
  }
  const replay = await startScayleReplay({ fixturesDir: values.fixtures, token: values.token, port });
  const stop = () => {
    replay.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`scayle-replay: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`scayle-replay ready ${JSON.stringify({ url: replay.url, apiUrl: replay.apiUrl })}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`scayle-replay: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
