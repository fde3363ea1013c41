import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import {
  CATALOGUE_TABLE,
  EXCEPTIONS_TABLE,
  FAILURES_TABLE,
  LEDGER_TABLE,
  SETTLEMENTS_TABLE,
  STOCK_TABLE,
  type TableSchema,
} from '../shared/adapters/aws/table-schemas';
import type { StageConfig } from './config/stage-config';

/** Properties of the stateful stack. */
export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

/** The data bucket's name: unique per stage, account and region, and known to every stack without an import. */
export const dataBucketName = (stage: string): string => `scayle-hub-${stage}-data-${Aws.ACCOUNT_ID}-${Aws.REGION}`;

/** A table built from one of the hub's key schemas; `schema` lets grants name each index exactly. */
export class HubTable extends TableV2 {
  constructor(
    scope: Construct,
    id: string,
    readonly schema: TableSchema,
    options: { retain: boolean },
  ) {
    super(scope, id, {
      partitionKey: { name: schema.partitionKey, type: AttributeType.STRING },
      ...(schema.sortKey ? { sortKey: { name: schema.sortKey, type: AttributeType.STRING } } : {}),
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: options.retain,
      removalPolicy: options.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      ...(schema.timeToLive ? { timeToLiveAttribute: schema.timeToLive } : {}),
      globalSecondaryIndexes: Object.entries(schema.indexes).map(([indexName, index]) => ({
        indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        ...(index.sortKey ? { sortKey: { name: index.sortKey, type: AttributeType.STRING } } : {}),
      })),
    });
  }
}

/**
 * Everything that holds data: the six tables, the data bucket, the event bus and the alarm topic. It changes
 * rarely and, for stages with `retainData`, survives `cdk destroy`; functions and wiring live in the stateless
 * stack so they can be replaced freely.
 */
export class StatefulStack extends Stack {
  readonly ledgerTable: HubTable;
  readonly stockTable: HubTable;
  readonly exceptionsTable: HubTable;
  readonly catalogueTable: HubTable;
  readonly settlementsTable: HubTable;
  readonly failuresTable: HubTable;
  /** Settlement reports, rejected payloads, journals and reports, each under its own prefix. */
  readonly dataBucket: Bucket;
  /**
   * The data bucket's name, built from the stage, account and region. Grants use it instead of the bucket's
   * ARN token so a policy on a key prefix reads the same in every stack (and its cdk-nag finding id is stable).
   */
  readonly dataBucketName: string;
  readonly eventBus: EventBus;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const table = (tableId: string, schema: TableSchema) =>
      new HubTable(this, tableId, schema, { retain: config.retainData });
    this.ledgerTable = table('LedgerTable', LEDGER_TABLE);
    this.stockTable = table('StockTable', STOCK_TABLE);
    this.exceptionsTable = table('ExceptionsTable', EXCEPTIONS_TABLE);
    this.catalogueTable = table('CatalogueTable', CATALOGUE_TABLE);
    this.settlementsTable = table('SettlementsTable', SETTLEMENTS_TABLE);
    this.failuresTable = table('FailuresTable', FAILURES_TABLE);

    const accessLogs = new Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // ACLs off: S3 delivers access logs under the bucket policy CDK writes (serverAccessLogsUseBucketPolicy).
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy,
      autoDeleteObjects: false,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop.',
    });
    this.dataBucketName = dataBucketName(config.stage);
    this.dataBucket = new Bucket(this, 'DataBucket', {
      bucketName: this.dataBucketName,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'data-bucket/',
      // Settlement files arriving under settlements/incoming/ trigger the parser through EventBridge, which keeps
      // the bucket free of references to functions in the stateless stack.
      eventBridgeEnabled: true,
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(90) },
        // Bodies refused at the edge may hold buyers' data: kept long enough to replay a fix, no longer (Amazon's
        // data protection policy allows 30 days after delivery).
        { prefix: 'rejected/', expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(1) },
      ],
      removalPolicy,
    });

    // eventBridgeEnabled is set by a CDK-provided custom resource whose role uses the basic execution policy.
    for (const child of this.node.children) {
      if (child.node.id.startsWith('BucketNotificationsHandler')) {
        Validations.of(child).acknowledge({
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            'CDK-provided handler that only turns on EventBridge notifications of the data bucket at deploy time.',
        });
      }
    }

    this.eventBus = new EventBus(this, 'EventBus', { eventBusName: `scayle-hub-${config.stage}` });
    this.eventBus.archive('EventArchive', {
      eventPattern: { account: [this.account] },
      retention: Duration.days(30),
      description: 'Replays the hub events of the last 30 days after an incident.',
    });

    // CloudWatch may publish to an encrypted topic only with a customer managed key that lets it.
    const topicKey = new Key(this, 'AlarmTopicKey', {
      enableKeyRotation: true,
      description: 'Encrypts the scayle-hub alarm topic',
      removalPolicy,
    });
    topicKey.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `scayle-hub ${config.stage} alarms`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));

    // Read by the `hub` command line to work against a deployed stage.
    const outputs: Record<string, string> = {
      LedgerTableName: this.ledgerTable.tableName,
      ExceptionsTableName: this.exceptionsTable.tableName,
      CatalogueTableName: this.catalogueTable.tableName,
      StockTableName: this.stockTable.tableName,
      SettlementsTableName: this.settlementsTable.tableName,
      FailuresTableName: this.failuresTable.tableName,
      DataBucketName: this.dataBucketName,
      EventBusName: this.eventBus.eventBusName,
    };
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
  }
}

/** What the stateless stack receives from the stateful one. */
export type StatefulResources = Pick<
  StatefulStack,
  | 'ledgerTable'
  | 'stockTable'
  | 'exceptionsTable'
  | 'catalogueTable'
  | 'settlementsTable'
  | 'failuresTable'
  | 'dataBucket'
  | 'dataBucketName'
  | 'eventBus'
  | 'alarmTopic'
>;
