/**
 * Runs flow-language JSON block by block without a phone: the local call simulator (POST /local/calls) and
 * the test-calls endpoint both walk the very flow Connect runs, so the flow logic itself is exercised.
 * Only what our generic flow uses is interpreted; anything else ends the walk as an error.
 * What the caller and the answer numbers do (keys pressed, who picks up) comes from the options.
 */
import type { FlowAction } from './contact-flow.js';

/** A Lambda as the flow sees it: the resolved invocation attributes in, a flat string map out. */
export type FlowLambda = (parameters: Record<string, string>) => Promise<Record<string, string>>;

export interface WalkOptions {
  /** Calls the routing Lambda (or the same decision in-process) with the resolved invocation attributes. */
  readonly invoke: FlowLambda;
  /**
   * Other Lambdas the flow invokes, by function ARN (e.g. arm-call-limit). An InvokeLambdaFunction block
   * naming one of these calls it; any other block is the routing Lambda (`invoke`). A block naming an ARN
   * listed with `undefined` fails as a Lambda error would.
   */
  readonly lambdas?: Readonly<Record<string, FlowLambda | undefined>>;
  /** Keys the caller presses, one per menu; when none is left the menu times out. */
  readonly keys?: readonly string[];
  /** Whether an answer number picks up. @default every number answers */
  readonly answers?: (destination: string) => boolean;
  /** Whether the queue accepts the contact. @default true */
  readonly queueAccepts?: boolean;
  /** Actions (by Identifier) that fail as Connect's NoMatchingError would, e.g. a prompt that cannot play. */
  readonly failing?: readonly string[];
  readonly maxSteps?: number;
}

export interface WalkStep {
  readonly action: string;
  readonly type: string;
  readonly detail?: Readonly<Record<string, string>>;
}

export type WalkOutcomeKind = 'transferred' | 'queued' | 'message' | 'error';

export interface WalkOutcome {
  readonly kind: WalkOutcomeKind;
  /** The routing Lambda's reason of the final decision (after_hours, region, blacklisted, …). */
  readonly reason: string;
  readonly destination?: string;
  readonly queueArn?: string;
  readonly queuePriority?: string;
  /** What the caller heard last before the line closed (message outcomes). */
  readonly message?: string;
  readonly recorded: boolean;
  readonly ivrPath: string;
  readonly maxDurationSeconds?: number;
}

export interface WalkResult {
  readonly steps: readonly WalkStep[];
  readonly outcome: WalkOutcome;
  readonly attributes: Readonly<Record<string, string>>;
  /** Invocations of the routing Lambda (other Lambdas appear in `steps` only). */
  readonly invocations: number;
  /** Destinations tried in order (hunting). */
  readonly attempts: readonly { destination: string; answered: boolean }[];
}

export async function walkFlow(flow: Record<string, unknown>, options: WalkOptions): Promise<WalkResult> {
  const actions = new Map<string, FlowAction>();
  for (const a of (flow.Actions ?? []) as FlowAction[]) actions.set(a.Identifier, a);
  const attributes: Record<string, string> = {};
  // Like Connect, every Lambda's answer replaces $.External; `decision` is the routing Lambda's last one.
  let external: Record<string, string> = {};
  let decision: Record<string, string> = {};
  let stored = '';
  const keys = [...(options.keys ?? [])];
  const steps: WalkStep[] = [];
  const attempts: { destination: string; answered: boolean }[] = [];
  let invocations = 0;
  let recorded = false;
  let lastMessage: string | undefined;
  let queueArn = '';
  let queuePriority = '';
  // Connect's text-to-speech voice when no Set voice block ran (flow language reference).
  let voice = 'Joanna';
  let ended: WalkOutcomeKind | undefined;
  let transferredTo: string | undefined;

  const resolve = (value: unknown): string => {
    if (typeof value !== 'string') return value === undefined || value === null ? '' : String(value);
    if (value.startsWith('$.External.')) return external[value.slice(11)] ?? '';
    if (value.startsWith('$.Attributes.')) return attributes[value.slice(13)] ?? '';
    if (value === '$.StoredCustomerInput') return stored;
    return value;
  };
  const onError = (a: FlowAction, type: string): string | undefined =>
    a.Transitions.Errors?.find((e) => e.ErrorType === type)?.NextAction ??
    a.Transitions.Errors?.find((e) => e.ErrorType === 'NoMatchingError')?.NextAction;

  let current: string | undefined = String(flow.StartAction ?? '');
  const maxSteps = options.maxSteps ?? 200;
  while (current && !ended) {
    if (steps.length >= maxSteps) {
      ended = 'error';
      steps.push({ action: current, type: 'Abort', detail: { why: `more than ${maxSteps} steps` } });
      break;
    }
    const a = actions.get(current);
    if (!a) {
      ended = 'error';
      steps.push({ action: current, type: 'Abort', detail: { why: 'transition to a missing action' } });
      break;
    }
    const p = a.Parameters ?? {};
    let next: string | undefined = a.Transitions.NextAction;
    let detail: Record<string, string> | undefined;
    if (options.failing?.includes(a.Identifier)) {
      steps.push({ action: a.Identifier, type: a.Type, detail: { error: 'NoMatchingError' } });
      current = onError(a, 'NoMatchingError');
      if (!current) ended = 'error';
      continue;
    }
    switch (a.Type) {
      case 'UpdateContactAttributes': {
        for (const [k, v] of Object.entries((p.Attributes ?? {}) as Record<string, unknown>))
          attributes[k] = resolve(v);
        break;
      }
      case 'InvokeLambdaFunction': {
        const arn = typeof p.LambdaFunctionARN === 'string' ? p.LambdaFunctionARN : '';
        const other = options.lambdas !== undefined && Object.hasOwn(options.lambdas, arn);
        if (!other) invocations++;
        const params: Record<string, string> = {};
        for (const [k, v] of Object.entries((p.LambdaInvocationAttributes ?? {}) as Record<string, unknown>))
          params[k] = resolve(v);
        try {
          const lambda = other ? options.lambdas?.[arn] : options.invoke;
          if (!lambda) throw new Error(`no Lambda ${arn}`);
          const answer = await lambda(params);
          const flat =
            answer && typeof answer === 'object' && Object.values(answer).every((v) => typeof v === 'string');
          if (!flat) throw new Error('the Lambda answered something other than a flat string map');
          external = { ...answer };
          if (!other) decision = external;
          detail = other
            ? { ...params, ...external }
            : { ...params, action: external.action ?? '', reason: external.reason ?? '' };
        } catch (error) {
          detail = { ...params, error: (error as Error).message };
          next = onError(a, 'NoMatchingError');
        }
        break;
      }
      case 'Compare': {
        const value = resolve(p.ComparisonValue);
        const hit = a.Transitions.Conditions?.find(
          (c) => c.Condition.Operator === 'Equals' && c.Condition.Operands[0] === value,
        );
        next = hit ? hit.NextAction : onError(a, 'NoMatchingCondition');
        detail = { value };
        break;
      }
      case 'UpdateContactTextToSpeechVoice':
        voice = resolve(p.TextToSpeechVoice);
        detail = { voice };
        break;
      case 'MessageParticipant': {
        lastMessage = resolve(p.Text ?? p.PromptId ?? p.SSML);
        detail = { said: lastMessage, ...(p.Text !== undefined ? { voice } : {}) };
        break;
      }
      case 'GetParticipantInput': {
        const prompt = resolve(p.Text ?? p.PromptId ?? p.SSML);
        // StoreInput: no key means the success branch with "Timeout" stored.
        stored = keys.length ? String(keys.shift()) : 'Timeout';
        detail = { prompt, key: stored, ...(p.Text !== undefined ? { voice } : {}) };
        break;
      }
      case 'UpdateContactRecordingBehavior':
        recorded = true;
        break;
      case 'TransferParticipantToThirdParty': {
        const destination = resolve(p.ThirdPartyPhoneNumber);
        const answered = destination !== '' && (options.answers ? options.answers(destination) : true);
        attempts.push({ destination, answered });
        detail = {
          destination,
          ringTimeoutSeconds: resolve(p.ThirdPartyConnectionTimeoutSeconds),
          answered: String(answered),
        };
        if (answered) transferredTo = destination;
        else next = onError(a, destination === '' ? 'CallFailed' : 'ConnectionTimeLimitExceeded');
        break;
      }
      case 'UpdateContactTargetQueue': {
        queueArn = resolve(p.QueueId);
        if (queueArn === '') next = onError(a, 'NoMatchingError');
        detail = { queueArn };
        break;
      }
      case 'UpdateContactRoutingBehavior':
        queuePriority = resolve(p.QueuePriority);
        break;
      case 'TransferContactToQueue': {
        if (queueArn !== '' && (options.queueAccepts ?? true)) {
          ended = 'queued';
          detail = { queueArn, queuePriority };
        } else next = onError(a, 'QueueAtCapacity');
        break;
      }
      case 'DisconnectParticipant':
        ended = transferredTo ? 'transferred' : lastMessage !== undefined ? 'message' : 'error';
        next = undefined;
        break;
      default:
        ended = 'error';
        detail = { why: `action type ${a.Type} is not simulated` };
    }
    steps.push({ action: a.Identifier, type: a.Type, ...(detail ? { detail } : {}) });
    current = ended ? undefined : next;
    if (!current && !ended) ended = 'error';
  }
  const kind = ended ?? 'error';
  const maxDuration = Number(attributes.maxDurationSeconds);
  return {
    steps,
    attributes,
    invocations,
    attempts,
    outcome: {
      kind,
      reason: decision.reason ?? '',
      ...(kind === 'transferred' && transferredTo ? { destination: transferredTo } : {}),
      ...(kind === 'queued' ? { queueArn, queuePriority } : {}),
      ...(kind === 'message' && lastMessage !== undefined ? { message: lastMessage } : {}),
      recorded,
      ivrPath: attributes.ivrPath ?? '',
      ...(attributes.maxDurationSeconds && Number.isFinite(maxDuration)
        ? { maxDurationSeconds: maxDuration }
        : {}),
    },
  };
}
