import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_ACCOUNT, LOCAL_REGION, type Resolver } from './intrinsics';
import type { CfnResource, CfnTemplate } from './template';

/** The AWS engines the local hub provisions into. */
export interface Engines {
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
}

/** What one stack turned into locally. */
export interface ProvisionedStack {
  readonly tables: Map<string, string>;
  readonly queues: Map<string, { url: string; arn: string; name: string; fifo: boolean; visibilityTimeout: number }>;
  readonly buckets: Map<string, string>;
  /** The stack's outputs by name (those the `hub` command line reads). */
  readonly outputs: Map<string, string>;
}

const str = (value: unknown) => (value === undefined || value === null ? undefined : String(value));

/**
 * Registers what every resource answers to `Ref`/`Fn::GetAtt` before anything is created, so references
 * between resources resolve in any order. Names follow what CloudFormation would do where the template sets
 * none: the logical id (plus `.fifo` for FIFO queues).
 */
export const registerResources = (template: CfnTemplate, resolver: Resolver): void => {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;
  for (const [id, resource] of Object.entries(template.Resources)) {
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table': {
        const name = str(p.TableName) ?? id;
        resolver.resources.set(id, {
          ref: name,
          attributes: {
            Arn: arn('dynamodb', `table/${name}`),
            StreamArn: arn('dynamodb', `table/${name}/stream/local`),
          },
        });
        break;
      }
      case 'AWS::SQS::Queue': {
        const name = str(p.QueueName) ?? `${id}${p.FifoQueue === true ? '.fifo' : ''}`;
        const url = `local-queue://${name}`;
        resolver.resources.set(id, { ref: url, attributes: { Arn: arn('sqs', name), QueueName: name, QueueUrl: url } });
        break;
      }
      case 'AWS::S3::Bucket': {
        const name = str(resolver.resolve(p.BucketName ?? id.toLowerCase(), id)) as string;
        resolver.resources.set(id, {
          ref: name,
          attributes: {
            Arn: `arn:aws:s3:::${name}`,
            DomainName: `${name}.s3.localhost`,
            RegionalDomainName: `${name}.s3.localhost`,
          },
        });
        break;
      }
      case 'AWS::Events::EventBus': {
        const name = str(p.Name) ?? id;
        resolver.resources.set(id, { ref: name, attributes: { Arn: arn('events', `event-bus/${name}`), Name: name } });
        break;
      }
      case 'AWS::Lambda::Function':
        resolver.resources.set(id, { ref: id, attributes: { Arn: arn('lambda', `function:${id}`) } });
        break;
      case 'AWS::SNS::Topic':
        resolver.resources.set(id, { ref: arn('sns', id), attributes: { TopicArn: arn('sns', id), TopicName: id } });
        break;
      case 'AWS::StepFunctions::StateMachine': {
        const name = str(p.StateMachineName) ?? id;
        const machineArn = arn('states', `stateMachine:${name}`);
        resolver.resources.set(id, { ref: machineArn, attributes: { Arn: machineArn, Name: name } });
        break;
      }
      case 'AWS::ApiGateway::RestApi':
        resolver.resources.set(id, { ref: id, attributes: { RootResourceId: `${id}/root` } });
        break;
      default:
        resolver.resources.set(id, { ref: id, attributes: { Arn: arn('local', id) } });
    }
  }
};

/** Creates the tables, queues and buckets of a template in the engines. */
export const createResources = async (
  template: CfnTemplate,
  resolver: Resolver,
  engines: Engines,
): Promise<ProvisionedStack> => {
  const stack: ProvisionedStack = { tables: new Map(), queues: new Map(), buckets: new Map(), outputs: new Map() };
  const of = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

  for (const [id, resource] of [...of('AWS::DynamoDB::GlobalTable'), ...of('AWS::DynamoDB::Table')]) {
    const p = resolver.resolve(resource.Properties ?? {}, id) as Record<string, unknown>;
    const name = resolver.resources.get(id)?.ref as string;
    const indexes = (p.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[];
    await engines.dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: p.KeySchema as never,
        AttributeDefinitions: p.AttributeDefinitions as never,
        ...(indexes.length > 0
          ? {
              GlobalSecondaryIndexes: indexes.map((gsi) => ({
                IndexName: gsi.IndexName as string,
                KeySchema: gsi.KeySchema as never,
                Projection: (gsi.Projection ?? { ProjectionType: 'ALL' }) as never,
              })),
            }
          : {}),
      }),
    );
    stack.tables.set(id, name);
  }

  // Dead-letter queues first: a queue's redrive policy names its DLQ.
  const queues = of('AWS::SQS::Queue').sort(
    ([, a], [, b]) => Number(Boolean(a.Properties?.RedrivePolicy)) - Number(Boolean(b.Properties?.RedrivePolicy)),
  );
  for (const [id, resource] of queues) {
    const p = resolver.resolve(resource.Properties ?? {}, id) as Record<string, unknown>;
    const name = resolver.resources.get(id)?.attributes.QueueName as string;
    const attributes: Record<string, string> = {};
    if (p.FifoQueue === true) attributes.FifoQueue = 'true';
    if (p.ContentBasedDeduplication !== undefined)
      attributes.ContentBasedDeduplication = String(p.ContentBasedDeduplication);
    if (p.VisibilityTimeout !== undefined) attributes.VisibilityTimeout = String(p.VisibilityTimeout);
    if (p.MessageRetentionPeriod !== undefined) attributes.MessageRetentionPeriod = String(p.MessageRetentionPeriod);
    if (p.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(p.RedrivePolicy);
    const created = await engines.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const url = created.QueueUrl as string;
    const registered = resolver.resources.get(id) as { attributes: Record<string, string> };
    resolver.resources.set(id, { ref: url, attributes: { ...registered.attributes, QueueUrl: url } });
    stack.queues.set(id, {
      url,
      arn: registered.attributes.Arn as string,
      name,
      fifo: p.FifoQueue === true,
      visibilityTimeout: Number(p.VisibilityTimeout ?? 30),
    });
  }

  for (const [id] of of('AWS::S3::Bucket')) {
    const name = resolver.resources.get(id)?.ref as string;
    await engines.s3.send(new CreateBucketCommand({ Bucket: name }));
    stack.buckets.set(id, name);
  }

  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    const value = resolver.resolve(output.Value, `output ${name}`);
    if (output.Export) resolver.exports.set(output.Export.Name, value);
    else stack.outputs.set(name, String(value));
  }
  return stack;
};

/** The logical id of the function a Lambda ARN expression points at (`Fn::GetAtt [id, Arn]` inside joins). */
export const functionIdIn = (value: unknown, template: CfnTemplate): string | undefined => {
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = functionIdIn(v, template);
      if (found) return found;
    }
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const att = record['Fn::GetAtt'];
  const ref = record.Ref;
  const id = Array.isArray(att) ? String(att[0]) : typeof ref === 'string' ? ref : undefined;
  if (id && template.Resources[id]?.Type === 'AWS::Lambda::Function') return id;
  return functionIdIn(Object.values(record), template);
};

/** The path of an API Gateway resource, walking its parents to the API's root. */
export const resourcePath = (id: string, template: CfnTemplate): string => {
  const resource = template.Resources[id] as CfnResource | undefined;
  if (resource?.Type !== 'AWS::ApiGateway::Resource') return '';
  const parent = resource.Properties?.ParentId as Record<string, unknown> | undefined;
  const parentId = typeof parent?.Ref === 'string' ? parent.Ref : undefined;
  return `${parentId ? resourcePath(parentId, template) : ''}/${String(resource.Properties?.PathPart)}`;
};
