import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { resolveStage } from '../../lib/config/stages';
import { FifoConsumer } from '../../lib/constructs/fifo-consumer';
import { HubFunction } from '../../lib/constructs/hub-function';
import { ENTRY_METADATA_KEY, SCHEDULE_METADATA_KEY } from '../../lib/constructs/metadata';
import { addHubStage } from '../../lib/hub-app';
import { HubTable } from '../../lib/stateful-stack';
import { FAILURES_TABLE } from '../../shared/adapters/aws/table-schemas';
import { synthDevStage, testApp } from '../helpers/app';
import { allInvariants } from '../helpers/invariants';

describe('the scayle-hub app', () => {
  const { stateful, stateless } = synthDevStage();

  it('holds every operational invariant in both stacks', () => {
    expect(allInvariants(stateful.toJSON())).toEqual([]);
    expect(allInvariants(stateless.toJSON())).toEqual([]);
  });

  it('names the stage schedule of every scheduled rule, each schedule used, so the local hub can choose which run', () => {
    const rules = [stateful, stateless].flatMap((stack) =>
      Object.values(
        stack.toJSON().Resources as Record<
          string,
          { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }
        >,
      ).filter((r) => r.Type === 'AWS::Events::Rule' && r.Properties.ScheduleExpression),
    );
    const config = resolveStage('dev');
    for (const rule of rules) {
      const name = rule.Metadata?.[SCHEDULE_METADATA_KEY] as keyof typeof config.schedules;
      expect(Object.keys(config.schedules)).toContain(name);
      expect(rule.Properties.ScheduleExpression).toBe(config.schedules[name]);
    }
    expect(new Set(rules.map((r) => r.Metadata?.[SCHEDULE_METADATA_KEY]))).toEqual(
      new Set(Object.keys(config.schedules)),
    );
  });

  it('keeps six tables with point-in-time recovery and KMS encryption', () => {
    stateful.resourceCountIs('AWS::DynamoDB::GlobalTable', 6);
    stateful.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('indexes the ledger by status for the monitors and reconciliation', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'byStatus',
          KeySchema: [
            { AttributeName: 'status', KeyType: 'HASH' },
            { AttributeName: 'updatedAt', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
  });

  it('keeps the data bucket private, versioned, logged and announcing objects to EventBridge', () => {
    stateful.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'data-bucket/' }),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      // Refused bodies may hold buyers' data: gone after 30 days.
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'rejected/', ExpirationInDays: 30, Status: 'Enabled' })]),
      },
    });
    stateful.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });

  it('lets DynamoDB delete resolved exceptions by their expiresAt', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('has a stage-named event bus with a replay archive, and an encrypted alarm topic CloudWatch can use', () => {
    stateful.hasResourceProperties('AWS::Events::EventBus', { Name: 'scayle-hub-dev' });
    stateful.resourceCountIs('AWS::Events::Archive', 1);
    stateful.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    stateful.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it("lets only Amazon's notifications principal send ORDER_CHANGE to a standard queue with a DLQ", () => {
    stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: {
              AWS: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':iam::437568002678:root')])] },
            },
            Action: Match.arrayWith(['sqs:SendMessage']),
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: {
              AWS: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':iam::437568002678:root')])] },
            },
            Action: 'sqs:GetQueueAttributes',
          }),
        ]),
      },
    });
    const notifications = Object.entries(stateless.findResources('AWS::SQS::Queue')).filter(([id]) =>
      id.startsWith('AmazonOrdersNotificationsQueue'),
    );
    expect(notifications).toHaveLength(1);
    const [, queue] = notifications[0] as [string, { Properties: Record<string, unknown> }];
    expect(queue.Properties.FifoQueue).toBeUndefined();
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue.Properties.RedrivePolicy).toMatchObject({ maxReceiveCount: 5 });
  });

  it('polls getOrders and runs the ghost monitor on their schedules, one job at a time, with ghost and poll-behind alarms', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Input: JSON.stringify({ job: 'poll' }) })],
    });
    stateless.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Input: JSON.stringify({ job: 'ghost-monitor' }) })],
    });
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('GHOST_ORDER'),
      ReservedConcurrentExecutions: 1,
    });
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'GhostOrders',
      Dimensions: [{ Name: 'service', Value: 'amazon-orders' }],
      AlarmDescription: Match.stringLikeRegexp('RUNBOOK.md#ghost_order'),
    });
    // The safety net reading a backlog for over an hour: lost notifications go unseen meanwhile.
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AmazonOrdersPollLag',
      Statistic: 'Maximum',
      Threshold: 3_600_000,
      AlarmDescription: Match.stringLikeRegexp('RUNBOOK.md#amazon_order_poll_behind'),
    });
  });

  it('runs each despatched package through a Standard state machine whose every task retries and catches', () => {
    const machines = Object.values(stateless.findResources('AWS::StepFunctions::StateMachine'));
    expect(machines).toHaveLength(1);
    const machine = machines[0] as { Properties: { StateMachineType: string; DefinitionString: unknown } };
    expect(machine.Properties.StateMachineType).toBe('STANDARD');
    const [, parts] = (machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    const definition = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'arn:function')).join('')) as {
      States: Record<string, { Type: string; Retry?: unknown[]; Catch?: unknown[]; Next?: string; Seconds?: number }>;
      TimeoutSeconds?: number;
    };
    // The dev stage's windows (120 + 240 minutes) and an hour: no execution runs on unseen.
    expect(definition.TimeoutSeconds).toBe((120 + 240 + 60) * 60);
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsTimedOut',
      Namespace: 'AWS/States',
      AlarmDescription: Match.stringLikeRegexp('RUNBOOK.md#despatch-executions-failed'),
    });
    const tasks = Object.entries(definition.States).filter(([, state]) => state.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual([
      'CheckAmazon',
      'Prepare',
      'RaiseAmazonUnacked',
      'RaiseFulfilmentUnacked',
      'RequestAmazon',
      'SyncScayle',
    ]);
    for (const [name, state] of tasks) {
      expect(state.Retry?.length, `${name} has no Retry`).toBeGreaterThan(0);
      expect(state.Catch?.length, `${name} has no Catch`).toBeGreaterThan(0);
    }
    // Past a window the execution fails visibly, under the exception's name.
    expect(
      Object.values(definition.States)
        .filter((s) => s.Type === 'Fail')
        .map((s) => (s as { Error?: string }).Error)
        .sort(),
    ).toEqual(['AMAZON_CONFIRMATION_UNACKED', 'FULFILMENT_UNACKED']);
  });

  it('lets no function behind a webhook route scan, query, read or delete a table: it can only record', () => {
    type Resource = { Type: string; Properties: Record<string, unknown> };
    const resources = stateless.toJSON().Resources as Record<string, Resource>;
    const ids = Object.keys(resources);
    const intake = Object.values(resources)
      .filter((r) => r.Type === 'AWS::ApiGateway::Method' && r.Properties.HttpMethod === 'POST')
      .map((r) => JSON.stringify((r.Properties.Integration as { Uri?: unknown } | undefined)?.Uri))
      .map((uri) => ids.find((id) => resources[id]?.Type === 'AWS::Lambda::Function' && uri.includes(`"${id}"`)));
    expect(intake).toHaveLength(3);
    for (const fn of intake) {
      const role = ((resources[fn as string] as Resource).Properties.Role as { 'Fn::GetAtt': [string, string] })[
        'Fn::GetAtt'
      ][0];
      const statements = Object.values(resources)
        .filter(
          (r) =>
            r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref?: string }[]).some((x) => x.Ref === role),
        )
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement);
      const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
      expect(actions, String(fn)).toContain('dynamodb:UpdateItem');
      expect(
        actions.filter((a) => /^dynamodb:(Scan|Query|GetItem|BatchGetItem|DeleteItem|BatchWriteItem)$/.test(a)),
        String(fn),
      ).toEqual([]);
    }
  });

  it("throttles every route on its own, and alarms on the API's 5xx and on each webhook's refused credentials", () => {
    const stage = Object.values(stateless.findResources('AWS::ApiGateway::Stage'))[0] as {
      Properties: { MethodSettings: { ResourcePath: string; HttpMethod: string; ThrottlingRateLimit?: number }[] };
    };
    const throttled = stage.Properties.MethodSettings.map(
      (m) => `${m.HttpMethod} ${m.ResourcePath.replaceAll('~1', '/').slice(1)} ${m.ThrottlingRateLimit}`,
    );
    expect(throttled.sort()).toEqual([
      // The stage-wide limit (every route at once), then each route's own.
      '* * 50',
      'GET /ops/exceptions 5',
      'POST /webhooks/orderwise/despatch 20',
      'POST /webhooks/orderwise/stock 20',
      'POST /webhooks/scayle 20',
    ]);
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5XXError',
      Namespace: 'AWS/ApiGateway',
      AlarmDescription: Match.stringLikeRegexp('RUNBOOK.md#api-server-errors'),
    });
    const refused = stateless.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: 'HttpUnauthorized' },
    });
    expect(
      Object.values(refused)
        .map((a) => (a as { Properties: { Dimensions: { Value: string }[] } }).Properties.Dimensions[0]?.Value)
        .sort(),
    ).toEqual(['fulfilment', 'orders', 'stock']);
  });

  it("lets each function write only its own logs, and grants '*' only to X-Ray, which has no resources", () => {
    type Resource = { Type: string; Properties: Record<string, unknown> };
    type Statement = { Action: string | string[]; Resource: unknown };
    const resources = stateless.toJSON().Resources as Record<string, Resource>;
    const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
    const hubFunctions = Object.entries(resources).filter(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.handler',
    );
    expect(hubFunctions.length).toBeGreaterThan(20);
    for (const [id, fn] of hubFunctions) {
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      const role = resources[roleId] as Resource;
      expect(role.Properties.ManagedPolicyArns, `${id} has a managed policy`).toBeUndefined();
      const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      const inline = (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
        (p) => p.PolicyDocument.Statement,
      );
      const attached = Object.values(resources)
        .filter(
          (r) =>
            r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref?: string }[]).some((x) => x.Ref === roleId),
        )
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
      for (const statement of [...inline, ...attached]) {
        if (actionsOf(statement).some((a) => a.startsWith('logs:')))
          expect(JSON.stringify(statement.Resource), id).toContain(logGroupId);
        if (statement.Resource === '*')
          expect(
            actionsOf(statement).every((a) => a.startsWith('xray:')),
            `${id}: ${actionsOf(statement)}`,
          ).toBe(true);
      }
    }
  });

  it('puts AWS WAF in front of the stage: AWS IP reputation, a rate per address, and reserved intake concurrency', () => {
    stateless.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    stateless.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'AwsIpReputation',
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' },
          },
        }),
        Match.objectLike({
          Name: 'RatePerAddress',
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: 6_000, AggregateKeyType: 'IP' } },
        }),
      ],
    });
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/WAFV2',
      MetricName: 'BlockedRequests',
      AlarmDescription: Match.stringLikeRegexp('RUNBOOK.md#waf-rate-blocks'),
    });
    const intake = Object.values(stateless.findResources('AWS::Lambda::Function')).filter((f) =>
      /Accepts (SCAYLE webhooks|OrderWise)/.test((f as { Properties: { Description: string } }).Properties.Description),
    );
    expect(
      intake.map(
        (f) => (f as { Properties: { ReservedConcurrentExecutions?: number } }).Properties.ReservedConcurrentExecutions,
      ),
    ).toEqual([10, 10, 10]);
  });

  it("closes OrderWise's export routes to every other address when the stage lists OrderWise's", () => {
    const { stateless: listed } = synthDevStage({ edge: { orderwiseAllowList: ['203.0.113.7/32'] } });
    listed.hasResourceProperties('AWS::WAFv2::IPSet', { Addresses: ['203.0.113.7/32'], Scope: 'REGIONAL' });
    listed.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([Match.objectLike({ Name: 'OrderwiseExportsFromOrderwiseOnly', Action: { Block: {} } })]),
    });
    expect(() => synthDevStage({ edge: { orderwiseAllowList: ['orderwise.example'] } })).toThrow(
      /edge\.orderwiseAllowList\.0: must be an IPv4 CIDR/,
    );
  });

  it('serves the exceptions list read-only behind IAM, and the webhooks without it', () => {
    const methods = Object.values(stateless.findResources('AWS::ApiGateway::Method')) as {
      Properties: { HttpMethod: string; AuthorizationType?: string };
    }[];
    expect(methods.filter((m) => m.Properties.HttpMethod === 'GET').map((m) => m.Properties.AuthorizationType)).toEqual(
      ['AWS_IAM'],
    );
    const posts = methods.filter((m) => m.Properties.HttpMethod === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((m) => m.Properties.AuthorizationType !== 'AWS_IAM')).toBe(true);
  });

  it("validates the carrier table against Amazon's list at synth time", () => {
    expect(() => synthDevStage({ carriers: { Evri: { amazon: 'Evri', scayle: 'EVRI' } } })).toThrow(/carriers.*Evri/);
  });

  it('refuses a stage whose marketplace has no SCAYLE shop for its orders', () => {
    expect(() => synthDevStage({ amazon: { marketplaceIds: ['A1F83G8C2ARO7P', 'A13V1IB3VIYZZH'] } })).toThrow(
      /amazon.scayleShops.A13V1IB3VIYZZH: marketplace A13V1IB3VIYZZH .*needs the SCAYLE shop/,
    );
  });

  it('syncs the catalogue daily through a FIFO queue fed by the SCAYLE webhook, with blocked and rejected alarms', () => {
    const template = stateless;
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: Match.arrayWith([Match.objectLike({ Input: JSON.stringify({ job: 'sync-all' }) })]),
    });
    const functions = template.findResources('AWS::Lambda::Function');
    const envOf = (prefix: string) =>
      Object.entries(functions).find(([id]) => id.startsWith(prefix))?.[1]?.Properties?.Environment?.Variables ?? {};
    for (const fn of ['CatalogueListings', 'CatalogueCatalogueJobs'])
      expect(envOf(fn), fn).toMatchObject({ LISTING_MAPPING: 'apparel', AMAZON_USAGE_PLAN_SHARE: '0.25' });
    expect(envOf('OrdersScayleWebhook')).toHaveProperty('LISTINGS_QUEUE_URL');
    // The push and the listings consumers patch under one per-seller plan: their shares together fit in it.
    const listingsConsumer = Object.keys(functions).find((id) => id.startsWith('CatalogueListings'));
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    const consumers = mappings.find((m) =>
      JSON.stringify(m.Properties.FunctionName).includes(listingsConsumer ?? '?'),
    )?.Properties;
    expect(consumers).toMatchObject({ BatchSize: 1, ScalingConfig: { MaximumConcurrency: 2 } });
    const pushShare = Number(envOf('StockAmazonStockPush').AMAZON_USAGE_PLAN_SHARE);
    expect(pushShare).toBe(0.5);
    expect(
      pushShare +
        consumers.ScalingConfig.MaximumConcurrency * Number(envOf('CatalogueListings').AMAZON_USAGE_PLAN_SHARE),
    ).toBeLessThanOrEqual(1);
    const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.some((id) => id.startsWith('CatalogueListingsBlockedAlarm'))).toBe(true);
    expect(alarms.some((id) => id.startsWith('CatalogueListingsRejectedAlarm'))).toBe(true);
    // Listings Amazon lost that the hub could not list again wake someone.
    expect(alarms.some((id) => id.startsWith('StockAmazonListingsLostAlarm'))).toBe(true);
    template.hasOutput('CatalogueJobsFunctionName', {});
    template.hasOutput('ListingsDlqUrl', {});
  });

  it('retains data and protects tables for stages that hold real data', () => {
    const { stateful: retained } = synthDevStage({ retainData: true, alarmEmail: 'ops@example.com' });
    retained.allResources('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    retained.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
    });
    retained.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

describe('FifoConsumer', () => {
  const build = () => {
    const app = testApp();
    const { stateless, stateful } = addHubStage(app, resolveStage('dev'));
    const consumer = new HubFunction(stateless, 'NoopConsumer', {
      entry: 'test/fixtures/functions/noop',
      description: 'test consumer',
      logRetentionDays: 14,
      timeout: Duration.seconds(20),
      environment: { EXTRA: 'yes' },
    })
      .bindTable('LEDGER_TABLE', stateful.ledgerTable, 'readWrite')
      .bindBucket('DATA_BUCKET', stateful.dataBucketName, 'rejected/', 'readWrite')
      .bindSecret('WEBHOOK_SECRET', 'scayle-hub/dev/scayle-webhook')
      .bindEventBus('EVENT_BUS', stateful.eventBus);
    new FifoConsumer(stateless, 'Noop', {
      consumer,
      alarmTopic: stateful.alarmTopic,
      failuresTable: stateful.failuresTable,
      purpose: 'test events',
      maxReceiveCount: 3,
      dashboard: stateless.operations,
    });
    app.synth();
    return Template.fromStack(stateless);
  };
  const template = build();

  it('wires a FIFO queue with a FIFO dead-letter queue after maxReceiveCount deliveries', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: false,
      VisibilityTimeout: 120,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 3 },
      SqsManagedSseEnabled: true,
    });
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { FifoQueue: true, VisibilityTimeout: 120 }, 1);
  });

  it('reports batch item failures and alarms on the first dead letter', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [Match.anyValue()],
    });
  });

  it('holds every operational invariant', () => {
    expect(allInvariants(template.toJSON())).toEqual([]);
  });

  it('pins the hub runtime, merges the environment and records the entry for the local hub', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find(
      (resource) => resource.Metadata?.[ENTRY_METADATA_KEY] === 'test/fixtures/functions/noop/handler.ts',
    );
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: 20,
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'scayle-hub',
          NODE_OPTIONS: '--enable-source-maps',
          EXTRA: 'yes',
          LEDGER_TABLE: expect.anything(),
        },
      },
    });
  });

  it('grants object access under the bound prefix only, and each table index by name', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('"Action":["s3:GetObject","s3:PutObject"]');
    expect(policies).toContain('/rejected/*');
    expect(policies).toContain('/index/byStatus');
    expect(policies).not.toContain('/index/*');
    expect(policies).not.toContain('s3:List');
  });

  it('refuses a bucket prefix that is not a folder', () => {
    const stack = new Stack(testApp(), 'Prefix');
    const fn = new HubFunction(stack, 'Fn', {
      entry: 'test/fixtures/functions/noop',
      description: 'x',
      logRetentionDays: 7,
    });
    expect(() => fn.bindBucket('B', 'bucket', 'rejected', 'put')).toThrow(/must be a folder such as 'rejected\/'/);
  });

  it('refuses props outside the FIFO limits with a clear error', () => {
    const stack = new Stack(testApp(), 'Limits');
    const consumer = new HubFunction(stack, 'Fn', {
      entry: 'test/fixtures/functions/noop',
      description: 'x',
      logRetentionDays: 7,
    });
    const topic = new Topic(stack, 'T');
    const failuresTable = new HubTable(stack, 'Failures', FAILURES_TABLE, { retain: false });
    expect(
      () => new FifoConsumer(stack, 'A', { consumer, alarmTopic: topic, failuresTable, purpose: 'x', batchSize: 11 }),
    ).toThrow(/batchSize must be an integer from 1 to 10/);
    expect(
      () =>
        new FifoConsumer(stack, 'B', { consumer, alarmTopic: topic, failuresTable, purpose: 'x', maxReceiveCount: 0 }),
    ).toThrow(/maxReceiveCount must be an integer from 1 to 100/);
  });

  it('refuses a function whose handler file does not exist', () => {
    const stack = new Stack(testApp(), 'Missing');
    expect(
      () => new HubFunction(stack, 'Fn', { entry: 'functions/nope', description: 'x', logRetentionDays: 7 }),
    ).toThrow(/no handler at functions\/nope\/handler.ts/);
  });
});

describe('cdk-nag on synth', () => {
  it('fails synth on an unacknowledged AwsSolutions finding', () => {
    const app = testApp();
    const { stateless } = addHubStage(app, resolveStage('dev'));
    new Bucket(stateless, 'CarelessBucket');
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
  });

  it('passes once the finding is fixed', () => {
    const app = testApp();
    const { stateless, stateful } = addHubStage(app, resolveStage('dev'));
    new Bucket(stateless, 'CarefulBucket', {
      enforceSSL: true,
      serverAccessLogsBucket: stateful.dataBucket,
      serverAccessLogsPrefix: 'careful/',
    });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('a stage that keeps its data', () => {
  it('keeps every queue, dead-letter queue and log group when its stacks are deleted; dev keeps none', () => {
    const kept = synthDevStage({ stage: 'prod', retainData: true }).stateless.toJSON().Resources as Record<
      string,
      { Type: string; DeletionPolicy?: string }
    >;
    const dev = synthDevStage().stateless.toJSON().Resources as typeof kept;
    const policies = (resources: typeof kept) =>
      Object.values(resources)
        .filter((r) => r.Type === 'AWS::SQS::Queue' || r.Type === 'AWS::Logs::LogGroup')
        .map((r) => r.DeletionPolicy ?? 'Delete');

    expect(policies(kept).length).toBeGreaterThan(20);
    expect(new Set(policies(kept))).toEqual(new Set(['Retain']));
    expect(new Set(policies(dev))).not.toContain('Retain');
  });
});
