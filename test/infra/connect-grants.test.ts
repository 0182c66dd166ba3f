/**
 * The Connect permissions follow the adapter: every `new XxxCommand(` in connect-telephony.ts must be
 * granted as `connect:Xxx` to telephony functions, and nothing else is granted, so the two cannot drift.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessNumberSettings, TELEPHONY_ACTIONS } from '../../infra/constructs/contact-center.js';
import { REPOSITORY_ROOT } from '../../infra/constructs/hotline-function.js';
import { FUNCTIONS, JOBS } from '../../infra/function-catalogue.js';
import { loadContactFlowBuilder } from '../../infra/stacks/hotline-app.js';
import { ROUTE_CALL_ID } from '../../infra/stacks/stateless-stack.js';
import { ROUTES } from '../../shared/http/routes.js';
import { buildTestApp, IMPORTED_INSTANCE_ARN, type TestApp } from './support/hotline-app.js';
import { actionsOf, functionProperties, statementsOf } from './support/template-queries.js';

const ADAPTER = 'shared/adapters/connect/connect-telephony.ts';

/** The Connect API names of the SDK commands the adapter constructs. */
function adapterCommands(): string[] {
  const source = readFileSync(join(REPOSITORY_ROOT, ADAPTER), 'utf8');
  const names = [...source.matchAll(/\bnew\s+([A-Z][A-Za-z0-9]*)Command\s*\(/g)].map((m) => m[1] as string);
  return [...new Set(names)].sort();
}

describe('Connect permissions of the telephony capability', () => {
  let built: TestApp;
  beforeAll(() => {
    built = buildTestApp({ connectInstanceArn: IMPORTED_INSTANCE_ARN });
  });
  const connectActions = (id: string) => {
    const fn = built.stateless.functions.get(id);
    if (!fn) throw new Error(`no function ${id}`);
    return statementsOf(built, fn)
      .flatMap(actionsOf)
      .filter((a) => a.startsWith('connect:'));
  };

  it('finds the commands in the adapter source (the extraction itself works)', () => {
    const commands = adapterCommands();
    expect(commands.length).toBeGreaterThanOrEqual(20);
    expect(commands).toContain('ClaimPhoneNumber');
    expect(commands).toContain('CreateHoursOfOperationOverride');
  });

  it('grants connect:<Command> for every command connect-telephony.ts sends, and no other Connect action', () => {
    const granted = connectActions('applyRouting');
    for (const command of adapterCommands()) expect(granted, command).toContain(`connect:${command}`);
    expect([...new Set(granted)].sort()).toEqual(adapterCommands().map((c) => `connect:${c}`));
    expect([...TELEPHONY_ACTIONS].sort()).toEqual(adapterCommands().map((c) => `connect:${c}`));
  });

  it('scopes them to the instance, its sub-resources and the account phone numbers', () => {
    const fn = built.stateless.functions.get('applyRouting');
    if (!fn) throw new Error('no applyRouting');
    const statements = statementsOf(built, fn).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('connect:')),
    );
    expect(statements).toHaveLength(1);
    expect(JSON.stringify(statements[0]?.Resource)).not.toBe('"*"');
    const resources = JSON.stringify(statements[0]?.Resource);
    expect(resources).toContain(IMPORTED_INSTANCE_ARN);
    expect(resources).toContain(`${IMPORTED_INSTANCE_ARN}/*`);
    expect(resources).toContain(':123456789012:phone-number/*');
  });

  it('grants no Connect action to a function without the capability', () => {
    expect(connectActions('searchAvailableNumbers')).toEqual([]);
    expect(connectActions('routeCall')).toEqual([]);
  });
});

describe('Connect environment of the real registries', () => {
  it('gives every telephony function the instance ARN and, except routeCall, the contact flow id', async () => {
    const buildContactFlow = await loadContactFlowBuilder();
    expect(buildContactFlow, 'shared/connect/contact-flow.ts builds the flow').toBeDefined();
    const built = buildTestApp({ routes: ROUTES, functions: FUNCTIONS, jobs: JOBS, buildContactFlow });
    const rows = [...ROUTES, ...FUNCTIONS, ...JOBS];
    const telephony = rows.filter((r) => r.capabilities?.includes('telephony'));
    // The workers reach Connect; the approval and apply routes only send to their queues.
    expect(telephony.map((r) => r.id)).toEqual(
      expect.arrayContaining(['routingApplyWorker', 'numberActivationWorker']),
    );
    expect(telephony.map((r) => r.id)).not.toContain('applyRouting');
    expect(telephony.map((r) => r.id)).not.toContain('decideApplication');
    for (const row of rows) {
      const fn = built.stateless.functions.get(row.id);
      if (!fn) throw new Error(`no function ${row.id}`);
      const variables = functionProperties(built, fn).Environment.Variables as Record<string, unknown>;
      const uses = row.capabilities?.includes('telephony') ?? false;
      expect('CONNECT_INSTANCE_ARN' in variables, `${row.id} CONNECT_INSTANCE_ARN`).toBe(uses);
      expect('CONTACT_FLOW_ID' in variables, `${row.id} CONTACT_FLOW_ID`).toBe(
        uses && row.id !== ROUTE_CALL_ID,
      );
      if (uses) expect(JSON.stringify(variables.CONTACT_FLOW_ID), row.id).toMatch(/ContactFlowArn/);
    }
  });
});

describe('which access numbers approvals claim (deployment context)', () => {
  const environmentOf = (built: TestApp, id: string) => {
    const fn = built.stateless.functions.get(id);
    if (!fn) throw new Error(`no function ${id}`);
    return functionProperties(built, fn).Environment.Variables as Record<string, unknown>;
  };

  it('hands the documented defaults (SG, DID, no prefix) to telephony functions only', () => {
    const built = buildTestApp();
    expect(environmentOf(built, 'applyRouting')).toMatchObject({
      CONNECT_COUNTRY: 'SG',
      CONNECT_NUMBER_TYPE: 'DID',
    });
    expect('CONNECT_NUMBER_PREFIX' in environmentOf(built, 'applyRouting')).toBe(false);
    expect('CONNECT_COUNTRY' in environmentOf(built, 'searchAvailableNumbers')).toBe(false);
  });

  it('passes -c connectCountry / connectNumberType / connectNumberPrefix through, validated', () => {
    const accessNumbers = accessNumberSettings({ country: 'gb', type: 'TOLL_FREE', prefix: '+44800' });
    expect(accessNumbers).toEqual({ country: 'GB', type: 'TOLL_FREE', prefix: '+44800' });
    const built = buildTestApp({ accessNumbers });
    expect(environmentOf(built, 'applyRouting')).toMatchObject({
      CONNECT_COUNTRY: 'GB',
      CONNECT_NUMBER_TYPE: 'TOLL_FREE',
      CONNECT_NUMBER_PREFIX: '+44800',
    });
    expect(() => accessNumberSettings({ country: 'Singapore' })).toThrow(/connectCountry/);
    expect(() => accessNumberSettings({ type: 'MOBILE' })).toThrow(/connectNumberType/);
    expect(() => accessNumberSettings({ prefix: '65-31' })).toThrow(/connectNumberPrefix/);
  });
});
