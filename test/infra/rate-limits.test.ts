import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { RATE_LIMITS_ENV } from '../../shared/domain/rate-limits.js';
import type { RouteDefinition } from '../../shared/http/routes.js';
import { buildTestApp, SAMPLE_ROUTES, type TestApp } from './support/hotline-app.js';
import { actionsOf, functionProperties, statementsOf, statementsOn } from './support/template-queries.js';

const [search, reserve] = SAMPLE_ROUTES as [RouteDefinition, RouteDefinition, ...RouteDefinition[]];
const routes: RouteDefinition[] = [
  { ...search, rateLimit: 'read' },
  { ...reserve, rateLimit: 'write' },
];

/** The App reads context from CDK_CONTEXT_JSON when built, as `cdk -c` hands it over. */
function buildWithContext(context: Record<string, unknown> | undefined): TestApp {
  if (context) process.env.CDK_CONTEXT_JSON = JSON.stringify(context);
  try {
    return buildTestApp({ routes });
  } finally {
    delete process.env.CDK_CONTEXT_JSON;
  }
}

describe('rate-limited routes in the stateless stack', () => {
  afterEach(() => {
    delete process.env.CDK_CONTEXT_JSON;
  });

  it('may only UpdateItem their windows in the ops table, and know its name; other routes get nothing', () => {
    // A class configured off is not counted, so its routes need nothing of the ops table.
    const built = buildWithContext({ rateLimits: 'write=off' });
    const fn = (id: string) => built.stateless.functions.get(id) ?? expect.fail(`no function ${id}`);
    const opsId = built.stateful.getLogicalId(built.stateful.tables.ops.node.defaultChild as CfnTable);

    const limited = fn(search.id);
    const onOps = statementsOn(statementsOf(built, limited), opsId);
    expect(onOps.flatMap(actionsOf)).toEqual(['dynamodb:UpdateItem']);
    expect(JSON.stringify(onOps[0]?.Resource)).not.toContain('/index/');
    expect((onOps[0] as { Condition?: unknown }).Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] },
    });
    const env = functionProperties(built, limited).Environment.Variables;
    expect(env).toHaveProperty('TABLE_OPS');
    expect(env[RATE_LIMITS_ENV]).toBe('write=off');

    const unlimited = fn(reserve.id);
    expect(statementsOn(statementsOf(built, unlimited), opsId)).toEqual([]);
    expect(functionProperties(built, unlimited).Environment.Variables).not.toHaveProperty('TABLE_OPS');
  });

  it('carries the rateLimits context to limited functions only', () => {
    const built = buildWithContext({ rateLimits: 'read=1200,expensive=5,write=off' });
    const env = (id: string) =>
      functionProperties(built, built.stateless.functions.get(id) ?? expect.fail(id)).Environment.Variables;
    expect(env(search.id)[RATE_LIMITS_ENV]).toBe('read=1200,expensive=5,write=off');
    expect(env(reserve.id)).not.toHaveProperty(RATE_LIMITS_ENV);
  });

  it('refuses malformed budgets at synth', () => {
    expect(() => buildWithContext({ rateLimits: 'cheap=5' })).toThrow(/rateLimits is malformed/);
    expect(() => buildWithContext({ rateLimits: 'read=0' })).toThrow(/rateLimits is malformed/);
  });
});
