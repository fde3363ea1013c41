import type { APIGatewayProxyEvent, Context, SQSEvent, SQSRecord } from 'aws-lambda';

/** A Lambda context good enough for handlers under test. */
export const lambdaContext = (): Context =>
  ({
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:test',
    memoryLimitInMB: '512',
    awsRequestId: 'req-1',
    logGroupName: '/aws/lambda/test',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  }) as Context;

/** An SQS FIFO record with the given body and group. */
export const fifoRecord = (messageId: string, groupId: string, body: unknown, receiveCount = 1): SQSRecord => ({
  messageId,
  receiptHandle: `handle-${messageId}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '0',
    SenderId: 'test',
    ApproximateFirstReceiveTimestamp: '0',
    MessageGroupId: groupId,
    MessageDeduplicationId: messageId,
    SequenceNumber: messageId,
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:test.fifo',
  awsRegion: 'eu-west-1',
});

/** An SQS event of the given records. */
export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** An API Gateway proxy event. */
export const apiEvent = (overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent =>
  ({
    httpMethod: 'POST',
    path: '/',
    resource: '/',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1' } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  }) as APIGatewayProxyEvent;
