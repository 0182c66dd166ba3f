/**
 * The one generic inbound contact flow, in Amazon Connect's flow language, generated from code. Every
 * per-number rule lives in the routing Lambda; the flow only loops: ask the Lambda, act on its `action`,
 * and come back with what happened (a key pressed, a transfer not answered).
 *
 *   voice → start → invoke → voice ─┬─ transfer → [voice + announce + record] → arm limit → TransferParticipantToThirdParty ─(no answer)→ hunt → invoke
 *                                   ├─ queue    → [voice + announce + record] → arm limit → set queue → [VIP priority] → TransferContactToQueue
 *                                   ├─ menu     → GetParticipantInput (stores the key) → invoke
 *                                   └─ message  → MessageParticipant → DisconnectParticipant
 * Lambda failure or an unexpected answer → voice → apology → DisconnectParticipant.
 *
 * Voices: text-to-speech defaults to Joanna (English) and silently skips text its voice cannot speak
 * ("If you enter text that isn't supported for the Amazon Polly voice you are using, it won't be played":
 * Amazon Connect admin guide, voice-for-audio-prompts). So the flow sets a voice (UpdateContactTextToSpeechVoice,
 * the "Set voice" block) before every text prompt: Mandarin (Zhiyu) at the start and before our own fixed
 * prompts, and after every routing decision the voice of the decision's `language` (a Compare on it, one Set
 * voice block per voice), and before the recording notice the voice of `announcementLanguage`. The notice is
 * the condition of recording: if its voice cannot be set or it cannot be played, the call is connected
 * without recording.
 *
 * Call limit: Connect bounds neither a transfer to a phone number nor a queued call, so just before either
 * the flow invokes the arm-call-limit Lambda with the start decision's maxDurationSeconds; it arms a stop
 * of the contact (Connect StopContact) at now + limit + grace. Its failure never drops the call: the flow
 * marks the contact `callLimit=unarmed` and connects it. Because a Lambda's answer replaces `$.External`,
 * what the connecting blocks need (destination, ring timeout, queue, priority) is read from contact
 * attributes saved from the routing decision, and the limit is saved only from the start step (menu and
 * hunt answers carry none).
 * The infra engineer deploys this with CfnContactFlow (type CONTACT_FLOW).
 */
import { DECISION_KEYS } from '../domain/routing/decision.js';

export interface ContactFlowOptions {
  readonly routeCallFunctionArn: string;
  /** The arm-call-limit Lambda; without it the flow arms no stop (the limit is then not enforced). */
  readonly armCallLimitFunctionArn?: string;
  /** Seconds Connect waits for arm-call-limit before connecting the call anyway (1-8). @default 2 */
  readonly armCallLimitTimeLimitSeconds?: number;
  /** Seconds Connect waits for the Lambda (1-8). @default 3 */
  readonly invocationTimeLimitSeconds?: number;
  /** Seconds the menu waits for a key (GetParticipantInput wants it static). @default 6 */
  readonly menuInputSeconds?: number;
}

export const FLOW_VERSION = '2019-10-30';

/** Keys of the Lambda's answer the flow reads; the Lambda always returns every one (possibly empty). */
export const FLOW_DECISION_KEYS = DECISION_KEYS;

/**
 * Amazon Polly voices by the BCP-47 tag of the prompt text. Standard voices (no TextToSpeechEngine), which
 * every Connect Region offers. A language the table does not name is spoken by the default (Mandarin) voice.
 */
export const TTS_VOICES: Readonly<Record<string, string>> = {
  'zh-CN': 'Zhiyu',
  en: 'Joanna',
  'en-US': 'Joanna',
  'en-GB': 'Amy',
};
export const DEFAULT_PROMPT_LANGUAGE = 'zh-CN';
export const DEFAULT_VOICE = 'Zhiyu';

export const FALLBACK_APOLOGY = '对不起，系统繁忙，请稍后再拨。';
export const QUEUE_FULL_MESSAGE = '对不起，坐席繁忙，请稍后再拨。';
/** Contact attribute set when the stop of a limited call could not be armed (Lambda error or timeout). */
export const CALL_LIMIT_UNARMED = { callLimit: 'unarmed' } as const;

/** One action of a Connect flow-language document (the generator writes them, the walker runs them). */
export type FlowAction = {
  Identifier: string;
  Type: string;
  Parameters: Record<string, unknown>;
  Transitions: {
    NextAction?: string;
    Conditions?: { NextAction: string; Condition: { Operator: string; Operands: string[] } }[];
    Errors?: { NextAction: string; ErrorType: string }[];
  };
};

const ext = (key: (typeof DECISION_KEYS)[number]) => `$.External.${key}`;

export function buildContactFlow(options: ContactFlowOptions): Record<string, unknown> {
  const limit = options.invocationTimeLimitSeconds ?? 3;
  const actions: FlowAction[] = [];
  const add = (
    Identifier: string,
    Type: string,
    Parameters: Record<string, unknown>,
    Transitions: FlowAction['Transitions'],
  ) => actions.push({ Identifier, Type, Parameters, Transitions });
  const onError = (target: string, ...types: string[]) =>
    types.map((ErrorType) => ({ NextAction: target, ErrorType }));
  const setStep = (id: string, step: string, key: string, next: string) =>
    add(
      id,
      'UpdateContactAttributes',
      { Attributes: { step, key }, TargetContact: 'Current' },
      { NextAction: next, Errors: onError(next, 'NoMatchingError') },
    );

  const voiceId = (site: string, voice: string) => `${site}-voice-${voice.toLowerCase()}`;
  /** Sets one fixed voice before `next` (our own prompts, whose language we know). */
  const fixedVoice = (site: string, language: string, next: string) => {
    add(
      `${site}-voice`,
      'UpdateContactTextToSpeechVoice',
      { TextToSpeechVoice: TTS_VOICES[language] ?? DEFAULT_VOICE },
      { NextAction: next, Errors: onError(next, 'NoMatchingError') },
    );
    return `${site}-voice`;
  };
  /** Sets the voice of the language held in `languageRef`, then goes to `next` (`failed` if it cannot). */
  const voiceOf = (site: string, languageRef: string, next: string, failed = next) => {
    for (const voice of new Set([...Object.values(TTS_VOICES), DEFAULT_VOICE])) {
      add(
        voiceId(site, voice),
        'UpdateContactTextToSpeechVoice',
        { TextToSpeechVoice: voice },
        { NextAction: next, Errors: onError(failed, 'NoMatchingError') },
      );
    }
    add(
      `${site}-voice`,
      'Compare',
      { ComparisonValue: languageRef },
      {
        Conditions: Object.entries(TTS_VOICES).map(([language, voice]) => ({
          NextAction: voiceId(site, voice),
          Condition: { Operator: 'Equals', Operands: [language] },
        })),
        Errors: onError(voiceId(site, DEFAULT_VOICE), 'NoMatchingCondition'),
      },
    );
    return `${site}-voice`;
  };
  const apologise = fixedVoice('apologise', DEFAULT_PROMPT_LANGUAGE, 'apologise');

  fixedVoice('start', DEFAULT_PROMPT_LANGUAGE, 'start');
  setStep('start', 'start', '', 'invoke-route-call');
  add(
    'invoke-route-call',
    'InvokeLambdaFunction',
    {
      LambdaFunctionARN: options.routeCallFunctionArn,
      InvocationTimeLimitSeconds: String(limit),
      InvocationType: 'SYNCHRONOUS',
      LambdaInvocationAttributes: {
        step: '$.Attributes.step',
        key: '$.Attributes.key',
        state: '$.Attributes.state',
      },
      ResponseValidation: { ResponseType: 'STRING_MAP' },
    },
    { NextAction: 'save-decision', Errors: onError(apologise, 'NoMatchingError') },
  );
  add(
    'save-decision',
    'UpdateContactAttributes',
    {
      Attributes: {
        state: ext('state'),
        tenantId: ext('tenantId'),
        number400: ext('number400'),
        routeReason: ext('reason'),
        ivrPath: ext('ivrPath'),
        // Read by the connecting blocks after arm-call-limit has replaced $.External.
        destination: ext('destination'),
        ringTimeoutSeconds: ext('ringTimeoutSeconds'),
        queueArn: ext('queueArn'),
        queuePriority: ext('queuePriority'),
      },
      TargetContact: 'Current',
    },
    { NextAction: 'first-step-check', Errors: onError('first-step-check', 'NoMatchingError') },
  );
  // The limit comes from the start decision (balance and daily cap); menu and hunt answers leave it empty,
  // so it is saved once and outlives them.
  add(
    'first-step-check',
    'Compare',
    { ComparisonValue: '$.Attributes.step' },
    {
      Conditions: [{ NextAction: 'save-limit', Condition: { Operator: 'Equals', Operands: ['start'] } }],
      Errors: onError('decision-voice', 'NoMatchingCondition'),
    },
  );
  add(
    'save-limit',
    'UpdateContactAttributes',
    { Attributes: { maxDurationSeconds: ext('maxDurationSeconds') }, TargetContact: 'Current' },
    { NextAction: 'decision-voice', Errors: onError('decision-voice', 'NoMatchingError') },
  );
  // The decision's message and menu prompt are in its `language`.
  voiceOf('decision', ext('language'), 'branch');
  add(
    'branch',
    'Compare',
    { ComparisonValue: ext('action') },
    {
      Conditions: [
        { NextAction: 'transfer-record-check', Condition: { Operator: 'Equals', Operands: ['transfer'] } },
        { NextAction: 'queue-record-check', Condition: { Operator: 'Equals', Operands: ['queue'] } },
        { NextAction: 'menu', Condition: { Operator: 'Equals', Operands: ['menu'] } },
        { NextAction: 'message', Condition: { Operator: 'Equals', Operands: ['message'] } },
      ],
      Errors: onError(apologise, 'NoMatchingCondition'),
    },
  );

  // Transfer to an answer number; not answered → ask the Lambda for the next one (hunting).
  const armLimit = options.armCallLimitFunctionArn;
  for (const kind of ['transfer', 'queue'] as const) {
    const connect = kind === 'transfer' ? 'transfer' : 'set-queue';
    const next = armLimit ? `${kind}-arm-limit` : connect;
    if (armLimit) {
      add(
        `${kind}-arm-limit`,
        'InvokeLambdaFunction',
        {
          LambdaFunctionARN: armLimit,
          InvocationTimeLimitSeconds: String(options.armCallLimitTimeLimitSeconds ?? 2),
          InvocationType: 'SYNCHRONOUS',
          LambdaInvocationAttributes: { maxDurationSeconds: '$.Attributes.maxDurationSeconds' },
          ResponseValidation: { ResponseType: 'STRING_MAP' },
        },
        { NextAction: connect, Errors: onError(`${kind}-limit-unarmed`, 'NoMatchingError') },
      );
      add(
        `${kind}-limit-unarmed`,
        'UpdateContactAttributes',
        { Attributes: { ...CALL_LIMIT_UNARMED }, TargetContact: 'Current' },
        { NextAction: connect, Errors: onError(connect, 'NoMatchingError') },
      );
    }
    add(
      `${kind}-record-check`,
      'Compare',
      { ComparisonValue: ext('record') },
      {
        Conditions: [
          { NextAction: `${kind}-announce-check`, Condition: { Operator: 'Equals', Operands: ['true'] } },
        ],
        Errors: onError(next, 'NoMatchingCondition'),
      },
    );
    // The recording notice is played, in a voice that speaks it, before recording starts (only an
    // enterprise may have opted out); if it cannot be played the call is not recorded.
    const announceVoice = voiceOf(`${kind}-announce`, ext('announcementLanguage'), `${kind}-announce`, next);
    add(
      `${kind}-announce-check`,
      'Compare',
      { ComparisonValue: ext('announce') },
      {
        Conditions: [{ NextAction: announceVoice, Condition: { Operator: 'Equals', Operands: ['true'] } }],
        Errors: onError(`${kind}-record`, 'NoMatchingCondition'),
      },
    );
    add(
      `${kind}-announce`,
      'MessageParticipant',
      { Text: ext('announcement') },
      { NextAction: `${kind}-record`, Errors: onError(next, 'NoMatchingError') },
    );
    add(
      `${kind}-record`,
      'UpdateContactRecordingBehavior',
      { RecordingBehavior: { RecordedParticipants: ['Agent', 'Customer'] } },
      { NextAction: next, Errors: onError(next, 'NoMatchingError') },
    );
  }
  add(
    'transfer',
    'TransferParticipantToThirdParty',
    {
      ThirdPartyPhoneNumber: '$.Attributes.destination',
      ThirdPartyConnectionTimeoutSeconds: '$.Attributes.ringTimeoutSeconds',
      // True: the flow resumes when the answer number does not pick up, so the next one can be tried.
      ContinueFlowExecution: 'True',
    },
    {
      NextAction: 'disconnect',
      Errors: onError('hunt-next', 'CallFailed', 'ConnectionTimeLimitExceeded', 'NoMatchingError'),
    },
  );
  setStep('hunt-next', 'hunt', '', 'invoke-route-call');

  add(
    'set-queue',
    'UpdateContactTargetQueue',
    { QueueId: '$.Attributes.queueArn' },
    { NextAction: 'vip-check', Errors: onError(apologise, 'NoMatchingError') },
  );
  add(
    'vip-check',
    'Compare',
    { ComparisonValue: '$.Attributes.queuePriority' },
    {
      Conditions: [{ NextAction: 'vip-priority', Condition: { Operator: 'Equals', Operands: ['1'] } }],
      Errors: onError('to-queue', 'NoMatchingCondition'),
    },
  );
  add('vip-priority', 'UpdateContactRoutingBehavior', { QueuePriority: '1' }, { NextAction: 'to-queue' });
  add(
    'to-queue',
    'TransferContactToQueue',
    {},
    {
      NextAction: 'disconnect',
      Errors: onError(
        fixedVoice('queue-full', DEFAULT_PROMPT_LANGUAGE, 'queue-full'),
        'QueueAtCapacity',
        'NoMatchingError',
      ),
    },
  );
  add(
    'queue-full',
    'MessageParticipant',
    { Text: QUEUE_FULL_MESSAGE },
    { NextAction: 'disconnect', Errors: onError('disconnect', 'NoMatchingError') },
  );

  // Recorded prompts (a Connect prompt ARN in `promptId`) are played instead of text-to-speech.
  const byPromptKind = (id: string, audio: string, text: string) =>
    add(
      id,
      'Compare',
      { ComparisonValue: ext('promptKind') },
      {
        Conditions: [{ NextAction: audio, Condition: { Operator: 'Equals', Operands: ['audio'] } }],
        Errors: onError(text, 'NoMatchingCondition'),
      },
    );

  // IVR: the key pressed (or "Timeout") goes back to the Lambda, which owns retries and nesting. In
  // store-input mode a silent caller takes the success branch with "Timeout" stored; the only error is
  // NoMatchingError (flow language reference, GetParticipantInput: NoMatchingCondition only without
  // StoreInput, InvalidPhoneNumber only with PhoneNumberValidation; no InputTimeLimitExceeded in this mode).
  byPromptKind('menu', 'menu-audio', 'menu-text');
  for (const [id, prompt] of [
    ['menu-text', { Text: ext('message') }],
    ['menu-audio', { PromptId: ext('promptId') }],
  ] as const) {
    add(
      id,
      'GetParticipantInput',
      {
        ...prompt,
        StoreInput: 'True',
        InputTimeLimitSeconds: String(options.menuInputSeconds ?? 6),
        InputValidation: { CustomValidation: { MaximumLength: '1' } },
      },
      { NextAction: 'menu-key', Errors: onError('menu-timeout', 'NoMatchingError') },
    );
  }
  add(
    'menu-key',
    'UpdateContactAttributes',
    { Attributes: { step: 'menu', key: '$.StoredCustomerInput' }, TargetContact: 'Current' },
    { NextAction: 'invoke-route-call', Errors: onError('menu-timeout', 'NoMatchingError') },
  );
  setStep('menu-timeout', 'menu', 'Timeout', 'invoke-route-call');

  byPromptKind('message', 'message-audio', 'message-text');
  add(
    'message-text',
    'MessageParticipant',
    { Text: ext('message') },
    { NextAction: 'disconnect', Errors: onError('disconnect', 'NoMatchingError') },
  );
  add(
    'message-audio',
    'MessageParticipant',
    { PromptId: ext('promptId') },
    { NextAction: 'disconnect', Errors: onError('disconnect', 'NoMatchingError') },
  );
  add(
    'apologise',
    'MessageParticipant',
    { Text: FALLBACK_APOLOGY },
    { NextAction: 'disconnect', Errors: onError('disconnect', 'NoMatchingError') },
  );
  add('disconnect', 'DisconnectParticipant', {}, {});

  return {
    Version: FLOW_VERSION,
    StartAction: 'start-voice',
    Metadata: {
      name: 'hotline400-generic-inbound',
      description: 'Generated by shared/connect/contact-flow.ts; do not edit in the console.',
    },
    Actions: actions,
  };
}
