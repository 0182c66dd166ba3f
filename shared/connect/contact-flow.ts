/**
 * The one generic inbound contact flow, in Amazon Connect's flow language, generated from code. Every
 * per-number rule lives in the routing Lambda; the flow only loops: ask the Lambda, act on its `action`,
 * and come back with what happened (a key pressed, a transfer not answered).
 *
 *   start → invoke ─┬─ transfer → [announce + record] → arm limit → TransferParticipantToThirdParty ─(no answer)→ hunt → invoke
 *                   ├─ queue    → [announce + record] → arm limit → set queue → [VIP priority] → TransferContactToQueue
 *                   ├─ menu     → GetParticipantInput (stores the key) → invoke
 *                   └─ message  → MessageParticipant → DisconnectParticipant
 * Lambda failure or an unexpected answer → apology → DisconnectParticipant.
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
    { NextAction: 'save-decision', Errors: onError('apologise', 'NoMatchingError') },
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
      Errors: onError('branch', 'NoMatchingCondition'),
    },
  );
  add(
    'save-limit',
    'UpdateContactAttributes',
    { Attributes: { maxDurationSeconds: ext('maxDurationSeconds') }, TargetContact: 'Current' },
    { NextAction: 'branch', Errors: onError('branch', 'NoMatchingError') },
  );
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
      Errors: onError('apologise', 'NoMatchingCondition'),
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
    // The recording notice is played before recording starts (only an enterprise may have opted out).
    add(
      `${kind}-announce-check`,
      'Compare',
      { ComparisonValue: ext('announce') },
      {
        Conditions: [
          { NextAction: `${kind}-announce`, Condition: { Operator: 'Equals', Operands: ['true'] } },
        ],
        Errors: onError(`${kind}-record`, 'NoMatchingCondition'),
      },
    );
    add(
      `${kind}-announce`,
      'MessageParticipant',
      { Text: ext('announcement') },
      { NextAction: `${kind}-record`, Errors: onError(`${kind}-record`, 'NoMatchingError') },
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
    { NextAction: 'vip-check', Errors: onError('apologise', 'NoMatchingError') },
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
    { NextAction: 'disconnect', Errors: onError('queue-full', 'QueueAtCapacity', 'NoMatchingError') },
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

  // IVR: the key pressed (or "Timeout") goes back to the Lambda, which owns retries and nesting.
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
      {
        NextAction: 'menu-key',
        Errors: onError('menu-timeout', 'InputTimeLimitExceeded', 'NoMatchingError'),
      },
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
    StartAction: 'start',
    Metadata: {
      name: 'hotline400-generic-inbound',
      description: 'Generated by shared/connect/contact-flow.ts; do not edit in the console.',
    },
    Actions: actions,
  };
}
