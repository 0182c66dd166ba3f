/**
 * The HTTP API (API Gateway v2): every route goes through the Cognito JWT authorizer (issuer = the user
 * pool, audience = the app client), the $default stage throttles and writes JSON access logs. Routes come
 * from shared/http/routes.ts, one Lambda each (see the stateless stack).
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteDefinition } from '../../shared/http/routes.js';
import type { WebhookRoute } from '../../shared/http/webhooks.js';

export interface HttpApiProps {
  readonly issuer: string;
  readonly audience: readonly string[];
  /** Steady-state requests per second across the stage. @default 200 */
  readonly rateLimit?: number;
  /** @default 400 */
  readonly burstLimit?: number;
}

/** What the access log records per request (no headers, no bodies: they may carry personal data). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTimeEpoch',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  subject: '$context.authorizer.claims.sub',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
};

export class HotlineHttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', props.issuer, {
      jwtAudience: [...props.audience],
      identitySource: ['$request.header.Authorization'],
    });
    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'hotline400 API',
      createDefaultStage: false,
      defaultAuthorizer: this.authorizer,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 200, burstLimit: props.burstLimit ?? 400 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
  }

  get url(): string {
    return this.stage.url;
  }

  /** One route, authorized by the JWT authorizer, integrated with its function. */
  addRoute(route: RouteDefinition, fn: lambda.IFunction): apigwv2.HttpRoute[] {
    return this.api.addRoutes({
      path: route.path,
      methods: [apigwv2.HttpMethod[route.method]],
      integration: new HttpLambdaIntegration(`${route.id}Integration`, fn),
      authorizer: this.authorizer,
    });
  }

  /**
   * A provider's webhook: no JWT authorizer (a provider has no Cognito token; its handler verifies the
   * provider's signature instead) and a throttle of its own, so a flood on it cannot eat the API's budget.
   */
  addWebhookRoute(route: WebhookRoute, fn: lambda.IFunction): apigwv2.HttpRoute[] {
    const routes = this.api.addRoutes({
      path: route.path,
      methods: [apigwv2.HttpMethod[route.method]],
      integration: new HttpLambdaIntegration(`${route.id}Integration`, fn),
      authorizer: new apigwv2.HttpNoneAuthorizer(),
    });
    const stage = this.stage.node.defaultChild as apigwv2.CfnStage;
    stage.addPropertyOverride(`RouteSettings.${route.method} ${route.path}`, {
      ThrottlingRateLimit: route.throttle.rateLimit,
      ThrottlingBurstLimit: route.throttle.burstLimit,
    });
    for (const r of routes)
      Validations.of(r).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'payment providers cannot send a JWT; the handler verifies the provider signature (RSA2 / WeChat Pay v3)',
      });
    return routes;
  }
}
