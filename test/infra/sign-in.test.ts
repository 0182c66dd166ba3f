import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CORS_ALLOWED_HEADERS } from '../../infra/constructs/http-api.js';
import { buildTestApp } from './support/hotline-app.js';
import { resources } from './support/template-queries.js';

const client = (context?: Record<string, string>) => {
  const template = buildTestApp({ context }).statelessTemplate;
  const clients = resources(template, 'AWS::Cognito::UserPoolClient');
  expect(clients).toHaveLength(1);
  return { template, props: clients[0]?.[1].Properties as Record<string, any> };
};

describe('sign-in', () => {
  it('gives the pool a Cognito domain, by default hotline400-<account id>', () => {
    const { template } = client();
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['hotline400-', { Ref: 'AWS::AccountId' }]] },
    });
    const { template: named } = client({ authDomainPrefix: 'acme-hotline' });
    named.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-hotline' });
  });

  it('refuses a domain prefix Cognito would refuse', () => {
    expect(() => client({ authDomainPrefix: 'Acme' })).toThrow(/authDomainPrefix/);
    expect(() => client({ authDomainPrefix: 'my-aws-hotline' })).toThrow(/without aws/);
    expect(() => client({ authDomainPrefix: '-acme' })).toThrow(/authDomainPrefix/);
  });

  it('lets portals sign in with the authorization code grant only, at the callback URLs from context', () => {
    const { props } = client({
      authCallbackUrls: 'https://portal.example.com/callback, http://localhost:3000/callback',
      authLogoutUrls: 'https://portal.example.com/',
    });
    expect(props).toMatchObject({
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: expect.arrayContaining(['openid', 'email', 'profile']),
      CallbackURLs: ['https://portal.example.com/callback', 'http://localhost:3000/callback'],
      LogoutURLs: ['https://portal.example.com/'],
      SupportedIdentityProviders: ['COGNITO'],
      GenerateSecret: false,
    });
    expect(props.AllowedOAuthFlows).not.toContain('implicit');
  });

  it('defaults the callback to a local portal and refuses plain http elsewhere', () => {
    expect(client().props.CallbackURLs).toEqual(['http://localhost:3000/callback']);
    expect(() => client({ authCallbackUrls: 'http://portal.example.com/callback' })).toThrow(/https/);
    expect(() => client({ authCallbackUrls: 'not a url' })).toThrow(/not a URL/);
  });

  it('enables USER_PASSWORD_AUTH only with -c cliPasswordAuth=true', () => {
    expect(client().props.ExplicitAuthFlows).toEqual(
      expect.not.arrayContaining(['ALLOW_USER_PASSWORD_AUTH']),
    );
    expect(client().props.ExplicitAuthFlows).toEqual(expect.arrayContaining(['ALLOW_USER_SRP_AUTH']));
    expect(client({ cliPasswordAuth: 'true' }).props.ExplicitAuthFlows).toEqual(
      expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']),
    );
    expect(() => client({ cliPasswordAuth: 'yes' })).toThrow(/true or false/);
  });
});

describe('CORS on the HTTP API', () => {
  const cors = (context?: Record<string, string>) =>
    resources(buildTestApp({ context }).statelessTemplate, 'AWS::ApiGatewayV2::Api')[0]?.[1].Properties
      ?.CorsConfiguration as Record<string, any>;

  it('allows the origins from context, the headers portals send, and no credentials', () => {
    const config = cors({ corsOrigins: 'https://portal.example.com,https://ops.example.com' });
    expect(config).toMatchObject({
      AllowOrigins: ['https://portal.example.com', 'https://ops.example.com'],
      AllowCredentials: false,
      AllowMethods: expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']),
      ExposeHeaders: expect.arrayContaining(['etag', 'retry-after']),
    });
    expect([...config.AllowHeaders].sort()).toEqual([...CORS_ALLOWED_HEADERS].sort());
    expect(CORS_ALLOWED_HEADERS).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'idempotency-key', 'if-match']),
    );
  });

  it('defaults to the origins of the sign-in callback URLs', () => {
    expect(cors().AllowOrigins).toEqual(['http://localhost:3000']);
    expect(cors({ authCallbackUrls: 'https://portal.example.com/cb' }).AllowOrigins).toEqual([
      'https://portal.example.com',
    ]);
  });

  it('refuses a wildcard, a path or plain http outside localhost', () => {
    expect(() => cors({ corsOrigins: '*' })).toThrow(/wildcard|scheme/);
    expect(() => cors({ corsOrigins: 'https://*.example.com' })).toThrow(/wildcard|scheme/);
    expect(() => cors({ corsOrigins: 'https://portal.example.com/app' })).toThrow(/no path/);
    expect(() => cors({ corsOrigins: 'http://portal.example.com' })).toThrow(/https/);
  });

  it('keeps the JWT authorizer on every route (the preflight is answered by API Gateway)', () => {
    const template = buildTestApp({
      context: { corsOrigins: 'https://portal.example.com' },
    }).statelessTemplate;
    for (const [, route] of resources(template, 'AWS::ApiGatewayV2::Route'))
      expect(route.Properties).toMatchObject({ AuthorizationType: 'JWT' });
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 3);
    template.hasOutput('SignInUrl', Match.anyValue());
  });
});
