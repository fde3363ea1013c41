import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  type CfnStage,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { CfnIPSet, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { hubMetric } from './alarms';

/** Properties of the hub's API. */
export interface HubApiProps {
  readonly stage: string;
  /** Requests per second across the API before API Gateway answers 429 (bursts of twice that). */
  readonly rateLimit?: number;
  /** Where the API's alarms (server errors, refused credentials) go. */
  readonly alarmTopic: ITopic;
  /** The AWS WAF in front of the API (stage config `edge`). */
  readonly waf: { readonly rateLimitPer5Minutes: number; readonly orderwiseAllowList: readonly string[] };
}

/** How a route is served: IAM-signed (operations), its own throttle, the loop whose function answers it. */
export interface RouteOptions {
  /** A SigV4-signed request from a principal allowed `execute-api:Invoke` (the read-only operations routes). */
  readonly iam?: boolean;
  /** Requests per second this route takes before API Gateway answers 429 (bursts of twice that); default 20. */
  readonly rateLimit?: number;
  /**
   * The Powertools service of the route's function: refused credentials it counts (`HttpUnauthorized`) raise an
   * alarm from 20 in five minutes, a sender guessing or a rotated secret.
   */
  readonly service?: string;
}

/**
 * The REST API SCAYLE and OrderWise call (webhooks and HTTP exports) and operators read (ops routes). Every
 * route is a Lambda proxy; access logs go to a log group with retention; throttling protects the functions.
 */
export class HubApi extends Construct {
  readonly api: RestApi;
  readonly #topic: ITopic;

  constructor(scope: Construct, id: string, props: HubApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const rate = props.rateLimit ?? 50;
    this.api = new RestApi(this, 'Api', {
      restApiName: `scayle-hub-${props.stage}`,
      description: 'scayle-hub webhooks, HTTP exports and operations routes',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stage,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: MethodLoggingLevel.ERROR,
        tracingEnabled: true,
        throttlingRateLimit: rate,
        throttlingBurstLimit: rate * 2,
      },
    });
    this.#topic = props.alarmTopic;
    this.#webAcl(props);
    // A 5xx is a sender told to try again, or a body that never reached a function (over Lambda's 6 MB): either way
    // someone looks. The functions' own errors alarms do not see it: a handler maps its errors to responses.
    const serverErrors = new Alarm(this, 'ServerErrorsAlarm', {
      alarmDescription: `The API of stage ${props.stage} answered 5xx (5 or more in 5 minutes). See RUNBOOK.md#api-server-errors.`,
      metric: this.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    serverErrors.addAlarmAction(new SnsAction(props.alarmTopic));
    // Bodies are validated by zod in the functions, each failing field named; a request validator without models
    // would check nothing.
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Every body is validated by zod in its function, which answers 400 naming each failing field and keeps the body.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Webhook senders (SCAYLE, OrderWise) support only HTTP Basic credentials; the function verifies them in constant time.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Machine-to-machine webhooks with Basic credentials; Cognito user pools do not apply.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'The account-level role API Gateway uses to write execution logs; AWS provides the policy.',
    });
  }

  /**
   * Routes `method path` (e.g. `POST /webhooks/scayle`) to `handler` as a Lambda proxy integration. Webhook routes
   * check their sender's Basic credentials in the function; `iam` routes (the read-only operations routes) need a
   * SigV4-signed request from a principal allowed `execute-api:Invoke` on them.
   */
  addRoute(method: 'GET' | 'POST' | 'PUT', path: string, handler: IFunction, options: RouteOptions = {}): void {
    const resource = this.api.root.resourceForPath(path);
    resource.addMethod(method, new LambdaIntegration(handler, { timeout: Duration.seconds(29) }), {
      ...(options.iam ? { authorizationType: AuthorizationType.IAM } : {}),
    });
    // Its own throttle, so one sender flooding its route cannot starve another's (SCAYLE's of OrderWise's).
    const rate = options.rateLimit ?? 20;
    const stage = this.api.deploymentStage.node.defaultChild as CfnStage;
    stage.addPropertyOverride(`MethodSettings.${this.#routes++ + 1}`, {
      // As API Gateway names a resource in a method setting: a slash, then the path with its slashes escaped.
      ResourcePath: `/${path.replaceAll('/', '~1')}`,
      HttpMethod: method,
      ThrottlingRateLimit: rate,
      ThrottlingBurstLimit: rate * 2,
    });
    if (options.service) {
      const refused = new Alarm(this, `Unauthorized${this.#routes}Alarm`, {
        alarmDescription: `${method} ${path} refused 20 or more requests for their credentials in 5 minutes. See RUNBOOK.md#api-unauthorized.`,
        metric: hubMetric(options.service, 'HttpUnauthorized'),
        threshold: 20,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      refused.addAlarmAction(new SnsAction(this.#topic));
    }
  }

  /**
   * AWS WAF on the stage: AWS's list of addresses known for bots and attacks, a per-address rate limit (no single
   * sender can flood the webhooks, whatever credentials it guesses), and, when the stage knows OrderWise's addresses,
   * its export routes closed to every other address.
   */
  #webAcl(props: HubApiProps): void {
    const visibility = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName: `scayle-hub-${props.stage}-${name}`,
      sampledRequestsEnabled: true,
    });
    const allowList = props.waf.orderwiseAllowList;
    const orderwise = allowList.length
      ? new CfnIPSet(this, 'OrderwiseAddresses', {
          scope: 'REGIONAL',
          ipAddressVersion: 'IPV4',
          addresses: [...allowList],
          description: 'OrderWise export senders, stage config edge.orderwiseAllowList',
        })
      : undefined;
    const acl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('waf'),
      rules: [
        {
          name: 'AwsIpReputation',
          priority: 0,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' },
          },
          visibilityConfig: visibility('ip-reputation'),
        },
        {
          name: 'RatePerAddress',
          priority: 1,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.waf.rateLimitPer5Minutes, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('rate'),
        },
        ...(orderwise
          ? [
              {
                name: 'OrderwiseExportsFromOrderwiseOnly',
                priority: 2,
                action: { block: {} },
                statement: {
                  andStatement: {
                    statements: [
                      {
                        byteMatchStatement: {
                          fieldToMatch: { uriPath: {} },
                          positionalConstraint: 'CONTAINS',
                          searchString: '/webhooks/orderwise/',
                          textTransformations: [{ priority: 0, type: 'NONE' }],
                        },
                      },
                      { notStatement: { statement: { ipSetReferenceStatement: { arn: orderwise.attrArn } } } },
                    ],
                  },
                },
                visibilityConfig: visibility('orderwise-allow-list'),
              },
            ]
          : []),
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: acl.attrArn,
    });
    // A block is a 403 that neither the 5xx alarm nor the refused-credentials count sees: if it is SCAYLE or
    // OrderWise, their deliveries stop, so someone looks at once.
    const blocked = new Alarm(this, 'WafRateBlocksAlarm', {
      alarmDescription: `AWS WAF blocked an address sending over its rate to stage ${props.stage}. See RUNBOOK.md#waf-rate-blocks.`,
      metric: new Metric({
        namespace: 'AWS/WAFV2',
        metricName: 'BlockedRequests',
        dimensionsMap: {
          WebACL: visibility('waf').metricName,
          Rule: visibility('rate').metricName,
          Region: Aws.REGION,
        },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    blocked.addAlarmAction(new SnsAction(props.alarmTopic));
  }

  /** Routes added so far: each one's throttle is a method setting after the stage-wide one (index 0). */
  #routes = 0;
}
