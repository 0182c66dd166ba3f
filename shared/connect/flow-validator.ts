/**
 * Structural checks of flow-language JSON before Connect sees it: the version, a start action, unique
 * identifiers, every transition landing on an action that exists, every action type one Connect accepts
 * with the error branches it can raise and the parameters it needs, every action reachable, and the size
 * under Connect's flow-content limit.
 *
 * What each action accepts follows the Amazon Connect flow-language reference ("Flow language actions",
 * APIReference; the archived copy in awsdocs/amazon-connect-admin-guide doc_source/*-actions-*.md):
 * - GetParticipantInput: exactly one of PromptId, Text, SSML, Media; InputTimeLimitSeconds static, an integer
 *   above zero; StoreInput "True"/"False", static; InputValidation required if and only if StoreInput is True
 *   (CustomValidation or PhoneNumberValidation, not both). Errors: NoMatchingError, always defined;
 *   NoMatchingCondition only when StoreInput is not True (conditions are then Equals on one static character
 *   0-9, * or #); InvalidPhoneNumber only with StoreInput True and PhoneNumberValidation. With StoreInput True
 *   there are no conditions, and a caller who enters nothing takes the success branch with "Timeout" stored
 *   (admin guide, "Store customer input"), so no timeout error branch exists in that mode.
 * - MessageParticipant: exactly one of PromptId, Text, SSML, Media; error NoMatchingError.
 * - InvokeLambdaFunction: InvocationTimeLimitSeconds static, an integer 1-8; error NoMatchingError.
 * - TransferParticipantToThirdParty: ThirdPartyConnectionTimeoutSeconds 0-600, static or one JSONPath;
 *   ContinueFlowExecution static; CallFailed and ConnectionTimeLimitExceeded only when it is not "False".
 * - UpdateContactRoutingBehavior: QueuePriority (static, above zero) or QueueTimeAdjustmentSeconds; no errors.
 * - TransferContactToQueue: errors QueueAtCapacity, NoMatchingError.
 * - UpdateContactTextToSpeechVoice ("Set voice"): TextToSpeechVoice (an Amazon Polly voice name; optional
 *   TextToSpeechEngine, TextToSpeechStyle); error NoMatchingError, always defined (it is raised for an invalid
 *   voice or engine). Without it the voice is Joanna. The archived reference wants the voice static, the
 *   current one also accepts a dynamic value; we require static voices, which the walk in the tests can check.
 */

/** CreateContactFlow / UpdateContactFlowContent accept content up to 256,000 characters. */
export const MAX_FLOW_CONTENT_CHARS = 256_000;

interface ActionSpec {
  readonly required?: readonly string[];
  /** Exactly one of these parameters. */
  readonly oneOf?: readonly string[];
  readonly errors: readonly string[];
  readonly conditions?: boolean;
  /** Ends the flow: no NextAction expected. */
  readonly terminal?: boolean;
  /** Error branches the reference says must always be defined. */
  readonly mustHandle?: readonly string[];
  /** Parameters the reference says must be defined statically (no $. reference). */
  readonly staticParameters?: readonly string[];
}

/** The flow-language actions this project uses, with what the Connect reference says about each. */
export const ACTION_SPECS: Readonly<Record<string, ActionSpec>> = {
  InvokeLambdaFunction: {
    required: ['LambdaFunctionARN', 'InvocationTimeLimitSeconds'],
    errors: ['NoMatchingError'],
    staticParameters: ['InvocationTimeLimitSeconds'],
  },
  UpdateContactAttributes: { required: ['Attributes'], errors: ['NoMatchingError'] },
  Compare: { required: ['ComparisonValue'], errors: ['NoMatchingCondition'], conditions: true },
  // Without StoreInput; the store-input mode is checked by storeInputProblems (different errors, no conditions).
  GetParticipantInput: {
    oneOf: ['Text', 'PromptId', 'SSML', 'Media'],
    required: ['InputTimeLimitSeconds'],
    errors: ['NoMatchingCondition', 'NoMatchingError'],
    conditions: true,
    mustHandle: ['NoMatchingError'],
    staticParameters: ['InputTimeLimitSeconds', 'StoreInput'],
  },
  UpdateContactTextToSpeechVoice: {
    required: ['TextToSpeechVoice'],
    errors: ['NoMatchingError'],
    mustHandle: ['NoMatchingError'],
    staticParameters: ['TextToSpeechVoice', 'TextToSpeechEngine', 'TextToSpeechStyle'],
  },
  MessageParticipant: { oneOf: ['Text', 'PromptId', 'SSML', 'Media'], errors: ['NoMatchingError'] },
  // CallFailed and ConnectionTimeLimitExceeded only while ContinueFlowExecution is not "False" (checked below).
  TransferParticipantToThirdParty: {
    required: ['ThirdPartyPhoneNumber'],
    errors: ['CallFailed', 'ConnectionTimeLimitExceeded', 'NoMatchingError'],
    staticParameters: ['ContinueFlowExecution'],
  },
  TransferContactToQueue: { errors: ['QueueAtCapacity', 'NoMatchingError'] },
  UpdateContactTargetQueue: { required: ['QueueId'], errors: ['NoMatchingError'] },
  UpdateContactRecordingBehavior: { required: ['RecordingBehavior'], errors: ['NoMatchingError'] },
  UpdateContactRoutingBehavior: {
    oneOf: ['QueuePriority', 'QueueTimeAdjustmentSeconds'],
    errors: [],
    staticParameters: ['QueuePriority', 'QueueTimeAdjustmentSeconds'],
  },
  CheckHoursOfOperation: { errors: ['NoMatchingCondition', 'NoMatchingError'], conditions: true },
  DisconnectParticipant: { errors: [], terminal: true },
};

export interface FlowProblem {
  readonly action?: string;
  readonly problem: string;
}

type FlowAction = {
  Identifier?: unknown;
  Type?: unknown;
  Parameters?: Record<string, unknown>;
  Transitions?: {
    NextAction?: unknown;
    Conditions?: { NextAction?: unknown; Condition?: { Operator?: unknown; Operands?: unknown } }[];
    Errors?: { NextAction?: unknown; ErrorType?: unknown }[];
  };
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** GetParticipantInput's own parameter rules (see the header). */
function inputProblems(id: string, params: Record<string, unknown>): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const seconds = Number(params.InputTimeLimitSeconds);
  if (!Number.isInteger(seconds) || seconds <= 0)
    problems.push({ action: id, problem: 'InputTimeLimitSeconds is an integer above zero' });
  if (params.StoreInput !== undefined && params.StoreInput !== 'True' && params.StoreInput !== 'False')
    problems.push({ action: id, problem: 'StoreInput is "True" or "False"' });
  const store = params.StoreInput === 'True';
  const validation = params.InputValidation;
  if (store !== (validation !== undefined))
    problems.push({ action: id, problem: 'InputValidation is required if and only if StoreInput is True' });
  if (isObject(validation)) {
    const kinds = ['CustomValidation', 'PhoneNumberValidation'].filter((k) => validation[k] !== undefined);
    if (kinds.length !== 1)
      problems.push({
        action: id,
        problem: 'InputValidation has one of CustomValidation, PhoneNumberValidation',
      });
  }
  return problems;
}

/** Every problem found (empty when the flow is sound). */
export function validateContactFlow(flow: unknown): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const content = JSON.stringify(flow);
  if (content.length > MAX_FLOW_CONTENT_CHARS)
    problems.push({ problem: `content is ${content.length} characters, over ${MAX_FLOW_CONTENT_CHARS}` });
  const f = flow as { Version?: unknown; StartAction?: unknown; Actions?: unknown };
  if (f?.Version !== '2019-10-30') problems.push({ problem: 'Version must be 2019-10-30' });
  if (!Array.isArray(f?.Actions) || f.Actions.length === 0)
    return [...problems, { problem: 'Actions must be a non-empty array' }];
  const actions = f.Actions as FlowAction[];
  const ids = new Map<string, FlowAction>();
  for (const a of actions) {
    if (typeof a.Identifier !== 'string' || !/^[A-Za-z0-9-]{1,50}$/.test(a.Identifier)) {
      problems.push({
        action: String(a.Identifier),
        problem: 'Identifier must be 1-50 letters, digits or dashes',
      });
      continue;
    }
    if (ids.has(a.Identifier)) problems.push({ action: a.Identifier, problem: 'duplicate Identifier' });
    ids.set(a.Identifier, a);
  }
  if (typeof f.StartAction !== 'string' || !ids.has(f.StartAction))
    problems.push({ problem: 'StartAction names no action' });

  for (const [id, a] of ids) {
    const spec = typeof a.Type === 'string' ? ACTION_SPECS[a.Type] : undefined;
    if (!spec) {
      problems.push({ action: id, problem: `unknown action type ${String(a.Type)}` });
      continue;
    }
    const params = a.Parameters ?? {};
    for (const p of spec.required ?? [])
      if (params[p] === undefined || params[p] === '')
        problems.push({ action: id, problem: `missing parameter ${p}` });
    if (spec.oneOf && spec.oneOf.filter((p) => params[p] !== undefined).length !== 1) {
      problems.push({ action: id, problem: `exactly one of ${spec.oneOf.join(', ')}` });
    }
    for (const p of spec.staticParameters ?? [])
      if (typeof params[p] === 'string' && (params[p] as string).startsWith('$.'))
        problems.push({ action: id, problem: `${p} must be defined statically` });
    const storeInput = a.Type === 'GetParticipantInput' && params.StoreInput === 'True';
    if (a.Type === 'GetParticipantInput') problems.push(...inputProblems(id, params));
    if (a.Type === 'InvokeLambdaFunction') {
      const limit = Number(params.InvocationTimeLimitSeconds);
      if (!Number.isInteger(limit) || limit < 1 || limit > 8)
        problems.push({ action: id, problem: 'InvocationTimeLimitSeconds is an integer 1-8' });
    }
    if (a.Type === 'TransferParticipantToThirdParty') {
      const t = params.ThirdPartyConnectionTimeoutSeconds;
      if (typeof t === 'string' && !t.startsWith('$.') && !(Number(t) >= 0 && Number(t) <= 600)) {
        problems.push({ action: id, problem: 'ThirdPartyConnectionTimeoutSeconds is 0-600' });
      }
    }
    const t = a.Transitions;
    if (!t || typeof t !== 'object') {
      problems.push({ action: id, problem: 'missing Transitions' });
      continue;
    }
    const targets: unknown[] = [];
    if (spec.terminal) {
      if (t.NextAction !== undefined)
        problems.push({ action: id, problem: 'a terminal action has no NextAction' });
    } else if (t.NextAction === undefined && !(spec.conditions && t.Conditions?.length)) {
      problems.push({ action: id, problem: 'missing NextAction' });
    }
    if (t.NextAction !== undefined) targets.push(t.NextAction);
    if (t.Conditions?.length && (!spec.conditions || storeInput))
      problems.push({
        action: id,
        problem: `${String(a.Type)}${storeInput ? ' with StoreInput True' : ''} takes no conditions`,
      });
    for (const c of t.Conditions ?? []) {
      targets.push(c.NextAction);
      if (typeof c.Condition?.Operator !== 'string' || !Array.isArray(c.Condition.Operands))
        problems.push({ action: id, problem: 'malformed condition' });
    }
    const hangsUp = a.Type === 'TransferParticipantToThirdParty' && params.ContinueFlowExecution === 'False';
    const allowed = hangsUp
      ? ['NoMatchingError']
      : storeInput
        ? [
            'NoMatchingError',
            ...(isObject(params.InputValidation) && params.InputValidation.PhoneNumberValidation
              ? ['InvalidPhoneNumber']
              : []),
          ]
        : spec.errors;
    for (const e of t.Errors ?? []) {
      targets.push(e.NextAction);
      if (typeof e.ErrorType !== 'string' || !allowed.includes(e.ErrorType)) {
        problems.push({
          action: id,
          problem: `${String(a.Type)}${storeInput ? ' with StoreInput True' : ''} raises no error ${String(e.ErrorType)}`,
        });
      }
    }
    for (const required of spec.mustHandle ?? [])
      if (!(t.Errors ?? []).some((e) => e.ErrorType === required))
        problems.push({ action: id, problem: `${String(a.Type)} must define the ${required} branch` });
    if (a.Type === 'GetParticipantInput' && !storeInput)
      for (const c of t.Conditions ?? [])
        if (
          c.Condition?.Operator !== 'Equals' ||
          !Array.isArray(c.Condition.Operands) ||
          !c.Condition.Operands.every((o) => typeof o === 'string' && /^[0-9*#]$/.test(o))
        )
          problems.push({
            action: id,
            problem: 'GetParticipantInput conditions are Equals on one of 0-9, * or #',
          });
    for (const target of targets) {
      if (typeof target !== 'string' || !ids.has(target))
        problems.push({ action: id, problem: `transition to missing action ${String(target)}` });
    }
  }

  // Reachability from the start action.
  const seen = new Set<string>();
  const stack = typeof f.StartAction === 'string' ? [f.StartAction] : [];
  while (stack.length) {
    const id = stack.pop() as string;
    if (seen.has(id) || !ids.has(id)) continue;
    seen.add(id);
    const t = ids.get(id)?.Transitions;
    for (const next of [
      t?.NextAction,
      ...(t?.Conditions ?? []).map((c) => c.NextAction),
      ...(t?.Errors ?? []).map((e) => e.NextAction),
    ]) {
      if (typeof next === 'string') stack.push(next);
    }
  }
  for (const id of ids.keys())
    if (!seen.has(id)) problems.push({ action: id, problem: 'unreachable from StartAction' });
  return problems;
}
