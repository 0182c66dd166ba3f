import { describe, expect, it } from 'vitest';
import { buildContactFlow, FLOW_DECISION_KEYS } from '../../shared/connect/contact-flow.js';
import {
  ACTION_SPECS,
  MAX_FLOW_CONTENT_CHARS,
  validateContactFlow,
} from '../../shared/connect/flow-validator.js';
import { walkFlow } from '../../shared/connect/flow-walker.js';
import { decideCall } from '../../shared/domain/routing/decision.js';
import { ENTERPRISE_INPUT, HEALTHY_ACCOUNT, snapshotOf, testRegionOf, WED_10AM } from './routing-fixtures.js';

const ARN = 'arn:aws:lambda:ap-southeast-1:111122223333:function:routeCall';
const flow = buildContactFlow({ routeCallFunctionArn: ARN });
type Action = {
  Identifier: string;
  Type: string;
  Parameters: Record<string, unknown>;
  Transitions: { NextAction?: string; Errors?: { NextAction: string; ErrorType: string }[] };
};
const actions = flow.Actions as Action[];

describe('generated contact flow', () => {
  it('passes the structural validator: targets exist, types known, size under the limit', () => {
    expect(validateContactFlow(flow)).toEqual([]);
    expect(JSON.stringify(flow).length).toBeLessThan(MAX_FLOW_CONTENT_CHARS);
    for (const a of actions) expect(Object.keys(ACTION_SPECS)).toContain(a.Type);
  });

  it('invokes the routing Lambda with a STRING_MAP answer inside Connect limits', () => {
    const invoke = actions.filter((a) => a.Type === 'InvokeLambdaFunction');
    expect(invoke).toHaveLength(1);
    expect(invoke[0]?.Parameters).toMatchObject({
      LambdaFunctionARN: ARN,
      InvocationTimeLimitSeconds: '3',
      ResponseValidation: { ResponseType: 'STRING_MAP' },
    });
  });

  it('reaches every recording behaviour change only through the announcement (or an explicit opt-out)', () => {
    for (const a of actions.filter((x) => x.Type === 'UpdateContactRecordingBehavior')) {
      const before = actions.filter(
        (x) =>
          x.Transitions.NextAction === a.Identifier ||
          x.Transitions.Errors?.some((e) => e.NextAction === a.Identifier),
      );
      expect(before.map((x) => x.Type).sort()).toEqual(['Compare', 'MessageParticipant']);
      const check = before.find((x) => x.Type === 'Compare');
      expect(check?.Parameters.ComparisonValue).toBe('$.External.announce');
    }
  });

  it('reads only decision keys the Lambda always returns', () => {
    const used = new Set([...JSON.stringify(flow).matchAll(/\$\.External\.(\w+)/g)].map((m) => m[1]));
    for (const key of used) expect(FLOW_DECISION_KEYS).toContain(key);
  });

  it('the validator catches broken flows', () => {
    const broken = structuredClone(flow) as { Actions: Action[]; StartAction: string };
    (broken.Actions[0] as Action).Transitions.NextAction = 'nowhere';
    broken.Actions.push({ Identifier: 'orphan', Type: 'PlayJazz', Parameters: {}, Transitions: {} });
    const problems = validateContactFlow(broken).map((p) => p.problem);
    expect(problems).toContain('transition to missing action nowhere');
    expect(problems).toContain('unknown action type PlayJazz');
    expect(problems).toContain('unreachable from StartAction');
    const errorType = structuredClone(flow) as { Actions: Action[] };
    const lambda = errorType.Actions.find((a) => a.Type === 'InvokeLambdaFunction') as Action;
    lambda.Transitions.Errors = [{ NextAction: 'disconnect', ErrorType: 'QueueAtCapacity' }];
    lambda.Parameters.InvocationTimeLimitSeconds = '9';
    const more = validateContactFlow(errorType).map((p) => p.problem);
    expect(more).toContain('InvokeLambdaFunction raises no error QueueAtCapacity');
    expect(more).toContain('InvocationTimeLimitSeconds is an integer 1-8');
    const huge = { ...flow, Metadata: { padding: 'x'.repeat(MAX_FLOW_CONTENT_CHARS) } };
    expect(validateContactFlow(huge)[0]?.problem).toMatch(/over 256000/);
  });
});

describe('walking the flow with the decision engine', () => {
  const snapshot = snapshotOf({ ...ENTERPRISE_INPUT, regionRules: [] });
  const invoke = (caller: string) => async (params: Record<string, string>) =>
    decideCall(
      {
        caller,
        contactId: 'c-1',
        step: params.step as 'start',
        key: params.key,
        state: params.state,
        now: WED_10AM,
      },
      { snapshot, account: HEALTHY_ACCOUNT, regionOf: testRegionOf, ratePerMinute: 30 },
    );

  it('menu key 2 then 1 reaches the mobile number, announced and recorded', async () => {
    const result = await walkFlow(flow, { invoke: invoke('+862161234567'), keys: ['2', '1'] });
    expect(result.outcome).toMatchObject({
      kind: 'transferred',
      destination: '+8613910001234',
      recorded: true,
      ivrPath: '21',
    });
    expect(result.invocations).toBe(3);
    const order = result.steps.map((x) => x.action);
    expect(order.indexOf('transfer-announce')).toBeGreaterThan(-1);
    expect(order.indexOf('transfer-announce')).toBeLessThan(order.indexOf('transfer-record'));
    expect(result.steps.find((x) => x.action === 'transfer-announce')?.detail?.said).toContain('录音');
  });

  it('hunts through unanswered numbers until one picks up', async () => {
    const result = await walkFlow(flow, {
      invoke: invoke('+862161234567'),
      keys: ['9', '9'],
      answers: (d) => d === '+862083331234',
    });
    expect(result.attempts.map((a) => a.answered)).toEqual([false, false, true]);
    expect(result.outcome).toMatchObject({ kind: 'transferred', destination: '+862083331234' });
  });

  it('a menu with no key presses retries then fails over', async () => {
    const result = await walkFlow(flow, { invoke: invoke('+862161234567') });
    const prompts = result.steps.filter((s) => s.type === 'GetParticipantInput');
    expect(prompts).toHaveLength(2);
    expect(result.outcome.kind).toBe('transferred');
  });

  it('a VIP caller queued to a full queue hears the busy message', async () => {
    const vip = snapshotOf({ ...ENTERPRISE_INPUT, vipDestination: { type: 'queue', queueId: 'sales' } });
    const result = await walkFlow(flow, {
      invoke: async (params) =>
        decideCall(
          {
            caller: '+8618600000000',
            contactId: 'c',
            step: params.step as 'start',
            key: params.key,
            state: params.state,
            now: WED_10AM,
          },
          { snapshot: vip, account: HEALTHY_ACCOUNT, ratePerMinute: 30 },
        ),
      queueAccepts: false,
    });
    expect(result.steps.map((s) => s.type)).toContain('UpdateContactRoutingBehavior');
    expect(result.outcome.kind).toBe('message');
  });

  it('a Lambda failure ends in the apology, never a dead line', async () => {
    const result = await walkFlow(flow, {
      invoke: async () => {
        throw new Error('timeout');
      },
    });
    expect(result.outcome.kind).toBe('message');
    expect(result.steps.at(-1)?.type).toBe('DisconnectParticipant');
  });
});

describe('recorded prompts', () => {
  it('plays a Connect prompt instead of text-to-speech when the menu has audio', async () => {
    const snapshot = snapshotOf({
      ...ENTERPRISE_INPUT,
      regionRules: [],
      menus: {
        main: {
          prompt: { audio: 'arn:aws:connect:ap-southeast-1:111122223333:instance/i/prompt/p-1' },
          options: { '1': { type: 'hunt' } },
        },
      },
    });
    const result = await walkFlow(flow, {
      keys: ['1'],
      invoke: async (params) =>
        decideCall(
          {
            caller: '+862161234567',
            contactId: 'c',
            step: params.step as 'start',
            key: params.key,
            state: params.state,
            now: WED_10AM,
          },
          { snapshot, account: HEALTHY_ACCOUNT, ratePerMinute: 30 },
        ),
    });
    const menu = result.steps.find((s) => s.type === 'GetParticipantInput');
    expect(menu?.action).toBe('menu-audio');
    expect(menu?.detail?.prompt).toContain('prompt/p-1');
    expect(result.outcome.kind).toBe('transferred');
  });
});

describe('call-limit blocks (arm-call-limit before every transfer and queue)', () => {
  const ARM = 'arn:aws:lambda:ap-southeast-1:111122223333:function:armCallLimit';
  const limited = buildContactFlow({ routeCallFunctionArn: ARN, armCallLimitFunctionArn: ARM });
  const all = limited.Actions as Action[];
  const byId = (id: string) => all.find((a) => a.Identifier === id) as Action;
  const into = (id: string) =>
    all
      .filter(
        (a) =>
          a.Transitions.NextAction === id ||
          a.Transitions.Errors?.some((e) => e.NextAction === id) ||
          (a.Transitions as { Conditions?: { NextAction: string }[] }).Conditions?.some(
            (c) => c.NextAction === id,
          ),
      )
      .map((a) => a.Identifier)
      .sort();
  const snapshot = snapshotOf({ ...ENTERPRISE_INPUT, regionRules: [] });
  const decide =
    (caller: string, s = snapshot) =>
    async (params: Record<string, string>) =>
      decideCall(
        {
          caller,
          contactId: 'c-1',
          step: params.step as 'start',
          key: params.key,
          state: params.state,
          now: WED_10AM,
        },
        { snapshot: s, account: HEALTHY_ACCOUNT, regionOf: testRegionOf, ratePerMinute: 30 },
      );
  const startLimit = async (caller: string) =>
    (await decide(caller)({ step: 'start', key: '', state: '' })).maxDurationSeconds;

  it('passes the structural validator and invokes arm-call-limit with a STRING_MAP answer', () => {
    expect(validateContactFlow(limited)).toEqual([]);
    const arms = all.filter((a) => a.Parameters.LambdaFunctionARN === ARM);
    expect(arms.map((a) => a.Identifier).sort()).toEqual(['queue-arm-limit', 'transfer-arm-limit']);
    for (const a of arms) {
      expect(a.Parameters).toMatchObject({
        InvocationTimeLimitSeconds: '2',
        ResponseValidation: { ResponseType: 'STRING_MAP' },
        LambdaInvocationAttributes: { maxDurationSeconds: '$.Attributes.maxDurationSeconds' },
      });
    }
  });

  it('connects a call only through its arm block, and an arm error still connects it', () => {
    expect(into('transfer')).toEqual(['transfer-arm-limit', 'transfer-limit-unarmed']);
    expect(into('set-queue')).toEqual(['queue-arm-limit', 'queue-limit-unarmed']);
    for (const kind of ['transfer', 'queue']) {
      const connect = kind === 'transfer' ? 'transfer' : 'set-queue';
      const arm = byId(`${kind}-arm-limit`);
      expect(arm.Transitions.NextAction).toBe(connect);
      expect(arm.Transitions.Errors).toEqual([
        { NextAction: `${kind}-limit-unarmed`, ErrorType: 'NoMatchingError' },
      ]);
      expect(byId(`${kind}-limit-unarmed`).Transitions.NextAction).toBe(connect);
    }
  });

  it('reads nothing from $.External after arm-call-limit replaced it', () => {
    for (const id of ['transfer', 'set-queue', 'vip-check', 'vip-priority', 'to-queue', 'queue-full'])
      expect(JSON.stringify(byId(id)), id).not.toContain('$.External');
  });

  it('arms the start limit before the transfer a menu leads to (menu answers carry no limit)', async () => {
    const armed: Record<string, string>[] = [];
    const result = await walkFlow(limited, {
      invoke: decide('+862161234567'),
      keys: ['2', '1'],
      lambdas: {
        [ARM]: async (params) => {
          armed.push(params);
          return { armed: 'true', reason: 'armed', stopAt: '2026-11-25T03:00:05.000Z' };
        },
      },
    });
    const limit = await startLimit('+862161234567');
    expect(Number(limit)).toBeGreaterThan(0);
    expect(armed).toEqual([{ maxDurationSeconds: limit }]);
    expect(result.outcome).toMatchObject({
      kind: 'transferred',
      destination: '+8613910001234',
      reason: 'menu',
      maxDurationSeconds: Number(limit),
    });
    // Only routing invocations are counted; the arm block comes right before the transfer.
    expect(result.invocations).toBe(3);
    const order = result.steps.map((s) => s.action);
    expect(order.indexOf('transfer-arm-limit')).toBe(order.indexOf('transfer') - 1);
  });

  it('arms again on every hunt step, with the same limit', async () => {
    const armed: Record<string, string>[] = [];
    const result = await walkFlow(limited, {
      invoke: decide('+862161234567'),
      keys: ['9', '9'],
      answers: (d) => d === '+862083331234',
      lambdas: {
        [ARM]: async (params) => {
          armed.push(params);
          return { armed: 'true', reason: 'armed', stopAt: 'x' };
        },
      },
    });
    expect(result.attempts.map((a) => a.answered)).toEqual([false, false, true]);
    const limit = await startLimit('+862161234567');
    expect(armed).toEqual([0, 1, 2].map(() => ({ maxDurationSeconds: limit })));
  });

  it('connects the call anyway when arming fails, marking the contact unarmed', async () => {
    const result = await walkFlow(limited, {
      invoke: decide('+862161234567'),
      keys: ['2', '1'],
      lambdas: {
        [ARM]: async () => {
          throw new Error('Lambda timed out');
        },
      },
    });
    expect(result.outcome).toMatchObject({ kind: 'transferred', destination: '+8613910001234' });
    expect(result.attributes.callLimit).toBe('unarmed');
  });

  it('arms before queueing a VIP, and never for a message', async () => {
    const vip = snapshotOf({ ...ENTERPRISE_INPUT, vipDestination: { type: 'queue', queueId: 'sales' } });
    const armed: string[] = [];
    const arm = {
      [ARM]: async (p: Record<string, string>) => {
        armed.push(p.maxDurationSeconds ?? '');
        return {};
      },
    };
    const queued = await walkFlow(limited, { invoke: decide('+8618600000000', vip), lambdas: arm });
    expect(queued.outcome.kind).toBe('queued');
    expect(armed).toHaveLength(1);
    const order = queued.steps.map((s) => s.action);
    expect(order.indexOf('queue-arm-limit')).toBeLessThan(order.indexOf('to-queue'));
    const refused = await walkFlow(limited, {
      invoke: async () =>
        decideCall(
          { caller: '+862161234567', contactId: 'c', step: 'start', now: WED_10AM },
          { snapshot, account: { ...HEALTHY_ACCOUNT, status: 'arrears' }, ratePerMinute: 30 },
        ),
      lambdas: arm,
    });
    expect(refused.outcome.kind).toBe('message');
    expect(armed).toHaveLength(1);
  });
});
