import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Properties of the hub's API. */
export interface HubApiProps {
  readonly stage: string;
  /** Requests per second across the API before API Gateway answers 429 (bursts of twice that). */
  readonly rateLimit?: number;
}

/**
 * The REST API SCAYLE and OrderWise call (webhooks and HTTP exports) and operators read (ops routes). Every
 * route is a Lambda proxy; access logs go to a log group with retention; throttling protects the functions.
 */
export class HubApi extends Construct {
  readonly api: RestApi;
  readonly #validator: RequestValidator;

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
    // Bodies are validated by zod in the functions (with field-level errors); no API Gateway models are attached.
    this.#validator = new RequestValidator(this, 'Validator', {
      restApi: this.api,
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'Callers are SCAYLE and OrderWise with Basic credentials checked in the function; a WAF can be added per stage.',
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
  addRoute(method: 'GET' | 'POST' | 'PUT', path: string, handler: IFunction, options: { iam?: boolean } = {}): void {
    const resource = this.api.root.resourceForPath(path);
    resource.addMethod(method, new LambdaIntegration(handler, { timeout: Duration.seconds(29) }), {
      requestValidator: this.#validator,
      ...(options.iam ? { authorizationType: AuthorizationType.IAM } : {}),
    });
  }
}
