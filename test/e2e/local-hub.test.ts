import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SCHEDULE_METADATA_KEY } from '../../lib/constructs/metadata';
import { LOCAL_HUB_FILE } from '../../local/commands/target';
import { type HubSchedules, startHub } from '../../local/hub/hub';
import { DEMO_CATALOGUE } from '../../local/simulators/catalogue';
import { hubCli } from '../helpers/cli';
import { eventually, sharedEngines } from '../helpers/hub';
import { processesWith } from '../helpers/processes';
import { depth, queueOf } from '../helpers/queues';

const run = promisify(execFile);

/** The name the state machine test's own schedule goes by, so that it runs alone. */
const TEST_SCHEDULE = 'localHubTest';

describe('the local hub', () => {
  it('builds only what the templates wire: a queue without its event source is never consumed', async () => {
    const hub = await startHub({
      timeCompression: 360,
      schedules: {},
      ...sharedEngines(),
      transformTemplates: (stacks) =>
        stacks.map((stack) => ({
          ...stack,
          template: {
            ...stack.template,
            Resources: Object.fromEntries(
              Object.entries(stack.template.Resources).filter(([, r]) => r.Type !== 'AWS::Lambda::EventSourceMapping'),
            ),
          },
        })),
    });
    try {
      const sku = DEMO_CATALOGUE.find((v) => v.orderwise)?.sku as string;
      const [order] = await hub.simulators.scayle.createOrders({ orders: [{ items: [{ sku, quantity: 1 }] }] });
      expect(hub.simulators.scayle.sim).toBeDefined();
      const queue = queueOf(hub, 'OrdersOrderEventsQueue', 'Queue');
      await eventually(
        async () => (await depth(hub.engines.sqs, queue.url)) === 1,
        20_000,
        'the webhook queued its event',
      );
      // The hub's own record: it started no consumer for any queue, since the templates wire none.
      expect(hub.pollers).toEqual([]);
      expect(await hub.ledger.get('scayle', String(order?.id))).toBeUndefined();
      expect(hub.simulators.orderwise.orders()).toEqual([]);
      expect(await depth(hub.engines.sqs, queue.url)).toBe(1);
    } finally {
      await hub.stop();
    }
  }, 120_000);

  it('runs the state machines and S3 notifications the templates declare', async () => {
    const hub = await startHub({
      timeCompression: 3_600,
      // Only the test's own schedule: the stage's would run every few milliseconds at this speed.
      schedules: { [TEST_SCHEDULE]: true } as HubSchedules,
      ...sharedEngines(),
      transformTemplates: (stacks) =>
        stacks.map((stack) => {
          const resources = stack.template.Resources;
          const fnId = Object.keys(resources).find(
            (id) => id.startsWith('OrdersOrderReconciliation') && resources[id]?.Type === 'AWS::Lambda::Function',
          );
          if (!fnId) return stack;
          const definition = (arn: unknown) => ({
            'Fn::Join': [
              '',
              [
                '{"StartAt":"Check","States":{"Check":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"',
                arn,
                '","Payload":{"from":"2000-01-01T00:00:00Z"}},"ResultSelector":{"checked.$":"$.Payload.checked"},"Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":60,"MaxAttempts":2}],"Next":"Pause"},"Pause":{"Type":"Wait","Seconds":3600,"Next":"Done"},"Done":{"Type":"Pass","End":true}}}',
              ],
            ],
          });
          return {
            ...stack,
            template: {
              ...stack.template,
              Resources: {
                ...resources,
                TestMachine: {
                  Type: 'AWS::StepFunctions::StateMachine',
                  Properties: { DefinitionString: definition({ 'Fn::GetAtt': [fnId, 'Arn'] }) },
                },
                TestSchedule: {
                  Type: 'AWS::Events::Rule',
                  Metadata: { [SCHEDULE_METADATA_KEY]: TEST_SCHEDULE },
                  Properties: {
                    ScheduleExpression: 'rate(1 hour)',
                    State: 'ENABLED',
                    Targets: [{ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, Id: 'fn' }],
                  },
                },
                TestSettlementRule: {
                  Type: 'AWS::Events::Rule',
                  Properties: {
                    EventPattern: {
                      source: ['aws.s3'],
                      'detail-type': ['Object Created'],
                      detail: {
                        bucket: { name: [{ prefix: 'scayle-hub-dev-data-' }] },
                        object: { key: [{ prefix: 'settlements/incoming/' }] },
                      },
                    },
                    Targets: [{ Arn: { Ref: 'TestMachine' }, Id: 'machine' }],
                  },
                },
              },
            },
          };
        }),
    });
    try {
      const sfn = new SFNClient({
        endpoint: hub.endpoints.lambda,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      });
      const machineArn = 'arn:aws:states:eu-west-1:000000000000:stateMachine:TestMachine';
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: machineArn, name: 'despatch-1', input: '{}' }),
      );
      const done = await eventually(async () => {
        const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return execution.status === 'RUNNING' ? undefined : execution;
      }, 20_000);
      expect(done).toMatchObject({ status: 'SUCCEEDED', output: JSON.stringify({ checked: 0 }) });
      await expect(
        sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'despatch-1', input: '{}' })),
      ).rejects.toMatchObject({
        name: 'ExecutionAlreadyExists',
      });

      await hub.engines.s3.send(new PutObjectCommand({ Bucket: hub.bucket, Key: 'reports/ignored.txt', Body: 'x' }));
      await hub.engines.s3.send(
        new PutObjectCommand({ Bucket: hub.bucket, Key: 'settlements/incoming/report-1.txt', Body: 'x' }),
      );
      const triggered = await eventually(async () =>
        [...hub.stepFunctions.executions.values()].find((e) => e.input.includes('settlements/incoming/report-1.txt')),
      );
      expect(JSON.parse(triggered.input)).toMatchObject({
        source: 'aws.s3',
        'detail-type': 'Object Created',
        detail: { bucket: { name: hub.bucket } },
      });
      expect([...hub.stepFunctions.executions.values()].filter((e) => e.input.includes('ignored.txt'))).toEqual([]);

      // rate(1 hour) at a compression of 3,600 runs every second: the money check writes its report.
      const report = await eventually(
        async () => {
          const { Contents = [] } = await hub.engines.s3.send(
            new ListObjectsV2Command({ Bucket: hub.bucket, Prefix: 'reports/reconciliation/' }),
          );
          return Contents[0];
        },
        10_000,
        'a scheduled run',
      );
      expect(report.Key).toMatch(/^reports\/reconciliation\/\d{4}-\d{2}-\d{2}\.csv$/);
    } finally {
      await hub.stop();
    }
  }, 120_000);

  it('starts with npm start, prints its URLs, serves the CLI, and leaves no process behind after SIGTERM', async () => {
    const child: ChildProcess = spawn('npm', ['start', '--silent'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Also when the test times out (vitest then abandons it and its finally may never run): the hub runs in its
    // own process group and would outlive the test process.
    onTestFinished(() => stopHub(child));
    try {
      const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
      const ready = await new Promise<Record<string, string>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no "hub ready" line within 150 s')), 150_000);
        lines.on('line', (line) => {
          if (!line.startsWith('hub ready ')) return;
          clearTimeout(timer);
          resolve(JSON.parse(line.slice('hub ready '.length)));
        });
      });
      expect(Object.keys(ready)).toEqual(expect.arrayContaining(['api', 'scayle', 'orderwise', 'amazon']));
      for (const url of [ready.api, ready.scayle, ready.orderwise, ready.amazon])
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const unknownRoute = await fetch(`${ready.api}/nowhere`);
      expect(unknownRoute.status).toBe(403);
      expect(existsSync(LOCAL_HUB_FILE)).toBe(true);
      // The go-live check, read-only, passes on a fresh hub: every peer set up as the hub expects.
      const doctor = await hubCli('doctor', '--local');
      expect(doctor.stdout).not.toMatch(/^FAIL/m);
      expect(doctor.code).toBe(0);

      // One smoke call through npx, as a user types it; the other commands run the same program in this process.
      const smoke = await run('npx', ['hub', 'exceptions', '--local', '--open', '--json']);
      expect(JSON.parse(smoke.stdout)).toEqual([]);
      const retry = await hubCli('retry', '424242', '--local');
      expect(retry.code).toBe(2);
      expect(retry.stderr).toContain('error: order 424242 is not on the ledger');
      const unmapped = DEMO_CATALOGUE.find((v) => !v.orderwise)?.sku as string;
      await fetch(`${ready.scayle}/_sim/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orders: [{ items: [{ sku: unmapped, quantity: 1 }] }] }),
      });
      const table = await eventually(async () => {
        const { stdout } = await hubCli('exceptions', '--local', '--owner', 'ecommerce');
        return stdout.includes(`SKU_UNMAPPED#${unmapped}`) ? stdout : undefined;
      }, 30_000);
      expect(table).toMatch(
        new RegExp(`SKU_UNMAPPED#${unmapped}\\s+ecommerce\\s+open\\s+1\\s+.*RUNBOOK\\.md#sku_unmapped`),
      );
      const flagged = await hubCli('retry', '--flagged', '--match', unmapped, '--dry-run', '--local');
      expect(flagged.stdout).toMatch(
        new RegExp(`^scayle\\s+\\d+\\s+\\S+\\s+would retry\\s+SKU_UNMAPPED: ${unmapped}$`, 'm'),
      );
      expect(flagged.stdout).toContain(`1 flagged orders naming "${unmapped}" (dry run, none queued)`);
      const story = await hubCli('trace', unmapped, '--local');
      expect(story.stdout).toMatch(/received -> pending/);
      expect(story.stdout).toMatch(new RegExp(`exception\\s+SKU_UNMAPPED#${unmapped} raised for ecommerce`));
      const resolved = await hubCli('exceptions', 'resolve', `SKU_UNMAPPED#${unmapped}`, '--local');
      expect(resolved.stdout).toContain(`SKU_UNMAPPED#${unmapped} resolved`);
      expect(JSON.parse((await hubCli('exceptions', '--local', '--open', '--json')).stdout)).toEqual([]);
      const resolveMissing = await hubCli('exceptions', 'resolve', 'GHOST_ORDER#nope', '--local');
      expect(resolveMissing.code).toBe(2);
      expect(resolveMissing.stderr).toContain('error: no exception GHOST_ORDER#nope');
      const reconcile = await hubCli('reconcile', '--local');
      expect(reconcile.stdout).toMatch(
        /^0 orders checked, 0 mismatches; report s3:\/\/scayle-hub-dev-data-\S+\/reports\/reconciliation\/\d{4}-\d{2}-\d{2}\.csv$/m,
      );

      const dynamoPort = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(LOCAL_HUB_FILE, 'utf8')))
        .endpoints.dynamodb.split(':')
        .pop();
      expect(await processesWith(`-port ${dynamoPort}`)).toHaveLength(1);

      // Stopped while every core is busy: the hub's own stop must still run to its end (tsx's signal relay once
      // SIGKILLed the hub 60 ms after relaying, so under load the stop never ran; npm start now runs node itself).
      const burners = cpus().map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
      const stopBurners = () => {
        for (const burner of burners) burner.kill('SIGKILL');
      };
      onTestFinished(stopBurners);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-(child.pid as number), 'SIGTERM');
      await exited;
      stopBurners();
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      await eventually(async () => !alive(Number(ready.pid)), 20_000, 'the hub process gone');
      expect(await processesWith(`-port ${dynamoPort}`)).toEqual([]);
      expect(existsSync(LOCAL_HUB_FILE)).toBe(false);
      await expect(fetch(ready.api as string)).rejects.toThrow();
    } finally {
      await stopHub(child);
    }
    // Synthesis, bundling two dozen functions and a JVM, then a dozen CLI runs, while another hub's test may share
    // the two cores.
  }, 300_000);
});

/**
 * Stops an `npm start` child and its process group: SIGTERM first (the hub then stops DynamoDB Local, which runs
 * in its own process group; a SIGKILL straight away would orphan it), SIGKILL after a grace period. Harmless when
 * it has already exited.
 */
const stopHub = async (child: ChildProcess): Promise<void> => {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), sig);
    } catch {
      // already gone
    }
  };
  if (child.exitCode !== null || child.signalCode !== null) return;
  signal('SIGTERM');
  await Promise.race([
    new Promise((resolve) => child.once('exit', resolve)),
    new Promise((resolve) => setTimeout(resolve, 5_000)),
  ]);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  signal('SIGKILL');
};
