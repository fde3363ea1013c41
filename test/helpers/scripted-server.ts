import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the scripted server saw of one request. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** One scripted answer; `delayMs` holds it back (to provoke client timeouts). */
export interface ScriptedAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly delayMs?: number;
}

/**
 * An HTTP server on a free loopback port that answers from a script, one answer per request (the last one
 * repeats), and records what it received. For testing clients against real sockets without a simulator.
 */
export const startScriptedServer = async (script: ScriptedAnswer[]) => {
  const seen: SeenRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const answer = script[Math.min(seen.length - 1, script.length - 1)] as ScriptedAnswer;
      const send = () => {
        const isText = typeof answer.body === 'string';
        res.writeHead(answer.status, {
          'content-type': isText ? 'text/plain' : 'application/json',
          ...answer.headers,
        });
        res.end(answer.body === undefined ? '' : isText ? (answer.body as string) : JSON.stringify(answer.body));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
