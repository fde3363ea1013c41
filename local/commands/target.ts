import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { resolveStage } from '../../lib/config/stages';
import { ConfigError } from '../../shared/runtime/errors';

/** Where a running local hub describes itself for the `hub` command line. */
export const LOCAL_HUB_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.hub/local.json');

const localHubSchema = z.object({
  pid: z.number(),
  region: z.string(),
  endpoints: z.object({ dynamodb: z.string(), sqs: z.string(), s3: z.string(), lambda: z.string() }),
  outputs: z.record(z.string(), z.string()),
  /** The access key the hub's clients use: on a shared DynamoDB Local it names the hub's database. */
  accessKeyId: z.string().default('local'),
  /** The stage config the local hub runs with (its peers' URLs included), for `hub doctor`. */
  config: z.unknown().optional(),
});

/** What `npm start` writes to LOCAL_HUB_FILE. */
export type LocalHubDescription = z.input<typeof localHubSchema>;

/** Where the local hub is described: `HUB_LOCAL_FILE` when set (a test's own hub), else {@link LOCAL_HUB_FILE}. */
export const localHubFile = (): string => process.env.HUB_LOCAL_FILE ?? LOCAL_HUB_FILE;

/** Records a running local hub; returns the function that removes the record. */
export const writeLocalHubFile = (description: LocalHubDescription): (() => void) => {
  const file = localHubFile();
  writeFileSync(file, JSON.stringify(description, null, 2));
  return () => rmSync(file, { force: true });
};

const LOCAL_NAME = 'the local hub';

/** A hub the command line works against: clients and the stack outputs that name its resources. */
export interface HubTarget {
  readonly name: string;
  /** The local hub (no SQS move tasks there) rather than a deployed stage. */
  readonly isLocal: boolean;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  readonly lambda: LambdaClient;
  readonly secrets: SecretsManagerClient;
  output(name: string): string;
  /** The stage config: the local hub's as it runs (its peers' URLs included), or the repository's for the stage. */
  config(): unknown;
}

const withOutputs = (
  name: string,
  outputs: Record<string, string>,
  clients: Omit<HubTarget, 'name' | 'isLocal' | 'output'>,
): HubTarget => ({
  name,
  isLocal: name === LOCAL_NAME,
  ...clients,
  output: (key) => {
    const value = outputs[key];
    if (!value) throw new ConfigError(`${name} has no output ${key}; is the stack deployed from this version?`);
    return value;
  },
});

/**
 * Resolves `--local` (the hub `npm start` runs on this machine) or `--stage <name>` (a deployed stage, read
 * through CloudFormation outputs with the user's AWS credentials). The commands then do the same thing either way.
 */
export const resolveTarget = async (options: { local?: boolean; stage?: string }): Promise<HubTarget> => {
  if (options.local) {
    const file = localHubFile();
    if (!existsSync(file)) throw new ConfigError('no local hub is running here: start one with npm start');
    const local = localHubSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    // fauxqs names queues and buckets under *.localhost; resolve those to loopback in this process too.
    (await import('fauxqs')).interceptLocalhostDns();
    const config = { region: local.region, credentials: { accessKeyId: local.accessKeyId, secretAccessKey: 'local' } };
    return withOutputs(LOCAL_NAME, local.outputs, {
      dynamodb: new DynamoDBClient({ ...config, endpoint: local.endpoints.dynamodb }),
      sqs: new SQSClient({ ...config, endpoint: local.endpoints.sqs }),
      s3: new S3Client({ ...config, endpoint: local.endpoints.s3 }),
      lambda: new LambdaClient({ ...config, endpoint: local.endpoints.lambda }),
      // The local hub's AWS emulator answers Secrets Manager where it answers Lambda.
      secrets: new SecretsManagerClient({ ...config, endpoint: local.endpoints.lambda }),
      config: () => local.config,
    });
  }
  const stage = options.stage ?? 'dev';
  const cloudFormation = new CloudFormationClient({});
  const outputs: Record<string, string> = {};
  for (const suffix of ['Stateful', 'Stateless']) {
    const { Stacks = [] } = await cloudFormation.send(
      new DescribeStacksCommand({ StackName: `ScayleHub-${stage}-${suffix}` }),
    );
    for (const output of Stacks[0]?.Outputs ?? [])
      if (output.OutputKey && output.OutputValue) outputs[output.OutputKey] = output.OutputValue;
  }
  return withOutputs(`stage ${stage}`, outputs, {
    dynamodb: new DynamoDBClient({}),
    sqs: new SQSClient({}),
    s3: new S3Client({}),
    lambda: new LambdaClient({}),
    secrets: new SecretsManagerClient({}),
    config: () => resolveStage(stage),
  });
};

/** A JSON secret of the target, by name. */
export const readTargetSecret = async (target: HubTarget, name: string): Promise<unknown> => {
  const { SecretString } = await target.secrets.send(new GetSecretValueCommand({ SecretId: name }));
  if (!SecretString) throw new ConfigError(`secret ${name} of ${target.name} has no value`);
  return JSON.parse(SecretString) as unknown;
};
