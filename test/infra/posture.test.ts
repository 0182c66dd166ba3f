/**
 * Issue 15 item 8, the deployed posture: MFA required (operators included), no sns:Publish on "*" (tenant
 * notifications go through SES and Aliyun SMS), and route-call's reserved concurrency. (The customer-managed
 * key on every table holding phone numbers is asserted in stateful-stack.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, JOBS } from '../../infra/function-catalogue.js';
import { DEFAULT_ROUTE_CALL_CONCURRENCY } from '../../infra/stacks/stateless-stack.js';
import { ROUTES } from '../../shared/http/routes.js';
import { buildTestApp, type TestApp } from './support/hotline-app.js';
import {
  actionsOf,
  functionProperties,
  resources,
  resourcesIn,
  statementsOf,
} from './support/template-queries.js';

describe('posture with the real registries', () => {
  let built: TestApp;
  beforeAll(() => {
    built = buildTestApp({ routes: ROUTES, functions: FUNCTIONS, jobs: JOBS, buildContactFlow: undefined });
  });

  it('requires TOTP MFA of every user of the one pool the API trusts, so of every operator', () => {
    const pools = resources(built.statelessTemplate, 'AWS::Cognito::UserPool');
    expect(pools).toHaveLength(1);
    expect(pools[0]?.[1].Properties?.MfaConfiguration).toBe('ON');
    expect(pools[0]?.[1].Properties?.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
  });

  it('lets no function sns:Publish on "*": tenant notifications go through SES and Aliyun SMS, not SNS', () => {
    const wildcard: string[] = [];
    let functions = 0;
    for (const [id, fn] of built.stateless.functions) {
      functions++;
      const publishes = statementsOf(built, fn).filter((s) => actionsOf(s).includes('sns:Publish'));
      for (const statement of publishes)
        if (JSON.stringify(statement.Resource).includes('"*"')) wildcard.push(id);
    }
    expect(functions).toBeGreaterThan(19);
    expect(wildcard).toEqual([]);
  });

  it(`reserves ${DEFAULT_ROUTE_CALL_CONCURRENCY} concurrent executions for routeCall, and for no other function`, () => {
    const reserved = resourcesIn(built.statelessTemplates, 'AWS::Lambda::Function')
      .map(([, f]) => f.Properties?.ReservedConcurrentExecutions)
      .filter((n) => n !== undefined);
    expect(reserved).toEqual([50]);
    const routeCall = built.stateless.functions.get('routeCall');
    if (!routeCall) throw new Error('no routeCall');
    expect(functionProperties(built, routeCall).ReservedConcurrentExecutions).toBe(50);
  });
});

describe('route-call reserved concurrency from context', () => {
  const reservedOf = (context: Record<string, unknown>) => {
    const built = buildTestApp({ context });
    const routeCall = built.stateless.functions.get('routeCall');
    if (!routeCall) throw new Error('no routeCall');
    return functionProperties(built, routeCall).ReservedConcurrentExecutions;
  };

  it('takes a number or `off`', () => {
    expect(reservedOf({ routeCallReservedConcurrency: '80' })).toBe(80);
    expect(reservedOf({ routeCallReservedConcurrency: 120 })).toBe(120);
    expect(reservedOf({ routeCallReservedConcurrency: 'off' })).toBeUndefined();
  });

  it('fails on 0 (which would refuse every call), negatives, fractions and words', () => {
    for (const bad of ['0', 0, -5, '2.5', 'lots', '']) {
      expect(() => buildTestApp({ context: { routeCallReservedConcurrency: bad } }), String(bad)).toThrow(
        /routeCallReservedConcurrency must be an integer from 1 to 10000, or off/,
      );
    }
  });
});
