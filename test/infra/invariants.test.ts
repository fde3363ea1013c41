import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import {
  bucketsAreProtected,
  dlqsHaveAlarms,
  eventSourcesAreSafe,
  functionsHaveLogRetention,
  queuesHaveDlqs,
  tablesAreProtected,
} from '../helpers/invariants';

// A stack that breaks every rule, to prove each check can fail (the app tests prove they pass).
const careless = () => {
  const stack = new Stack(new App(), 'Careless');
  const standardDlq = new Queue(stack, 'StandardDlq');
  new Queue(stack, 'Orphan', { fifo: true });
  const fifo = new Queue(stack, 'Fifo', {
    fifo: true,
    visibilityTimeout: Duration.seconds(30),
    deadLetterQueue: { queue: standardDlq, maxReceiveCount: 3 },
  });
  const fn = new LambdaFunction(stack, 'Fn', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => {}'),
    timeout: Duration.seconds(20),
  });
  fn.addEventSource(new SqsEventSource(fifo));
  new TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  new Bucket(stack, 'Bucket');
  return Template.fromStack(stack).toJSON();
};

describe('operational invariants', () => {
  const template = careless();

  it('finds a queue without a dead-letter queue and a FIFO queue with a standard one', () => {
    const violations = queuesHaveDlqs(template);
    expect(violations).toContainEqual(expect.stringMatching(/queue Orphan\w+ has no dead-letter queue/));
    expect(violations).toContainEqual(
      expect.stringMatching(/FIFO queue Fifo\w+ has a dead-letter queue StandardDlq\w+ that is not FIFO/),
    );
  });

  it('finds an event source without batch item failures and a visibility timeout under 6x the function timeout', () => {
    const violations = eventSourcesAreSafe(template);
    expect(violations).toContainEqual(expect.stringMatching(/does not report batch item failures/));
    expect(violations).toContainEqual(expect.stringMatching(/visibility timeout of 30s, less than 6x the 20s timeout/));
  });

  it('finds a function logging to a group without retention', () => {
    expect(functionsHaveLogRetention(template)).toEqual([
      expect.stringMatching(/function Fn\w+ has no log group of its own/),
    ]);
  });

  it('finds a table without point-in-time recovery or KMS encryption', () => {
    expect(tablesAreProtected(template)).toEqual([
      expect.stringMatching(/no point-in-time recovery/),
      expect.stringMatching(/not encrypted with KMS/),
    ]);
  });

  it('finds a bucket that is not encrypted, versioned or TLS-only', () => {
    const violations = bucketsAreProtected(template);
    expect(violations).toContainEqual(expect.stringMatching(/does not enforce TLS/));
    expect(violations).toContainEqual(expect.stringMatching(/is not versioned/));
    expect(violations).toContainEqual(expect.stringMatching(/does not enforce bucket-owner ownership/));
  });

  it('finds a dead-letter queue nobody is alarmed about', () => {
    expect(dlqsHaveAlarms(template)).toEqual([
      expect.stringMatching(/dead-letter queue StandardDlq\w+ has no depth alarm/),
      expect.stringMatching(/dead-letter queue StandardDlq\w+ has no alarm on each new dead letter/),
    ]);
  });
});
