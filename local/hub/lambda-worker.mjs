// One Lambda container of the local hub: a worker thread that loads a function's bundle once (its module
// scope runs once, as at a cold start) and then handles one invocation at a time. Its process.env is the
// function's environment from the template, given by the parent when the worker is created.
import { randomUUID } from 'node:crypto';
import dns from 'node:dns';
import { parentPort, workerData } from 'node:worker_threads';

// S3 clients address buckets as <bucket>.s3.localhost: every *.localhost name resolves to loopback, as fauxqs's
// interceptLocalhostDns does in the hub's own thread. Importing fauxqs here would load its whole server (fastify
// and three AWS SDK clients), a quarter of a second of CPU at every container start.
const lookup = dns.lookup;
dns.lookup = (name, options, callback) => {
  if (!name.endsWith('.localhost')) return lookup(name, options, callback);
  const answer = typeof options === 'function' ? options : callback;
  if (typeof options === 'object' && options?.all) answer(null, [{ address: '127.0.0.1', family: 4 }]);
  else answer(null, '127.0.0.1', 4);
};

const { bundle, functionName, timeoutMs } = workerData;
const module = await import(bundle);

parentPort.on('message', async ({ id, event }) => {
  const deadline = Date.now() + timeoutMs;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await module.handler(event, context);
    parentPort.postMessage({ id, result });
  } catch (error) {
    parentPort.postMessage({ id, error: { name: error?.name ?? 'Error', message: error?.message ?? String(error) } });
  }
});
parentPort.postMessage({ ready: true });
