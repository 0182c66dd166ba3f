/**
 * Structural checks of flow-language JSON before Connect sees it: the version, a start action, unique
 * identifiers, every transition landing on an action that exists, every action type one Connect accepts
 * with the error branches it can raise and the parameters it needs, every action reachable, and the size
 * under Connect's flow-content limit.
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
}

/** The flow-language actions this project uses, with what the Connect reference says about each. */
export const ACTION_SPECS: Readonly<Record<string, ActionSpec>> = {
  InvokeLambdaFunction: {
    required: ['LambdaFunctionARN', 'InvocationTimeLimitSeconds'],
    errors: ['NoMatchingError'],
  },
  UpdateContactAttributes: { required: ['Attributes'], errors: ['NoMatchingError'] },
  Compare: { required: ['ComparisonValue'], errors: ['NoMatchingCondition'], conditions: true },
  GetParticipantInput: {
    oneOf: ['Text', 'PromptId', 'SSML', 'Media'],
    errors: ['InputTimeLimitExceeded', 'NoMatchingCondition', 'NoMatchingError', 'InvalidPhoneNumber'],
    conditions: true,
  },
  MessageParticipant: { oneOf: ['Text', 'PromptId', 'SSML', 'Media'], errors: ['NoMatchingError'] },
  TransferParticipantToThirdParty: {
    required: ['ThirdPartyPhoneNumber'],
    errors: ['CallFailed', 'ConnectionTimeLimitExceeded', 'NoMatchingError'],
  },
  TransferContactToQueue: { errors: ['QueueAtCapacity', 'NoMatchingError'] },
  UpdateContactTargetQueue: { required: ['QueueId'], errors: ['NoMatchingError'] },
  UpdateContactRecordingBehavior: { required: ['RecordingBehavior'], errors: ['NoMatchingError'] },
  UpdateContactRoutingBehavior: { oneOf: ['QueuePriority', 'QueueTimeAdjustmentSeconds'], errors: [] },
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
    if (t.Conditions?.length && !spec.conditions)
      problems.push({ action: id, problem: `${String(a.Type)} takes no conditions` });
    for (const c of t.Conditions ?? []) {
      targets.push(c.NextAction);
      if (typeof c.Condition?.Operator !== 'string' || !Array.isArray(c.Condition.Operands))
        problems.push({ action: id, problem: 'malformed condition' });
    }
    for (const e of t.Errors ?? []) {
      targets.push(e.NextAction);
      if (typeof e.ErrorType !== 'string' || !spec.errors.includes(e.ErrorType)) {
        problems.push({ action: id, problem: `${String(a.Type)} raises no error ${String(e.ErrorType)}` });
      }
    }
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
