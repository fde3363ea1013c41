/**
 * Operational invariants of ../shared/STYLE.md checked over a synthesized CloudFormation template. Each check
 * returns the violations it found as sentences naming the resource, so a failing test says what to fix.
 */

type Resource = { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, unknown> };
type TemplateJson = { Resources?: Record<string, Resource> };

/** Functions CDK itself adds for deploy-time work (custom resources); they are not the hub's code. */
const CDK_PROVIDED =
  /^(BucketNotificationsHandler|CustomS3AutoDeleteObjects|LogRetention|AWS679f53fac002430cb0da5b7982bd2287)/;

const byType = (template: TemplateJson, type: string): [string, Resource][] =>
  Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === type);

/** The logical id a `Ref` or `Fn::GetAtt` points at, if the value is one. */
const referenced = (value: unknown): string | undefined => {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const att = v['Fn::GetAtt'];
    if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  }
  return undefined;
};

/** Queues that are dead-letter queues: of another queue's redrive policy, or of an EventBridge rule's targets. */
const deadLetterQueueIds = (template: TemplateJson): Set<string | undefined> =>
  new Set(
    [
      ...byType(template, 'AWS::SQS::Queue').map(([, q]) =>
        referenced(q.Properties?.RedrivePolicy?.deadLetterTargetArn),
      ),
      ...byType(template, 'AWS::Events::Rule').flatMap(([, r]) =>
        (r.Properties?.Targets ?? []).map((t: any) => referenced(t.DeadLetterConfig?.Arn)),
      ),
    ].filter(Boolean),
  );

/** Every queue that is not itself a DLQ has a redrive policy; a FIFO queue's DLQ is FIFO too. */
export const queuesHaveDlqs = (template: TemplateJson): string[] => {
  const queues = byType(template, 'AWS::SQS::Queue');
  const dlqIds = deadLetterQueueIds(template);
  const violations: string[] = [];
  for (const [id, queue] of queues) {
    if (dlqIds.has(id)) continue;
    const target = referenced(queue.Properties?.RedrivePolicy?.deadLetterTargetArn);
    if (!target) {
      violations.push(`queue ${id} has no dead-letter queue`);
      continue;
    }
    const dlq = template.Resources?.[target];
    if (queue.Properties?.FifoQueue === true && dlq?.Properties?.FifoQueue !== true) {
      violations.push(`FIFO queue ${id} has a dead-letter queue ${target} that is not FIFO`);
    }
    if (!(Number(queue.Properties?.RedrivePolicy?.maxReceiveCount) >= 1)) {
      violations.push(`queue ${id} has no bounded maxReceiveCount`);
    }
  }
  return violations;
};

/** Every SQS event source reports batch item failures, and its queue's visibility timeout is >= 6x the function timeout. */
export const eventSourcesAreSafe = (template: TemplateJson): string[] => {
  const violations: string[] = [];
  for (const [id, mapping] of byType(template, 'AWS::Lambda::EventSourceMapping')) {
    const queueId = referenced(mapping.Properties?.EventSourceArn);
    const queue = queueId ? template.Resources?.[queueId] : undefined;
    if (queue?.Type !== 'AWS::SQS::Queue') continue;
    if (!(mapping.Properties?.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures')) {
      violations.push(`event source ${id} on queue ${queueId} does not report batch item failures`);
    }
    const fnId = referenced(mapping.Properties?.FunctionName);
    const timeout = Number(template.Resources?.[fnId ?? '']?.Properties?.Timeout ?? 3);
    const visibility = Number(queue.Properties?.VisibilityTimeout ?? 30);
    if (visibility < 6 * timeout) {
      violations.push(
        `queue ${queueId} has a visibility timeout of ${visibility}s, less than 6x the ${timeout}s timeout of ${fnId}`,
      );
    }
  }
  return violations;
};

/** Every hub function logs to its own log group with a retention period. */
export const functionsHaveLogRetention = (template: TemplateJson): string[] => {
  const violations: string[] = [];
  for (const [id, fn] of byType(template, 'AWS::Lambda::Function')) {
    if (CDK_PROVIDED.test(id)) continue;
    const groupId = referenced(fn.Properties?.LoggingConfig?.LogGroup);
    const group = groupId ? template.Resources?.[groupId] : undefined;
    if (group?.Type !== 'AWS::Logs::LogGroup') violations.push(`function ${id} has no log group of its own`);
    else if (!group.Properties?.RetentionInDays)
      violations.push(`log group ${groupId} of function ${id} keeps logs forever`);
  }
  return violations;
};

/** Every table has point-in-time recovery and server-side encryption. */
export const tablesAreProtected = (template: TemplateJson): string[] => {
  const violations: string[] = [];
  for (const [id, table] of byType(template, 'AWS::DynamoDB::GlobalTable')) {
    const replicas: any[] = table.Properties?.Replicas ?? [];
    if (!replicas.every((r) => r.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true)) {
      violations.push(`table ${id} has no point-in-time recovery`);
    }
    if (table.Properties?.SSESpecification?.SSEEnabled !== true)
      violations.push(`table ${id} is not encrypted with KMS`);
  }
  for (const [id] of byType(template, 'AWS::DynamoDB::Table')) {
    violations.push(`table ${id} is a TableV1; use TableV2 so protection settings are uniform`);
  }
  return violations;
};

/** Every bucket blocks public access, is encrypted and enforces TLS; buckets with data are versioned. */
export const bucketsAreProtected = (template: TemplateJson): string[] => {
  const violations: string[] = [];
  const policies = byType(template, 'AWS::S3::BucketPolicy');
  for (const [id, bucket] of byType(template, 'AWS::S3::Bucket')) {
    const block = bucket.Properties?.PublicAccessBlockConfiguration ?? {};
    if (
      !['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every(
        (k) => block[k] === true,
      )
    ) {
      violations.push(`bucket ${id} does not block public access`);
    }
    if (!bucket.Properties?.BucketEncryption) violations.push(`bucket ${id} is not encrypted`);
    // ACLs off: only the bucket policy grants access, and every object is the account's.
    const ownership = bucket.Properties?.OwnershipControls?.Rules?.[0]?.ObjectOwnership;
    if (ownership !== 'BucketOwnerEnforced') violations.push(`bucket ${id} does not enforce bucket-owner ownership`);
    const tls = policies.some(
      ([, p]) =>
        referenced(p.Properties?.Bucket) === id &&
        JSON.stringify(p.Properties?.PolicyDocument ?? {}).includes('"aws:SecureTransport":"false"'),
    );
    if (!tls) violations.push(`bucket ${id} does not enforce TLS`);
    const isLogBucket = JSON.stringify(template.Resources ?? {}).includes(`"DestinationBucketName":{"Ref":"${id}"}`);
    if (!isLogBucket && bucket.Properties?.VersioningConfiguration?.Status !== 'Enabled') {
      violations.push(`bucket ${id} is not versioned`);
    }
  }
  return violations;
};

/** Every dead-letter queue has an alarm on its depth with an action. */
export const dlqsHaveAlarms = (template: TemplateJson): string[] => {
  const dlqIds = deadLetterQueueIds(template);
  const alarms = byType(template, 'AWS::CloudWatch::Alarm');
  const violations: string[] = [];
  for (const dlqId of dlqIds) {
    const alarmed = alarms.some(
      ([, a]) =>
        a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        (a.Properties?.Dimensions ?? []).some((d: any) => referenced(d.Value) === dlqId) &&
        (a.Properties?.AlarmActions ?? []).length > 0,
    );
    if (!alarmed) violations.push(`dead-letter queue ${dlqId} has no depth alarm with an action`);
    // The depth alarm stays in ALARM while letters wait: a second one must notify on every new letter.
    const onEachNew = alarms.some(
      ([, a]) =>
        (a.Properties?.Metrics ?? []).some((m: any) => /^DIFF\(/.test(m.Expression ?? '')) &&
        (a.Properties?.Metrics ?? []).some((m: any) =>
          (m.MetricStat?.Metric?.Dimensions ?? []).some((d: any) => referenced(d.Value) === dlqId),
        ) &&
        (a.Properties?.AlarmActions ?? []).length > 0,
    );
    if (!onEachNew) violations.push(`dead-letter queue ${dlqId} has no alarm on each new dead letter`);
  }
  return violations;
};

/** Every hub function (one with an entry) has an alarm on its errors and one on its throttles. */
export const functionsHaveAlarms = (template: TemplateJson): string[] => {
  const alarms = byType(template, 'AWS::CloudWatch::Alarm');
  const alarmed = (fnId: string, metric: string) =>
    alarms.some(
      ([, a]) =>
        a.Properties?.MetricName === metric &&
        (a.Properties?.Dimensions ?? []).some((d: any) => d.Name === 'FunctionName' && referenced(d.Value) === fnId) &&
        (a.Properties?.AlarmActions ?? []).length > 0,
    );
  return byType(template, 'AWS::Lambda::Function')
    .filter(([, fn]) => fn.Metadata?.['scayle-hub:entry'] !== undefined)
    .flatMap(([id]) =>
      ['Errors', 'Throttles'].filter((m) => !alarmed(id, m)).map((m) => `function ${id} has no ${m} alarm`),
    );
};

/** All checks over one template. */
export const allInvariants = (template: TemplateJson): string[] => [
  ...queuesHaveDlqs(template),
  ...eventSourcesAreSafe(template),
  ...functionsHaveLogRetention(template),
  ...tablesAreProtected(template),
  ...bucketsAreProtected(template),
  ...dlqsHaveAlarms(template),
  ...functionsHaveAlarms(template),
];
