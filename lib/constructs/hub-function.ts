import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AssetHashType,
  Aws,
  type CfnResource,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { HubTable } from '../stateful-stack';
import { FunctionBundles } from './function-bundles';
import { ENTRY_METADATA_KEY } from './metadata';

/** Root of the repository, from which function entries are resolved. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every function's handler: `functions/<name>/handler.ts`. */
const entryOf = (folder: string): string => path.join(folder, 'handler.ts');

/** The Lambda bundles of this process's synths: every function of `functions/`, in one esbuild run. */
const LAMBDA_BUNDLES = new FunctionBundles(PROJECT_ROOT, () =>
  readdirSync(path.join(PROJECT_ROOT, 'functions'))
    .map((name) => entryOf(path.join('functions', name)))
    .filter((entryPath) => existsSync(path.join(PROJECT_ROOT, entryPath))),
);
process.once('exit', () => LAMBDA_BUNDLES.clean());

/** The runtime every hub function runs on; tests and the local hub run on the same major version. */
export const HUB_RUNTIME = Runtime.NODEJS_22_X;

const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
/**
 * Writing single items and nothing else: what a function facing the internet needs to record an exception. Were it
 * ever turned, it could neither read the table back (Scan, Query) nor delete from it.
 */
const TABLE_RECORD_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];

const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/**
 * Renders a string holding pseudo-parameter tokens the way cdk-nag names it in a finding id
 * (`{Ref: AWS::AccountId}` becomes `<AWS::AccountId>`), so an acknowledgement can name the exact finding.
 */
export const renderForNag = (stack: Stack, value: string): string => {
  const render = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const ref = (part as { Ref?: string }).Ref;
    if (ref) return `<${ref}>`;
    const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    if (getAtt) return `<${getAtt[0]}.${getAtt[1]}>`;
    const join = (part as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(render).join(join[0]);
    throw new Error(`cannot render ${JSON.stringify(part)} for a cdk-nag acknowledgement`);
  };
  return Token.isUnresolved(value) ? render(stack.resolve(value)) : value;
};

/** Properties of a hub function. */
export interface HubFunctionProps {
  /** Folder holding `handler.ts`, relative to the repository root, e.g. `functions/scayle-webhook`. */
  readonly entry: string;
  readonly description: string;
  /** Powertools service name; defaults to `scayle-hub`. */
  readonly serviceName?: string;
  /** Default 30 seconds. */
  readonly timeout?: Duration;
  /** Default 512 MB. */
  readonly memorySize?: number;
  readonly logRetentionDays: number;
  /** Merged over the base environment (Powertools settings), never replacing it. */
  readonly environment?: Record<string, string>;
  /** Caps concurrent executions, e.g. for a consumer that must respect a peer's rate limit alone. */
  readonly reservedConcurrentExecutions?: number;
}

const retentionOf = (days: number): RetentionDays => {
  const match = Object.values(RetentionDays).find((value) => value === days);
  if (match === undefined) throw new Error(`HubFunction: ${days} is not a CloudWatch Logs retention period`);
  return match as RetentionDays;
};

/**
 * The base of every hub Lambda: Node 22 on arm64, an ESM bundle with source maps built by the locally installed
 * esbuild (no Docker; all functions in one run, see FunctionBundles), its own log group with retention, active
 * tracing and the Powertools environment. The
 * `bind*` helpers grant least-privilege access and set the environment variable that names the resource in
 * one call, so a handler never has a permission without knowing the resource or the other way round.
 */
export class HubFunction extends LambdaFunction {
  /** The entry file, relative to the repository root. */
  readonly entryPath: string;

  constructor(scope: Construct, id: string, props: HubFunctionProps) {
    const entryPath = entryOf(props.entry);
    const entry = path.join(PROJECT_ROOT, entryPath);
    if (!existsSync(entry)) throw new Error(`HubFunction ${id}: no handler at ${entryPath}`);
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: retentionOf(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A role of its own that writes only to its own log group: the managed basic execution policy would let the
    // function write to (and create) any log group of the account.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${id}: its own log group, and what its bind* calls grant`,
      inlinePolicies: {
        OwnLogGroup: new PolicyDocument({
          statements: [
            new PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });
    super(scope, id, {
      role,
      // The asset is the function's folder; what is uploaded is its bundle, named by the bundle's own hash.
      code: Code.fromAsset(path.dirname(entry), {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: the local bundling below always answers (esbuild is a dependency of the project).
          image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
          local: {
            tryBundle: (outputDir) => {
              LAMBDA_BUNDLES.bundleInto(entryPath, outputDir);
              return true;
            },
          },
        },
      }),
      handler: 'index.handler',
      description: props.description,
      runtime: HUB_RUNTIME,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      tracing: Tracing.ACTIVE,
      logGroup,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? 'scayle-hub',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: 'ScayleHub',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    this.entryPath = entryPath;
    (this.node.defaultChild as CfnResource).addMetadata(ENTRY_METADATA_KEY, entryPath);
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to nodejs22.x on purpose: tests and the local hub run on Node 22 too (README "Runtime").',
    });
    this.#acknowledge(
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
    );
  }

  /** Acknowledges a finding on the function and on its role, which sits beside it (it is made before the function). */
  #acknowledge(id: string, reason: string): void {
    Validations.of(this).acknowledge({ id, reason });
    if (this.role) Validations.of(this.role).acknowledge({ id, reason });
  }

  /** Sets a plain (non-secret) environment variable. */
  setEnv(name: string, value: string): this {
    this.addEnvironment(name, value);
    return this;
  }

  /**
   * Grants read, read-write, or `record` (put and update items only, for functions facing the internet) on a table
   * and each of its indexes by name (no wildcard) and sets `envName` to the table name.
   */
  bindTable(envName: string, table: HubTable, access: 'read' | 'readWrite' | 'record'): this {
    const actions =
      access === 'read'
        ? TABLE_READ_ACTIONS
        : access === 'record'
          ? TABLE_RECORD_ACTIONS
          : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
    const indexArns = Object.keys(table.schema.indexes).map((name) => `${table.tableArn}/index/${name}`);
    this.addToRolePolicy(new PolicyStatement({ actions, resources: [table.tableArn, ...indexArns] }));
    this.addEnvironment(envName, table.tableName);
    return this;
  }

  /**
   * Grants reading and/or writing objects under one key prefix (e.g. `rejected/`) of a bucket named
   * `bucketName` and sets `envName` to that name. Only object actions on that prefix are granted.
   */
  bindBucket(envName: string, bucketName: string, prefix: string, access: 'read' | 'put' | 'readWrite'): this {
    if (!/^[a-z0-9][a-z0-9-/]*\/$/.test(prefix)) {
      throw new Error(`HubFunction ${this.node.id}: bucket prefix '${prefix}' must be a folder such as 'rejected/'`);
    }
    const actions = [...(access !== 'put' ? ['s3:GetObject'] : []), ...(access !== 'read' ? ['s3:PutObject'] : [])];
    const objects = `arn:${Aws.PARTITION}:s3:::${bucketName}/${prefix}*`;
    this.addToRolePolicy(new PolicyStatement({ actions, resources: [objects] }));
    this.addEnvironment(envName, bucketName);
    this.#acknowledge(
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${renderForNag(Stack.of(this), bucketName)}/${prefix}*]`,
      `Object access is limited to the ${prefix} prefix the function works in; object keys are not known in advance.`,
    );
    return this;
  }

  /** Grants sending to a queue and sets `envName` to its URL. */
  bindQueue(envName: string, queue: IQueue): this {
    queue.grantSendMessages(this);
    this.addEnvironment(envName, queue.queueUrl);
    return this;
  }

  /** Grants putting events on a bus and sets `envName` to its name. */
  bindEventBus(envName: string, bus: IEventBus): this {
    bus.grantPutEventsTo(this);
    this.addEnvironment(envName, bus.eventBusName);
    return this;
  }

  /**
   * Grants reading a Secrets Manager secret by name and sets `envName` to that name; the value is read at run
   * time (and cached), never placed in the environment.
   */
  bindSecret(envName: string, secretName: string): this {
    const secret = Secret.fromSecretNameV2(this, `Secret${envName}`, secretName);
    secret.grantRead(this);
    this.addEnvironment(envName, secretName);
    return this;
  }
}
