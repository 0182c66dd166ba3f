/**
 * The per-call decision: given the number's compiled routing, the tenant's account and the caller, what
 * the generic contact flow does next. Pure and total: it never throws and always returns a flat string
 * map (what Connect's InvokeLambdaFunction with STRING_MAP validation accepts).
 *
 * Steps (the flow passes `step` back in): start → (menu → …) → transfer | queue | message;
 * a transfer that is not answered comes back as `hunt` and moves to the next answer number.
 * The flow hands back the opaque `state` we returned, so the decision needs no per-call storage.
 */
import { callAllowance, tariffWorstRatePerMinute } from '../accounts/account.js';
import { ownValue } from '../own-keys.js';
import { DEFAULT_TARIFF } from '../rating/default-tariff.js';
import { localTime, openAt } from './calendar.js';
import { regionGroupOfProvince, regionKey } from './regions.js';
import type {
  AccountStatus,
  CallerRegion,
  CompiledRouting,
  Destination,
  Prompt,
  RateStep,
  RegionLookup,
  RoutingSnapshot,
} from './types.js';

export type CallAction = 'transfer' | 'queue' | 'menu' | 'message';
export type CallStep = 'start' | 'menu' | 'hunt';

/** The flat map returned to Connect; every value a string. */
export type CallDecision = Record<string, string> & { readonly action: CallAction; readonly reason: string };

export interface CallInput {
  readonly caller: string;
  readonly contactId: string;
  readonly step: CallStep;
  /** The key pressed (GetParticipantInput), or 'Timeout'. */
  readonly key?: string;
  readonly state?: string;
  readonly now: Date;
}

export interface DecisionContext {
  /** undefined: no snapshot for the dialled access number. */
  readonly snapshot: RoutingSnapshot | undefined;
  /** undefined: the account could not be read in time (the call is allowed with a short limit). */
  readonly account: AccountStatus | undefined;
  readonly regionOf?: RegionLookup;
  /** Worst per-minute rate (fen) of the number's segment/plan, used for maxDurationSeconds. */
  readonly ratePerMinute: number;
}

/** Longest call we ever allow (4 h), and the limit when the account is unknown (DynamoDB too slow). */
export const MAX_CALL_SECONDS = 4 * 3600;
export const UNKNOWN_ACCOUNT_CALL_SECONDS = 600;
/** Conservative per-minute rate (fen) when rating gives none: long distance at the dearest segment. */
export const CONSERVATIVE_RATE_PER_MINUTE = 30;
export const SPEND_ZONE = 'Asia/Shanghai';
/**
 * The refusal rate of a snapshot that carries no rate steps: one applied before steps were kept (issue 13),
 * when the default tariff's dearest minute (32 fen) was the refusal point everywhere. The daily tariff job
 * gives such snapshots their steps (refreshRateSteps), so this only holds until its next run (or, in a routing
 * table restored from before the job recorded none left, the run after the restore); nothing else in the
 * domain defaults a rate.
 */
export const STEPLESS_SNAPSHOT_REFUSAL_RATE_PER_MINUTE = tariffWorstRatePerMinute(DEFAULT_TARIFF);

/**
 * The rates in force at `nowMs` from a snapshot's steps (the first step before they start); a snapshot
 * without steps has its single rate and STEPLESS_SNAPSHOT_REFUSAL_RATE_PER_MINUTE.
 */
export function ratesAt(
  snapshot: { readonly worstRatePerMinute?: number; readonly rateSteps?: readonly RateStep[] },
  nowMs: number,
): { readonly worstRatePerMinute?: number; readonly refusalRatePerMinute: number } {
  const steps = snapshot.rateSteps ?? [];
  let current = steps[0];
  for (const step of steps) if (Date.parse(step.from) <= nowMs) current = step;
  if (!current)
    return {
      worstRatePerMinute: snapshot.worstRatePerMinute,
      refusalRatePerMinute: STEPLESS_SNAPSHOT_REFUSAL_RATE_PER_MINUTE,
    };
  return current;
}

/** Played before recording starts when the tenant gave no announcement of its own. */
export const DEFAULT_ANNOUNCEMENT = '为保证服务质量，您的通话可能会被录音。';

const MESSAGES: Record<string, Record<string, string>> = {
  unknown_number: {
    'zh-CN': '您拨打的号码不存在，请核对后再拨。',
    'en-US': 'The number you dialled does not exist.',
  },
  number_inactive: {
    'zh-CN': '您拨打的号码暂停服务。',
    'en-US': 'The number you dialled is out of service.',
  },
  arrears: {
    'zh-CN': '您拨打的号码因欠费暂停服务。',
    'en-US': 'The number you dialled is suspended for non-payment.',
  },
  insufficient_balance: {
    'zh-CN': '您拨打的号码余额不足，暂时无法接通。',
    'en-US': 'The number you dialled cannot take calls right now.',
  },
  spend_cap_reached: {
    'zh-CN': '您拨打的号码今日通话已达上限，请明天再拨。',
    'en-US': 'The number you dialled has reached its daily limit.',
  },
  blacklisted: { 'zh-CN': '对不起，您的呼叫无法接通。', 'en-US': 'Sorry, your call cannot be connected.' },
  no_answer: {
    'zh-CN': '对不起，暂时无人接听，请稍后再拨。',
    'en-US': 'Sorry, nobody is available. Please call again later.',
  },
  service_busy: {
    'zh-CN': '系统繁忙，请稍后再拨。',
    'en-US': 'The service is busy. Please call again later.',
  },
  misconfigured: {
    'zh-CN': '对不起，您的呼叫暂时无法接通。',
    'en-US': 'Sorry, your call cannot be connected right now.',
  },
};

function say(reason: string, language: string): string {
  const m = ownValue(MESSAGES, reason) ?? MESSAGES.misconfigured;
  return ownValue(m, language) ?? m?.['zh-CN'] ?? '';
}

function refuse(reason: string, language: string, extra: Record<string, string> = {}): CallDecision {
  // `language` says which voice must speak `message` (the flow sets it before the prompt).
  const spoken =
    ownValue(ownValue(MESSAGES, reason) ?? MESSAGES.misconfigured, language) !== undefined
      ? language
      : 'zh-CN';
  return {
    ...extra,
    action: 'message',
    reason,
    message: say(reason, language),
    language: spoken,
    promptId: '',
  };
}

function hashOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The prompt's text in the call's language (else the number's, else any), and which language that text is in. */
function promptOf(
  routing: CompiledRouting,
  prompt: Prompt,
  language: string,
  fallback: string,
): { message: string; promptId: string; language: string } {
  const text = prompt.text ?? {};
  const spoken =
    ownValue(text, language) !== undefined
      ? language
      : ownValue(text, fallback) !== undefined
        ? fallback
        : (Object.keys(text)[0] ?? language);
  // Audio plays only as the Connect prompt apply made from the tenant's own upload (routing.prompts).
  const promptId = prompt.audio ? (ownValue(routing.prompts ?? {}, prompt.audio) ?? '') : '';
  return { message: ownValue(text, spoken) ?? '', promptId, language: spoken };
}

/** The language the compiled announcement is in: the number's own, or Mandarin for our default text. */
const announcementLanguageOf = (routing: CompiledRouting) =>
  routing.announcement === DEFAULT_ANNOUNCEMENT ? 'zh-CN' : routing.language;

/** Region rule matching: a city rule beats a province rule beats a region-group rule; list order breaks ties. */
export function matchRegion(
  routing: CompiledRouting,
  region: CallerRegion | undefined,
): Destination | undefined {
  if (!region || routing.regionRules.length === 0) return undefined;
  const province = regionKey(region.province);
  const city = region.city ? regionKey(region.city) : undefined;
  const group = region.group ?? regionGroupOfProvince(region.province);
  let best: { score: number; destination: Destination } | undefined;
  for (const rule of routing.regionRules) {
    let score = 0;
    if (rule.city) {
      if (!city || regionKey(rule.city) !== city) continue;
      if (rule.province && regionKey(rule.province) !== province) continue;
      score = 3;
    } else if (rule.province) {
      if (regionKey(rule.province) !== province) continue;
      score = 2;
    } else if (rule.group) {
      if (rule.group !== group) continue;
      score = 1;
    }
    if (!best || score > best.score) best = { score, destination: rule.destination };
  }
  return best?.destination;
}

interface Common {
  readonly routing: CompiledRouting;
  readonly snapshot: RoutingSnapshot;
  readonly input: CallInput;
  readonly base: Record<string, string>;
  readonly vip: boolean;
}

function huntList(routing: CompiledRouting, first: string | undefined, contactId: string): string[] {
  let order = [...routing.huntOrder];
  if (routing.huntMode === 'round_robin' && order.length > 1 && first === undefined) {
    // Round-robin across calls without a shared counter: the contact id picks the starting number, which
    // spreads calls evenly and keeps the per-call path free of writes.
    const start = hashOf(contactId) % order.length;
    order = [...order.slice(start), ...order.slice(0, start)];
  }
  if (first !== undefined) order = [first, ...order.filter((id) => id !== first)];
  return order.filter((id) => ownValue(routing.numbers, id));
}

/** The call's current language: the number's default unless the caller switched in a menu. */
const lang = (c: Common) => c.base.language || c.routing.language;
const langField = (c: Common) => `L=${lang(c)}`;

/** The language a previous step switched to, carried in the state we handed the flow. */
function stateLanguage(state: string | undefined): string | undefined {
  const field = (state ?? '').split('|').find((f) => f.startsWith('L='));
  const value = field?.slice(2);
  return value && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(value) ? value : undefined;
}

function transferTo(c: Common, ids: readonly string[], index: number, firstConnect: boolean): CallDecision {
  const id = ids[index];
  const destination = id ? ownValue(c.routing.numbers, id) : undefined;
  if (!id || !destination) return refuse('no_answer', lang(c), c.base);
  return {
    ...c.base,
    action: 'transfer',
    reason: c.base.reason ?? 'routed',
    destination,
    answerNumberId: id,
    ringTimeoutSeconds: String(c.routing.ringTimeoutSeconds),
    record: firstConnect && c.routing.recording ? 'true' : 'false',
    announcement: firstConnect && c.routing.recording ? c.routing.announcement : '',
    announcementLanguage: firstConnect && c.routing.recording ? announcementLanguageOf(c.routing) : '',
    state: `h|${index}|${ids.join(',')}|${langField(c)}`,
  };
}

function goTo(c: Common, destination: Destination, depth = 0): CallDecision {
  const { routing } = c;
  switch (destination.type) {
    case 'hunt':
      return transferTo(c, huntList(routing, undefined, c.input.contactId), 0, true);
    case 'number':
      return transferTo(c, huntList(routing, destination.answerNumberId, c.input.contactId), 0, true);
    case 'queue': {
      const arn =
        (c.vip ? ownValue(routing.vipQueues, destination.queueId) : '') ||
        ownValue(routing.queues, destination.queueId);
      if (!arn) return refuse('queue_not_applied', lang(c), c.base);
      return {
        ...c.base,
        action: 'queue',
        reason: c.base.reason ?? 'routed',
        queueId: destination.queueId,
        queueArn: arn,
        queuePriority: c.vip ? '1' : '',
        record: routing.recording ? 'true' : 'false',
        announcement: routing.recording ? routing.announcement : '',
        announcementLanguage: routing.recording ? announcementLanguageOf(routing) : '',
        state: `q|${destination.queueId}|${langField(c)}`,
      };
    }
    case 'menu': {
      const menu = ownValue(routing.menus, destination.menuId);
      if (!menu || depth > 20) return refuse('misconfigured', lang(c), c.base);
      // A menu option may switch the call's language (e.g. "For English, press 9").
      const switched = destination.language
        ? { ...c, base: { ...c.base, language: destination.language } }
        : c;
      return {
        ...switched.base,
        action: 'menu',
        reason: c.base.reason ?? 'menu',
        ...promptOf(routing, menu.prompt, lang(switched), routing.language),
        menuId: destination.menuId,
        inputTimeoutSeconds: String(menu.timeoutSeconds),
        state: `m|${destination.menuId}|0|${c.base.ivrPath ?? ''}|${langField(switched)}`,
      };
    }
    case 'message':
      return {
        ...c.base,
        action: 'message',
        reason: c.base.reason ?? 'message',
        ...promptOf(routing, destination.prompt, lang(c), routing.language),
        voicemail: destination.voicemail ? 'true' : 'false',
      };
    default:
      return refuse('misconfigured', lang(c), c.base);
  }
}

function onMenuKey(c: Common): CallDecision {
  const [, menuId = '', attemptText = '0', pathSoFar = ''] = (c.input.state ?? '').split('|');
  const menu = ownValue(c.routing.menus, menuId);
  if (!menu) return goTo({ ...c, base: { ...c.base, reason: 'menu_lost' } }, c.routing.defaultDestination);
  const key = (c.input.key ?? '').trim();
  const chosen = key.length === 1 ? ownValue(menu.options, key) : undefined;
  if (chosen) {
    const path = `${pathSoFar}${key}`;
    return goTo({ ...c, base: { ...c.base, reason: 'menu', ivrPath: path } }, chosen);
  }
  const attempt = Number.parseInt(attemptText, 10) || 0;
  if (attempt < menu.retries) {
    return {
      ...c.base,
      action: 'menu',
      reason: key === '' || key.toLowerCase() === 'timeout' ? 'menu_timeout_retry' : 'menu_invalid_retry',
      ...promptOf(c.routing, menu.prompt, lang(c), c.routing.language),
      menuId,
      inputTimeoutSeconds: String(menu.timeoutSeconds),
      state: `m|${menuId}|${attempt + 1}|${pathSoFar}|${langField(c)}`,
    };
  }
  return goTo({ ...c, base: { ...c.base, reason: 'menu_failure' } }, menu.onFailure);
}

function onHunt(c: Common): CallDecision {
  const [kind, indexText = '0', idsText = ''] = (c.input.state ?? '').split('|');
  if (kind !== 'h') return refuse('no_answer', lang(c), c.base);
  const ids = idsText.split(',').filter(Boolean);
  return transferTo(
    { ...c, base: { ...c.base, reason: 'hunt' } },
    ids,
    (Number.parseInt(indexText, 10) || 0) + 1,
    false,
  );
}

function start(
  c: Common,
  account: AccountStatus | undefined,
  ratePerMinute: number,
  regionOf?: RegionLookup,
): CallDecision {
  const { routing, input, snapshot } = c;
  const language = routing.language;
  // A requested cancellation ends service at its notice instant, before the job records it.
  const ended =
    snapshot.serviceEndsAt !== undefined && input.now.getTime() >= Date.parse(snapshot.serviceEndsAt);
  if (snapshot.numberStatus !== 'active' || ended) {
    const reason = snapshot.numberStatus === 'arrears_stopped' ? 'arrears' : 'number_inactive';
    return refuse(reason, language, c.base);
  }
  let maxSeconds = UNKNOWN_ACCOUNT_CALL_SECONDS;
  if (account) {
    // The money rule (shared/domain/accounts): arrears, today's cap (reset at Shanghai midnight), and the
    // whole minutes that the balance and what is left under the cap pay for at the worst rate.
    // The price list in force now (the snapshot's step for this instant), not the one at apply time.
    const rates = ratesAt(snapshot, input.now.getTime());
    const rate = rates.worstRatePerMinute ?? ratePerMinute;
    const allowance = callAllowance(
      {
        balance: Math.floor(account.balance),
        status: account.status === 'arrears' ? 'arrears' : 'active',
        dailyCap: account.dailyCap ?? undefined,
        spendDay: account.spendDay ?? '',
        spendToday: Math.max(0, account.spendToday ?? 0),
      },
      localTime(input.now, SPEND_ZONE).date,
      Number.isFinite(rate) && rate > 0 ? rate : CONSERVATIVE_RATE_PER_MINUTE,
      MAX_CALL_SECONDS,
      rates.refusalRatePerMinute,
    );
    if (!allowance.allowed) return refuse(allowance.reason, language, c.base);
    maxSeconds = allowance.maxDurationSeconds;
  }
  if (routing.blacklist.includes(input.caller)) return refuse('blacklisted', language, c.base);
  const base: Record<string, string> = { ...c.base, maxDurationSeconds: String(maxSeconds) };
  const hours = openAt(routing, input.now);
  base.dayKind = hours.day;
  if (c.vip) {
    base.vip = 'true';
  }
  if (!hours.open) {
    return goTo(
      { ...c, base: { ...base, reason: hours.day === 'holiday' ? 'holiday' : 'after_hours' } },
      routing.afterHours,
    );
  }
  if (c.vip) return goTo({ ...c, base: { ...base, reason: 'vip' } }, vipTarget(routing));
  let region: CallerRegion | undefined;
  try {
    region = regionOf?.(input.caller);
  } catch {
    region = undefined;
  }
  if (region) {
    base.callerProvince = region.province;
    if (region.city) base.callerCity = region.city;
  }
  const regional = matchRegion(routing, region);
  if (regional) return goTo({ ...c, base: { ...base, reason: 'region' } }, regional);
  return goTo({ ...c, base: { ...base, reason: 'business_hours' } }, routing.defaultDestination);
}

/** VIP callers skip menus: their own destination, else the default unless it is a menu, else hunt or a queue. */
function vipTarget(routing: CompiledRouting): Destination {
  if (routing.vipDestination && routing.vipDestination.type !== 'menu') return routing.vipDestination;
  if (routing.defaultDestination.type !== 'menu') return routing.defaultDestination;
  if (routing.huntOrder.length > 0) return { type: 'hunt' };
  const queueId = Object.keys(routing.queues)[0];
  return queueId ? { type: 'queue', queueId } : routing.defaultDestination;
}

/** Keys the contact flow reads from every answer: always present, empty when they do not apply. */
export const DECISION_KEYS = [
  'action',
  'reason',
  'message',
  'destination',
  'ringTimeoutSeconds',
  'queueArn',
  'queuePriority',
  'record',
  'announcement',
  'state',
  'tenantId',
  'number400',
  'maxDurationSeconds',
  'ivrPath',
  'promptId',
  'promptKind',
  'announce',
  // BCP-47 tags of `message` (and the menu prompt) and of `announcement`: the flow sets a voice that speaks
  // each before playing it (text-to-speech skips text its voice cannot speak).
  'language',
  'announcementLanguage',
] as const;

function complete(decision: CallDecision): CallDecision {
  const out: Record<string, string> = {};
  for (const key of DECISION_KEYS) out[key] = '';
  for (const [key, value] of Object.entries(decision))
    out[key] = typeof value === 'string' ? value : String(value ?? '');
  if (out.record === '') out.record = 'false';
  out.promptKind = out.promptId ? 'audio' : 'text';
  out.announce = out.record === 'true' && out.announcement !== '' ? 'true' : 'false';
  return out as CallDecision;
}

/**
 * The snapshot's routing, unless it was compiled from another tenant's configuration than the number's
 * owner now (a hand-over whose clearing has not run yet): then there is none, and no call reaches the
 * previous owner's answer numbers.
 */
function routingOfOwner(snapshot: RoutingSnapshot): CompiledRouting | undefined {
  const { routing, routingTenantId, tenantId } = snapshot;
  if (routingTenantId !== undefined && routingTenantId !== tenantId) return undefined;
  return routing;
}

/** The decision for one invocation of the routing Lambda. Never throws. */
export function decideCall(input: CallInput, context: DecisionContext): CallDecision {
  return complete(decideUnchecked(input, context));
}

function decideUnchecked(input: CallInput, context: DecisionContext): CallDecision {
  try {
    const snapshot = context.snapshot;
    if (!snapshot) return refuse('unknown_number', 'zh-CN');
    let routing = routingOfOwner(snapshot);
    const base: Record<string, string> = {
      number400: String(snapshot.number400 ?? ''),
      tenantId: String(snapshot.tenantId ?? ''),
    };
    if (!routing) {
      if (snapshot.numberStatus !== 'active') return refuse('number_inactive', 'zh-CN', base);
      return refuse('routing_not_applied', 'zh-CN', base);
    }
    // The number's restrictions as numbers wrote them now (e.g. it passed to an individual since the
    // configuration was stored): recording is never silent on such a number.
    const restrictions = snapshot.restrictions as { recordingAnnouncementRequired?: boolean } | undefined;
    if (routing.recording && !routing.announcement && restrictions?.recordingAnnouncementRequired) {
      routing = { ...routing, announcement: DEFAULT_ANNOUNCEMENT };
    }
    base.language = stateLanguage(input.state) ?? routing.language;
    base.routingVersion = String(snapshot.routingVersion ?? '');
    const vip = routing.vip.includes(input.caller);
    const common: Common = { routing, snapshot, input, base, vip };
    if (input.step === 'menu') return onMenuKey(common);
    if (input.step === 'hunt') return onHunt(common);
    return start(common, context.account, context.ratePerMinute, context.regionOf);
  } catch {
    return refuse('service_busy', 'zh-CN');
  }
}

/** The decision when nothing could be read in time and nothing is cached: apologise and hang up. */
export function fallbackDecision(): CallDecision {
  return complete(refuse('service_busy', 'zh-CN', { fallback: 'true' }));
}
