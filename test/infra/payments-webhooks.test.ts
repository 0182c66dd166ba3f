/**
 * Payment webhooks in the CDK API: no JWT authorizer (providers have no token), a throttle of their own,
 * and, like the routes that call a provider, the merchant secret by ARN with read access to it only.
 */
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildHotlineApp, type HotlineStacks } from '../../infra/stacks/hotline-app.js';
import { PAYMENT_ROUTES } from '../../shared/http/routes/payments.js';
import { WEBHOOK_ROUTES } from '../../shared/http/webhooks.js';
import { PAYMENT_METRICS, PAYMENTS_SECRET_ENV } from '../../shared/ports/payments.js';
import { SAMPLE_FUNCTIONS, SAMPLE_JOBS } from './support/hotline-app.js';
import { nagFindings } from './support/nag-report.js';

let app: App;
let stacks: HotlineStacks;
let templates: Template[];

beforeAll(() => {
  app = new App({ builtinCloudFormationValidation: false, treeMetadata: false, analyticsReporting: false });
  stacks = buildHotlineApp(app, {
    stateless: {
      bundle: false,
      routes: PAYMENT_ROUTES,
      webhooks: WEBHOOK_ROUTES,
      functions: SAMPLE_FUNCTIONS,
      jobs: SAMPLE_JOBS,
      buildContactFlow: undefined,
    },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  templates = [stacks.stateless, ...stacks.stateless.groups.values()].map((s) => Template.fromStack(s));
});

const resourcesOf = (type: string) =>
  templates.flatMap((t) => Object.values(t.findResources(type)) as { Properties: Record<string, any> }[]);

describe('payment webhooks in the API', () => {
  it('routes each webhook without an authorizer, every other route with the JWT authorizer', () => {
    const routes = resourcesOf('AWS::ApiGatewayV2::Route');
    for (const webhook of WEBHOOK_ROUTES) {
      const route = routes.find((r) => r.Properties.RouteKey === `POST ${webhook.path}`);
      expect(route?.Properties.AuthorizationType).toBe('NONE');
    }
    for (const route of PAYMENT_ROUTES) {
      const found = routes.find((r) => r.Properties.RouteKey === `${route.method} ${route.path}`);
      expect(found?.Properties.AuthorizationType, route.id).toBe('JWT');
    }
  });

  it('throttles each webhook on its own', () => {
    const stage = resourcesOf('AWS::ApiGatewayV2::Stage')[0];
    for (const webhook of WEBHOOK_ROUTES) {
      expect(stage?.Properties.RouteSettings[`POST ${webhook.path}`]).toEqual({
        ThrottlingRateLimit: webhook.throttle.rateLimit,
        ThrottlingBurstLimit: webhook.throttle.burstLimit,
      });
    }
  });

  it('gives the merchant secret, by ARN, only to functions that talk to a provider', () => {
    const functions = resourcesOf('AWS::Lambda::Function');
    const withSecret = functions.filter((f) => f.Properties.Environment?.Variables?.[PAYMENTS_SECRET_ENV]);
    // Two webhooks, createPaymentOrder and requestRefund.
    expect(withSecret).toHaveLength(4);
    const policies = resourcesOf('AWS::IAM::Policy').filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue'),
    );
    // The same four, and listPaymentOrders, which reads the cursor key only (test/infra/cursor-key.test.ts).
    expect(policies).toHaveLength(5);
    const secrets = Template.fromStack(stacks.stateful).findResources('AWS::SecretsManager::Secret');
    // The merchant keys, the Aliyun SMS AccessKey (infra/constructs/messaging.ts) and the cursor key.
    expect(Object.keys(secrets)).toHaveLength(3);
    // No key material in the template: operators put the JSON in after deploying.
    for (const secret of Object.values(secrets)) expect(secret.Properties.SecretString).toBeUndefined();
  });

  it('alarms on reconciliation differences, parked money and bursts of refused notifications', () => {
    const alarmed = Template.fromStack(stacks.stateless).findResources('AWS::CloudWatch::Alarm');
    const names = Object.values(alarmed).map(
      (a) => (a as { Properties: { MetricName?: string } }).Properties.MetricName,
    );
    expect(names).toEqual(expect.arrayContaining(Object.values(PAYMENT_METRICS)));
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});
