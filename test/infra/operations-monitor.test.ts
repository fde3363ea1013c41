import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENTRY_METADATA_KEY } from '../../lib/constructs/metadata';
import { exceptionTypes } from '../../shared/domain/exception-types';
import { synthDevStage } from '../helpers/app';

describe('the operations monitor', () => {
  const { stateless } = synthDevStage();
  const functionId = (entry: string): string => {
    const ids = Object.entries(stateless.findResources('AWS::Lambda::Function'))
      .filter(([, resource]) => resource.Metadata?.[ENTRY_METADATA_KEY] === `functions/${entry}/handler.ts`)
      .map(([id]) => id);
    expect(ids, entry).toHaveLength(1);
    return ids[0] as string;
  };

  it("counts open exceptions on the monitors' schedule, with retries and a dead-letter queue", () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId('ops-metrics'), 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 4 }),
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
  });

  it('graphs open exceptions of every type, stacked, on the dashboard', () => {
    const [dashboard] = Object.values(stateless.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);
    const widget = /\{[^{}]*"title\\":\\"Open exceptions by type\\".*?\}\}/.exec(body)?.[0] ?? '';
    expect(widget).toContain('\\"stacked\\":true');
    for (const type of exceptionTypes())
      expect(widget).toContain(
        `\\"ScayleHub\\",\\"OpenExceptions\\",\\"service\\",\\"operations\\",\\"type\\",\\"${type}\\"`,
      );
  });

  it("gives ops-status the peers' settings and secrets by name, and names it in a stack output", () => {
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^hub trace'),
      Timeout: 30,
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'operations',
          LIVE_STATUS_TIMEOUT_MS: '10000',
          SCAYLE_API_URL: 'https://acme-test.admin.api.scayle.cloud/api/admin/v1',
          SCAYLE_API_SECRET: 'scayle-hub/dev/scayle-api',
          ORDERWISE_API_URL: 'https://acme.orderwisecloud.com/OWAPISB',
          ORDERWISE_API_SECRET: 'scayle-hub/dev/orderwise-api',
          ORDERWISE_CUSTOMER_ACCOUNT: 'WEB001',
          AMAZON_ENDPOINT: 'https://sandbox.sellingpartnerapi-eu.amazon.com',
          AMAZON_LWA_SECRET: 'scayle-hub/dev/amazon-lwa',
        }),
      },
    });
    stateless.hasOutput('OpsStatusFunctionName', { Value: { Ref: functionId('ops-status') } });
  });
});
