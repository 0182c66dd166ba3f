import { describe, expect, it } from 'vitest';
import {
  buildContactFlow,
  DEFAULT_VOICE,
  FLOW_DECISION_KEYS,
  type FlowAction,
  TTS_VOICES,
} from '../../shared/connect/contact-flow.js';
import {
  ACTION_SPECS,
  MAX_FLOW_CONTENT_CHARS,
  validateContactFlow,
} from '../../shared/connect/flow-validator.js';
import { walkFlow } from '../../shared/connect/flow-walker.js';
import { decideCall } from '../../shared/domain/routing/decision.js';
import {
  ENTERPRISE_INPUT,
  HEALTHY_ACCOUNT,
  OWN_PROMPT_ID,
  snapshotOf,
  testRegionOf,
  WED_10AM,
} from './routing-fixtures.js';

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
  const menuCall = (snapshot: ReturnType<typeof snapshotOf>) =>
    walkFlow(flow, {
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

  it("never plays audio the snapshot did not resolve from the tenant's own prompts (a raw ARN, another tenant's id)", async () => {
    for (const audio of [
      'arn:aws:connect:ap-southeast-1:111122223333:instance/i/prompt/p-1',
      'pr_ffffffffffffffffffffffffffffffff',
    ]) {
      const result = await menuCall(
        snapshotOf({
          ...ENTERPRISE_INPUT,
          regionRules: [],
          menus: {
            main: { prompt: { audio, text: { 'zh-CN': '请按1' } }, options: { '1': { type: 'hunt' } } },
          },
        }),
      );
      const menu = result.steps.find((s) => s.type === 'GetParticipantInput');
      expect(menu?.action).toBe('menu-text');
      expect(JSON.stringify(result.steps)).not.toContain(audio);
      expect(result.outcome.kind).toBe('transferred');
    }
  });

  it('plays a Connect prompt instead of text-to-speech when the menu has audio', async () => {
    const snapshot = snapshotOf({
      ...ENTERPRISE_INPUT,
      regionRules: [],
      menus: {
        main: {
          prompt: { audio: OWN_PROMPT_ID },
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

/**
 * Every text prompt, on every path, is spoken by a voice that speaks its language. A static walk over all
 * paths (each action with each reachable state): the state is the voice in force (Connect's default Joanna
 * until a Set voice block runs) and what the path has learnt of the routing decision's `language` and
 * `announcementLanguage` from Compare branches (forgotten when a Lambda answers, since that replaces
 * $.External). A prompt's language is its decision key's (for $.External.message / announcement) or, for our
 * own fixed text, its script. A Set voice block with one of our static voices cannot fail (the reference
 * raises its error only for an invalid voice or engine), so its error branch is not followed.
 */
const OTHER = '(a language the voice table does not name)';
type VoiceState = { voice: string; language?: string; announcementLanguage?: string };
const KNOWN_KEYS = {
  '$.External.language': 'language',
  '$.External.announcementLanguage': 'announcementLanguage',
} as const;

function voiceProblems(flow: Record<string, unknown>): string[] {
  const byId = new Map((flow.Actions as FlowAction[]).map((a) => [a.Identifier, a]));
  const problems = new Set<string>();
  const seen = new Set<string>();
  const queue: [string, VoiceState][] = [[String(flow.StartAction), { voice: 'Joanna' }]];
  while (queue.length) {
    const [id, state] = queue.pop() as [string, VoiceState];
    const key = `${id}|${JSON.stringify(state)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const a = byId.get(id);
    if (!a) continue;
    const p = a.Parameters;
    if ((a.Type === 'MessageParticipant' || a.Type === 'GetParticipantInput') && typeof p.Text === 'string') {
      const text = p.Text;
      const language =
        text === '$.External.message'
          ? state.language
          : text === '$.External.announcement'
            ? state.announcementLanguage
            : text.startsWith('$.')
              ? undefined
              : /[\u4e00-\u9fff]/.test(text)
                ? 'zh-CN'
                : 'en';
      if (language === undefined) problems.add(`${id}: the language of ${text} is not known on some path`);
      else {
        const wanted = language === OTHER ? DEFAULT_VOICE : TTS_VOICES[language];
        if (state.voice !== wanted)
          problems.add(`${id}: ${language} text spoken by ${state.voice} on some path (wants ${wanted})`);
      }
    }
    const go = (target: string | undefined, next: VoiceState) => {
      if (target) queue.push([target, next]);
    };
    const t = a.Transitions as FlowAction['Transitions'];
    if (a.Type === 'UpdateContactTextToSpeechVoice') {
      go(t.NextAction, { ...state, voice: String(p.TextToSpeechVoice) });
      continue;
    }
    const forget = a.Type === 'InvokeLambdaFunction';
    const base: VoiceState = forget ? { voice: state.voice } : state;
    const learnt =
      a.Type === 'Compare' ? KNOWN_KEYS[p.ComparisonValue as keyof typeof KNOWN_KEYS] : undefined;
    go(t.NextAction, base);
    for (const c of t.Conditions ?? [])
      go(c.NextAction, learnt ? { ...base, [learnt]: c.Condition.Operands[0] } : base);
    for (const e of t.Errors ?? [])
      go(e.NextAction, learnt && e.ErrorType === 'NoMatchingCondition' ? { ...base, [learnt]: OTHER } : base);
  }
  return [...problems].sort();
}

describe('text-to-speech voices', () => {
  const ARM = 'arn:aws:lambda:ap-southeast-1:111122223333:function:armCallLimit';
  const flows = {
    plain: flow,
    limited: buildContactFlow({ routeCallFunctionArn: ARN, armCallLimitFunctionArn: ARM }),
  };

  it('sets a voice that speaks its language before every text prompt, on every path', () => {
    for (const [name, f] of Object.entries(flows)) {
      expect(validateContactFlow(f), name).toEqual([]);
      expect(voiceProblems(f), name).toEqual([]);
      // Mandarin before anything else happens; Set voice blocks only name voices of the table.
      const first = (f.Actions as FlowAction[]).find((a) => a.Identifier === f.StartAction);
      expect(first).toMatchObject({
        Type: 'UpdateContactTextToSpeechVoice',
        Parameters: { TextToSpeechVoice: 'Zhiyu' },
      });
      for (const a of (f.Actions as FlowAction[]).filter((x) => x.Type === 'UpdateContactTextToSpeechVoice'))
        expect([...Object.values(TTS_VOICES), DEFAULT_VOICE]).toContain(a.Parameters.TextToSpeechVoice);
    }
    expect(TTS_VOICES['zh-CN']).toBe('Zhiyu');
    expect(TTS_VOICES['en-US']).toBe('Joanna');
  });

  it('fails a flow that speaks Chinese with an English voice, or a decision prompt before its voice', () => {
    const english = structuredClone(flow) as { Actions: FlowAction[] };
    for (const a of english.Actions.filter((x) => x.Type === 'UpdateContactTextToSpeechVoice'))
      a.Parameters.TextToSpeechVoice = 'Joanna';
    const problems = voiceProblems(english as Record<string, unknown>);
    expect(problems).toContain('apologise: zh-CN text spoken by Joanna on some path (wants Zhiyu)');
    expect(problems).toContain('queue-full: zh-CN text spoken by Joanna on some path (wants Zhiyu)');
    expect(problems.some((p) => p.startsWith('transfer-announce: zh-CN text spoken by Joanna'))).toBe(true);
    // Skipping the decision's voice: the menu and message prompts' language is unknown.
    const skipped = structuredClone(flow) as { Actions: FlowAction[] };
    for (const a of skipped.Actions) {
      if (a.Transitions.NextAction === 'decision-voice') a.Transitions.NextAction = 'branch';
      for (const e of a.Transitions.Errors ?? [])
        if (e.NextAction === 'decision-voice') e.NextAction = 'branch';
    }
    expect(voiceProblems(skipped as Record<string, unknown>)).toEqual(
      expect.arrayContaining([
        'menu-text: the language of $.External.message is not known on some path',
        'message-text: the language of $.External.message is not known on some path',
      ]),
    );
  });

  it('speaks an English menu in English and the Chinese default notice in Mandarin on the same call', async () => {
    const bilingual = snapshotOf({
      ...ENTERPRISE_INPUT,
      languages: ['zh-CN', 'en-US'],
      regionRules: [],
      menus: {
        main: {
          prompt: { text: { 'zh-CN': '中文请按1，For English press 9', 'en-US': 'unused' } },
          options: { '1': { type: 'hunt' }, '9': { type: 'menu', menuId: 'english', language: 'en-US' } },
        },
        english: {
          prompt: { text: { 'zh-CN': '请按1', 'en-US': 'Press 1 for sales' } },
          options: { '1': { type: 'number', answerNumberId: 'front' } },
        },
      },
    });
    const result = await walkFlow(flow, {
      keys: ['9', '1'],
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
          { snapshot: bilingual, account: HEALTHY_ACCOUNT, ratePerMinute: 30 },
        ),
    });
    const spoken = result.steps
      .filter((s) => s.detail?.voice && (s.type === 'GetParticipantInput' || s.type === 'MessageParticipant'))
      .map((s) => [s.detail?.prompt ?? s.detail?.said, s.detail?.voice]);
    expect(spoken).toEqual([
      ['中文请按1，For English press 9', 'Zhiyu'],
      ['Press 1 for sales', 'Joanna'],
      ['为保证服务质量，您的通话可能会被录音。', 'Zhiyu'],
    ]);
    expect(result.outcome).toMatchObject({ kind: 'transferred', recorded: true });
  });
});

describe('decisions say which language each prompt is in', () => {
  const decide = (snapshot: ReturnType<typeof snapshotOf>, caller = '+862161234567') =>
    decideCall(
      { caller, contactId: 'c', step: 'start', now: WED_10AM },
      { snapshot, account: HEALTHY_ACCOUNT, ratePerMinute: 30 },
    );

  it('an English number announces its own English notice in English, our default notice in Mandarin', () => {
    const english = {
      ...ENTERPRISE_INPUT,
      languages: ['en-US'],
      regionRules: [],
      menus: {},
      defaultDestination: { type: 'hunt' as const },
    };
    const own = decide(
      snapshotOf({
        ...english,
        recording: { enabled: true, announcementPrompt: { text: { 'en-US': 'This call may be recorded.' } } },
      }),
    );
    expect(own).toMatchObject({
      action: 'transfer',
      announcement: 'This call may be recorded.',
      announcementLanguage: 'en-US',
    });
    const ours = decide(snapshotOf({ ...english, recording: { enabled: true } }));
    expect(ours).toMatchObject({ action: 'transfer', announcementLanguage: 'zh-CN' });
    expect(ours.announcement).toMatch(/录音/);
    const none = decide(snapshotOf({ ...english, recording: { enabled: false } }));
    expect(none).toMatchObject({ announcement: '', announcementLanguage: '' });
  });

  it('a refusal says the language its message is in', () => {
    const d = decideCall(
      { caller: '+862161234567', contactId: 'c', step: 'start', now: WED_10AM },
      { snapshot: undefined, account: HEALTHY_ACCOUNT, ratePerMinute: 30 },
    );
    expect(d).toMatchObject({ action: 'message', reason: 'unknown_number', language: 'zh-CN' });
    for (const key of FLOW_DECISION_KEYS) expect(typeof d[key], key).toBe('string');
  });
});

describe('the recording notice always plays before recording starts', () => {
  const ARM = 'arn:aws:lambda:ap-southeast-1:111122223333:function:armCallLimit';
  const limited = buildContactFlow({ routeCallFunctionArn: ARN, armCallLimitFunctionArn: ARM });
  const decision = (kind: 'transfer' | 'queue', announcementLanguage: string, announcement: string) => {
    const out: Record<string, string> = Object.fromEntries(FLOW_DECISION_KEYS.map((k) => [k, '']));
    Object.assign(out, {
      action: kind,
      reason: 'routed',
      record: 'true',
      announce: announcement ? 'true' : 'false',
      announcement,
      announcementLanguage,
      language: 'en-US',
      promptKind: 'text',
      maxDurationSeconds: '600',
      ...(kind === 'transfer'
        ? { destination: '+8613910001234', ringTimeoutSeconds: '20' }
        : { queueArn: 'arn:aws:connect:ap-southeast-1:111122223333:instance/i/queue/q', queuePriority: '' }),
    });
    return out;
  };
  const notices = {
    'zh-CN': '为保证服务质量，您的通话可能会被录音。',
    'en-US': 'This call may be recorded.',
  };

  it('walks every path to a recording: the notice, in its own voice, comes after the last decision and before recording', async () => {
    let recordedWalks = 0;
    for (const f of [flow, limited])
      for (const kind of ['transfer', 'queue'] as const)
        for (const [language, notice] of Object.entries(notices))
          for (const failing of [
            [],
            [`${kind}-announce`],
            [`${kind}-announce-voice-${TTS_VOICES[language]?.toLowerCase()}`],
          ]) {
            const result = await walkFlow(f, {
              invoke: async () => decision(kind, language, notice),
              lambdas: { [ARM]: async () => ({ armed: 'true' }) },
              failing,
            });
            const label = `${kind} ${language} failing=${failing.join(',')}`;
            expect(result.outcome.kind, label).toBe(kind === 'transfer' ? 'transferred' : 'queued');
            const steps = result.steps;
            const recordAt = steps.findIndex((s) => s.type === 'UpdateContactRecordingBehavior');
            const lastDecision = steps.map((s) => s.action).lastIndexOf('invoke-route-call');
            const noticeAt = steps.findIndex(
              (s, i) =>
                i > lastDecision &&
                s.type === 'MessageParticipant' &&
                s.detail?.said === notice &&
                !s.detail?.error,
            );
            // Recorded exactly when the notice played, in a voice that speaks it, before recording started.
            expect(result.outcome.recorded, label).toBe(failing.length === 0);
            if (result.outcome.recorded) {
              recordedWalks++;
              expect(noticeAt, label).toBeGreaterThan(lastDecision);
              expect(noticeAt, label).toBeLessThan(recordAt);
              expect(steps[noticeAt]?.detail?.voice, label).toBe(TTS_VOICES[language]);
            } else expect(recordAt, label).toBe(-1);
          }
    expect(recordedWalks).toBe(8);
  });

  it('records without a notice only where the enterprise opted out (no announcement in the decision)', async () => {
    const result = await walkFlow(flow, { invoke: async () => decision('transfer', '', '') });
    expect(result.outcome.recorded).toBe(true);
    expect(result.steps.some((s) => s.type === 'MessageParticipant')).toBe(false);
  });
});

describe('the validator models the flow language of the actions the generator uses', () => {
  const single = (action: Partial<FlowAction> & { Type: string }) => ({
    Version: '2019-10-30',
    StartAction: 'a',
    Actions: [
      {
        Identifier: 'a',
        Parameters: {},
        Transitions: { NextAction: 'end', Errors: [{ NextAction: 'end', ErrorType: 'NoMatchingError' }] },
        ...action,
      },
      { Identifier: 'end', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
    ],
  });
  const problemsOf = (action: Partial<FlowAction> & { Type: string }) =>
    validateContactFlow(single(action)).map((p) => p.problem);
  const storeInput = {
    Text: '请按键',
    StoreInput: 'True',
    InputTimeLimitSeconds: '6',
    InputValidation: { CustomValidation: { MaximumLength: '1' } },
  };

  it('store-input mode: no InputTimeLimitExceeded, no NoMatchingCondition, no conditions; NoMatchingError required', () => {
    expect(problemsOf({ Type: 'GetParticipantInput', Parameters: storeInput })).toEqual([]);
    const timeout = problemsOf({
      Type: 'GetParticipantInput',
      Parameters: storeInput,
      Transitions: {
        NextAction: 'end',
        Errors: [
          { NextAction: 'end', ErrorType: 'InputTimeLimitExceeded' },
          { NextAction: 'end', ErrorType: 'NoMatchingCondition' },
        ],
        Conditions: [{ NextAction: 'end', Condition: { Operator: 'Equals', Operands: ['1'] } }],
      },
    });
    expect(timeout).toEqual(
      expect.arrayContaining([
        'GetParticipantInput with StoreInput True raises no error InputTimeLimitExceeded',
        'GetParticipantInput with StoreInput True raises no error NoMatchingCondition',
        'GetParticipantInput with StoreInput True takes no conditions',
        'GetParticipantInput must define the NoMatchingError branch',
      ]),
    );
    expect(
      problemsOf({
        Type: 'GetParticipantInput',
        Parameters: { ...storeInput, InputValidation: { PhoneNumberValidation: { NumberFormat: 'E164' } } },
        Transitions: {
          NextAction: 'end',
          Errors: [
            { NextAction: 'end', ErrorType: 'NoMatchingError' },
            { NextAction: 'end', ErrorType: 'InvalidPhoneNumber' },
          ],
        },
      }),
    ).toEqual([]);
  });

  it('menu mode: conditions on one key, InputValidation only with StoreInput, a static time limit above zero', () => {
    const menu = { Text: '请按键', InputTimeLimitSeconds: '5' };
    const ok = {
      NextAction: 'end',
      Errors: [
        { NextAction: 'end', ErrorType: 'NoMatchingError' },
        { NextAction: 'end', ErrorType: 'NoMatchingCondition' },
      ],
      Conditions: [{ NextAction: 'end', Condition: { Operator: 'Equals', Operands: ['#'] } }],
    };
    expect(problemsOf({ Type: 'GetParticipantInput', Parameters: menu, Transitions: ok })).toEqual([]);
    expect(
      problemsOf({
        Type: 'GetParticipantInput',
        Parameters: {
          ...menu,
          InputTimeLimitSeconds: '$.Attributes.t',
          InputValidation: { CustomValidation: {} },
        },
        Transitions: {
          ...ok,
          Conditions: [{ NextAction: 'end', Condition: { Operator: 'Equals', Operands: ['12'] } }],
        },
      }),
    ).toEqual(
      expect.arrayContaining([
        'InputTimeLimitSeconds must be defined statically',
        'InputTimeLimitSeconds is an integer above zero',
        'InputValidation is required if and only if StoreInput is True',
        'GetParticipantInput conditions are Equals on one of 0-9, * or #',
      ]),
    );
  });

  it('Set voice: a static voice and its NoMatchingError branch', () => {
    expect(
      problemsOf({ Type: 'UpdateContactTextToSpeechVoice', Parameters: { TextToSpeechVoice: 'Zhiyu' } }),
    ).toEqual([]);
    expect(
      problemsOf({
        Type: 'UpdateContactTextToSpeechVoice',
        Parameters: { TextToSpeechVoice: '$.External.voice' },
        Transitions: { NextAction: 'end' },
      }),
    ).toEqual(
      expect.arrayContaining([
        'TextToSpeechVoice must be defined statically',
        'UpdateContactTextToSpeechVoice must define the NoMatchingError branch',
      ]),
    );
    expect(problemsOf({ Type: 'UpdateContactTextToSpeechVoice', Parameters: {} })).toContain(
      'missing parameter TextToSpeechVoice',
    );
  });

  it('a transfer that hangs up after connecting raises no CallFailed or time-limit error', () => {
    const transfer = (ContinueFlowExecution: string) =>
      problemsOf({
        Type: 'TransferParticipantToThirdParty',
        Parameters: { ThirdPartyPhoneNumber: '+8613910001234', ContinueFlowExecution },
        Transitions: {
          NextAction: 'end',
          Errors: [
            { NextAction: 'end', ErrorType: 'CallFailed' },
            { NextAction: 'end', ErrorType: 'NoMatchingError' },
          ],
        },
      });
    expect(transfer('True')).toEqual([]);
    expect(transfer('False')).toContain('TransferParticipantToThirdParty raises no error CallFailed');
    expect(
      problemsOf({
        Type: 'UpdateContactRoutingBehavior',
        Parameters: { QueuePriority: '$.Attributes.p' },
        Transitions: { NextAction: 'end' },
      }),
    ).toContain('QueuePriority must be defined statically');
  });
});
