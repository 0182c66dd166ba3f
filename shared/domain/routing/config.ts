/**
 * A tenant's routing configuration: defaults filled in, every rule checked with an error naming the field,
 * then compiled into the snapshot the routing Lambda reads per call.
 * Primary course: normaliseConfig(input) → validateConfig(config, context) → compileRouting(config, queueArns).
 */
import { isCalendarDate } from '../calendar-date.js';
import { invalid } from '../errors.js';
import { isPrototypeKey, ownValue } from '../own-keys.js';
import { type AnswerNumberClassifier, classifyAnswerNumber, normaliseCaller } from './answer-numbers.js';
import { isValidTimeZone, type PublicCalendar, parseClock, resolveCalendar } from './calendar.js';
import { referencedPromptIds } from './prompts.js';
import {
  type ApplicantKind,
  type BusinessHours,
  type CompiledRouting,
  type Destination,
  type Menu,
  type Prompt,
  REGION_GROUPS,
  type RoutingConfig,
  WEEKDAYS,
} from './types.js';

export { DEFAULT_ANNOUNCEMENT } from './decision.js';

import { DEFAULT_ANNOUNCEMENT } from './decision.js';
export const LIMITS = {
  answerNumbers: 20,
  queues: 20,
  menus: 30,
  regionRules: 200,
  listEntries: 5000,
  ringTimeoutSeconds: { min: 5, max: 120 },
  menuRetries: 5,
  menuTimeoutSeconds: { min: 1, max: 30 },
  promptChars: 500,
} as const;

/** What a tenant sends: everything but the answer numbers and a default destination is optional. */
export type MenuInput = Pick<Menu, 'prompt' | 'options'> & Partial<Omit<Menu, 'prompt' | 'options'>>;

export type RoutingConfigInput = Partial<
  Omit<RoutingConfig, 'businessHours' | 'hunt' | 'recording' | 'menus'>
> & {
  readonly menus?: Readonly<Record<string, MenuInput>>;
  readonly businessHours?: Partial<BusinessHours>;
  readonly hunt?: Partial<RoutingConfig['hunt']>;
  readonly recording?: Partial<RoutingConfig['recording']>;
};

const ALWAYS_OPEN = WEEKDAYS.reduce<Record<string, { open: string; close: string }[]>>((acc, d) => {
  acc[d] = [{ open: '00:00', close: '24:00' }];
  return acc;
}, {});

export function normaliseConfig(input: RoutingConfigInput, defaultTimeZone = 'Asia/Shanghai'): RoutingConfig {
  const hours = input.businessHours ?? {};
  return {
    timeZone: input.timeZone ?? defaultTimeZone,
    languages: input.languages && input.languages.length > 0 ? input.languages : ['zh-CN'],
    answerNumbers: (input.answerNumbers ?? []).map((a) => ({ ...a })),
    queues: input.queues ?? [],
    hunt: {
      mode: input.hunt?.mode ?? 'sequential',
      ringTimeoutSeconds: input.hunt?.ringTimeoutSeconds ?? 25,
    },
    defaultDestination: input.defaultDestination ?? { type: 'hunt' },
    businessHours: {
      weekly: hours.weekly ?? ALWAYS_OPEN,
      useHolidayCalendar: hours.useHolidayCalendar ?? hours.weekly !== undefined,
      extraHolidays: hours.extraHolidays ?? [],
      extraWorkdays: hours.extraWorkdays ?? [],
      makeUpDayHours: hours.makeUpDayHours ?? 'mon',
    },
    afterHours: input.afterHours ?? {
      type: 'message',
      prompt: { text: { 'zh-CN': '现在是非工作时间，请在工作时间再拨。' } },
    },
    regionRules: input.regionRules ?? [],
    menus: Object.fromEntries(
      Object.entries(input.menus ?? {}).map(([id, m]) => [
        id,
        {
          prompt: m.prompt,
          options: m.options,
          retries: m.retries ?? 2,
          timeoutSeconds: m.timeoutSeconds ?? 6,
          onFailure:
            m.onFailure ??
            (input.defaultDestination?.type === 'menu'
              ? { type: 'hunt' }
              : (input.defaultDestination ?? { type: 'hunt' })),
        },
      ]),
    ),
    recording: {
      enabled: input.recording?.enabled ?? false,
      announcement: input.recording?.announcement ?? true,
      ...(input.recording?.announcementPrompt
        ? { announcementPrompt: input.recording.announcementPrompt }
        : {}),
    },
    blacklist: (input.blacklist ?? []).map(normaliseCaller),
    vip: (input.vip ?? []).map(normaliseCaller),
    ...(input.vipDestination ? { vipDestination: input.vipDestination } : {}),
  };
}

/** The number's restrictions (individuals' numbers: no multi-level transfer, announcement required). */
export interface ValidationContext {
  readonly noMultiLevelTransfer: boolean;
  readonly announcementRequired: boolean;
  /**
   * The prompt ids the tenant registered (shared/domain/routing/prompts.ts): the only audio a configuration
   * may play. Anything else (another tenant's prompt, a Connect ARN, an S3 URI) is `prompt_not_owned`.
   */
  readonly ownedPrompts: ReadonlySet<string>;
  readonly classify?: AnswerNumberClassifier;
}

export function restrictionsFor(
  applicant: ApplicantKind,
): Omit<ValidationContext, 'classify' | 'ownedPrompts'> {
  const individual = applicant === 'individual';
  return { noMultiLevelTransfer: individual, announcementRequired: individual };
}

const KEY = /^[0-9*#]$/;
/** An id of the tenant's own: 1-40 letters, digits, _ or -, and no name Object.prototype already has. */
const isId = (id: string): boolean => /^[\w-]{1,40}$/.test(id) && !isPrototypeKey(id);

function checkPrompt(
  prompt: Prompt | undefined,
  field: string,
  languages: readonly string[],
  ownedPrompts: ReadonlySet<string>,
): void {
  if (!prompt || (!prompt.audio && (!prompt.text || Object.keys(prompt.text).length === 0))) {
    throw invalid('prompt_required', `${field} needs text or audio`, field);
  }
  // One answer for an unknown id, another tenant's id, an ARN or an S3 URI: whether someone else's
  // prompt exists is never told.
  if (prompt.audio !== undefined && !ownedPrompts.has(prompt.audio)) {
    throw invalid(
      'prompt_not_owned',
      `${field}.audio is not one of your prompts: register audio with POST /v1/prompts and name it by its promptId`,
      `${field}.audio`,
    );
  }
  for (const [lang, text] of Object.entries(prompt.text ?? {})) {
    if (!languages.includes(lang))
      throw invalid(
        'unknown_language',
        `${field}.text.${lang} is not one of the configured languages`,
        `${field}.text.${lang}`,
      );
    if (text.trim() === '' || text.length > LIMITS.promptChars) {
      throw invalid(
        'invalid_prompt',
        `${field}.text.${lang} must be 1-${LIMITS.promptChars} characters`,
        `${field}.text.${lang}`,
      );
    }
  }
  if (prompt.text && !prompt.audio && !(languages[0] && ownValue(prompt.text, languages[0]))) {
    throw invalid(
      'prompt_language_missing',
      `${field} has no text in the default language ${languages[0]}`,
      `${field}.text`,
    );
  }
}

/** Checks every rule; throws a validation DomainError naming the first bad field. */
export function validateConfig(config: RoutingConfig, context: ValidationContext): void {
  const classify = context.classify ?? classifyAnswerNumber;
  if (!isValidTimeZone(config.timeZone))
    throw invalid('invalid_time_zone', `unknown time zone ${config.timeZone}`, 'timeZone');
  for (const [i, lang] of config.languages.entries()) {
    if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang))
      throw invalid('invalid_language', `bad language tag ${lang}`, `languages.${i}`);
  }
  if (config.answerNumbers.length === 0 && config.queues.length === 0) {
    throw invalid('destination_required', 'configure at least one answer number or queue', 'answerNumbers');
  }
  if (config.answerNumbers.length > LIMITS.answerNumbers) {
    throw invalid('too_many', `at most ${LIMITS.answerNumbers} answer numbers`, 'answerNumbers');
  }
  const answerIds = new Set<string>();
  for (const [i, a] of config.answerNumbers.entries()) {
    if (!isId(a.id))
      throw invalid(
        'invalid_id',
        'ids are 1-40 letters, digits, _ or - (not a reserved name)',
        `answerNumbers.${i}.id`,
      );
    if (answerIds.has(a.id))
      throw invalid('duplicate_id', `answer number id ${a.id} is used twice`, `answerNumbers.${i}.id`);
    answerIds.add(a.id);
    const verdict = classify(a.number);
    if (!verdict.ok) {
      throw invalid(
        `answer_number_${verdict.reason}`,
        `${a.number}: ${verdict.message}`,
        `answerNumbers.${i}.number`,
      );
    }
  }
  if (config.queues.length > LIMITS.queues)
    throw invalid('too_many', `at most ${LIMITS.queues} queues`, 'queues');
  const queueIds = new Set<string>();
  for (const [i, q] of config.queues.entries()) {
    if (!isId(q.id))
      throw invalid(
        'invalid_id',
        'ids are 1-40 letters, digits, _ or - (not a reserved name)',
        `queues.${i}.id`,
      );
    if (queueIds.has(q.id)) throw invalid('duplicate_id', `queue id ${q.id} is used twice`, `queues.${i}.id`);
    if (!isId(q.agentGroup))
      throw invalid('invalid_id', 'agent group is 1-40 letters, digits, _ or -', `queues.${i}.agentGroup`);
    if (q.name.trim() === '' || q.name.length > 60)
      throw invalid('invalid_name', 'queue names are 1-60 characters', `queues.${i}.name`);
    queueIds.add(q.id);
  }
  const { ringTimeoutSeconds } = config.hunt;
  if (
    !Number.isInteger(ringTimeoutSeconds) ||
    ringTimeoutSeconds < LIMITS.ringTimeoutSeconds.min ||
    ringTimeoutSeconds > LIMITS.ringTimeoutSeconds.max
  ) {
    throw invalid(
      'invalid_ring_timeout',
      `ring timeout is ${LIMITS.ringTimeoutSeconds.min}-${LIMITS.ringTimeoutSeconds.max} whole seconds`,
      'hunt.ringTimeoutSeconds',
    );
  }
  if (config.hunt.mode === 'round_robin' && config.answerNumbers.length < 2) {
    throw invalid('round_robin_needs_numbers', 'round-robin needs at least two answer numbers', 'hunt.mode');
  }

  const menuIds = Object.keys(config.menus);
  if (menuIds.length > LIMITS.menus) throw invalid('too_many', `at most ${LIMITS.menus} menus`, 'menus');
  const checkDestination = (d: Destination, field: string, insideMenu: boolean): void => {
    switch (d.type) {
      case 'hunt':
        if (config.answerNumbers.length === 0)
          throw invalid('no_answer_numbers', 'the hunt group is empty', field);
        return;
      case 'number':
        if (!answerIds.has(d.answerNumberId))
          throw invalid(
            'unknown_answer_number',
            `no answer number ${d.answerNumberId}`,
            `${field}.answerNumberId`,
          );
        return;
      case 'queue':
        if (!queueIds.has(d.queueId))
          throw invalid('unknown_queue', `no queue ${d.queueId}`, `${field}.queueId`);
        return;
      case 'menu':
        if (!ownValue(config.menus, d.menuId))
          throw invalid('unknown_menu', `no menu ${d.menuId}`, `${field}.menuId`);
        if (d.language !== undefined && !config.languages.includes(d.language)) {
          throw invalid(
            'unknown_language',
            `${d.language} is not one of the configured languages`,
            `${field}.language`,
          );
        }
        if (insideMenu && context.noMultiLevelTransfer) {
          throw invalid(
            'multi_level_not_allowed',
            "individuals' numbers cannot use multi-level transfers (nested menus)",
            field,
          );
        }
        return;
      case 'message':
        checkPrompt(d.prompt, `${field}.prompt`, config.languages, context.ownedPrompts);
        return;
      default:
        throw invalid('invalid_destination', 'unknown destination type', `${field}.type`);
    }
  };
  checkDestination(config.defaultDestination, 'defaultDestination', false);
  checkDestination(config.afterHours, 'afterHours', false);
  if (config.vipDestination) checkDestination(config.vipDestination, 'vipDestination', false);
  for (const [id, menu] of Object.entries(config.menus)) checkMenu(id, menu);
  function checkMenu(id: string, menu: Menu): void {
    const field = `menus.${id}`;
    if (!isId(id))
      throw invalid('invalid_id', 'menu ids are 1-40 letters, digits, _ or - (not a reserved name)', field);
    checkPrompt(menu.prompt, `${field}.prompt`, config.languages, context.ownedPrompts);
    const keys = Object.keys(menu.options);
    if (keys.length === 0)
      throw invalid('menu_empty', 'a menu needs at least one option', `${field}.options`);
    for (const key of keys) {
      if (!KEY.test(key))
        throw invalid('invalid_key', `menu keys are 0-9, * or #, not ${key}`, `${field}.options.${key}`);
      checkDestination(menu.options[key] as Destination, `${field}.options.${key}`, true);
    }
    if (!Number.isInteger(menu.retries) || menu.retries < 0 || menu.retries > LIMITS.menuRetries) {
      throw invalid('invalid_retries', `retries are 0-${LIMITS.menuRetries}`, `${field}.retries`);
    }
    const t = menu.timeoutSeconds;
    if (!Number.isInteger(t) || t < LIMITS.menuTimeoutSeconds.min || t > LIMITS.menuTimeoutSeconds.max) {
      throw invalid(
        'invalid_timeout',
        `timeout is ${LIMITS.menuTimeoutSeconds.min}-${LIMITS.menuTimeoutSeconds.max} seconds`,
        `${field}.timeoutSeconds`,
      );
    }
    checkDestination(menu.onFailure, `${field}.onFailure`, true);
  }
  // A menu reachable from itself would loop forever without the caller's choice ending it: refuse cycles.
  for (const id of menuIds) {
    const seen = new Set<string>();
    const walk = (menuId: string): void => {
      if (seen.has(menuId)) throw invalid('menu_cycle', `menu ${id} can reach itself`, `menus.${id}`);
      seen.add(menuId);
      const menu = ownValue(config.menus, menuId);
      if (!menu) return;
      for (const d of [...Object.values(menu.options), menu.onFailure]) if (d.type === 'menu') walk(d.menuId);
      seen.delete(menuId);
    };
    walk(id);
  }

  const hours = config.businessHours;
  for (const day of Object.keys(hours.weekly)) {
    if (!(WEEKDAYS as readonly string[]).includes(day))
      throw invalid('invalid_weekday', `unknown weekday ${day}`, `businessHours.weekly.${day}`);
    for (const [i, r] of (hours.weekly[day as (typeof WEEKDAYS)[number]] ?? []).entries()) {
      const open = parseClock(r.open);
      const close = parseClock(r.close);
      const field = `businessHours.weekly.${day}.${i}`;
      if (open === undefined || open === 1440)
        throw invalid('invalid_time', 'open is HH:MM (00:00-23:59)', `${field}.open`);
      if (close === undefined)
        throw invalid('invalid_time', 'close is HH:MM (00:01-24:00)', `${field}.close`);
      if (close <= open) throw invalid('invalid_range', 'close must be after open', `${field}.close`);
    }
  }
  if (!(WEEKDAYS as readonly string[]).includes(hours.makeUpDayHours)) {
    throw invalid('invalid_weekday', 'makeUpDayHours is a weekday', 'businessHours.makeUpDayHours');
  }
  for (const key of ['extraHolidays', 'extraWorkdays'] as const) {
    for (const [i, d] of hours[key].entries()) {
      if (!isCalendarDate(d))
        throw invalid('invalid_date', 'dates are YYYY-MM-DD', `businessHours.${key}.${i}`);
    }
  }

  if (config.regionRules.length > LIMITS.regionRules)
    throw invalid('too_many', `at most ${LIMITS.regionRules} region rules`, 'regionRules');
  for (const [i, rule] of config.regionRules.entries()) {
    const field = `regionRules.${i}`;
    if (!rule.province && !rule.city && !rule.group)
      throw invalid('region_required', 'a rule names a province, city or region group', field);
    if (rule.group && !(REGION_GROUPS as readonly string[]).includes(rule.group)) {
      throw invalid(
        'invalid_region_group',
        `region groups are ${REGION_GROUPS.join(', ')}`,
        `${field}.group`,
      );
    }
    checkDestination(rule.destination, `${field}.destination`, false);
  }

  if (config.recording.enabled) {
    if (!config.recording.announcement && context.announcementRequired) {
      throw invalid(
        'announcement_required',
        "individuals' numbers cannot turn the recording announcement off",
        'recording.announcement',
      );
    }
    if (config.recording.announcementPrompt)
      checkPrompt(
        config.recording.announcementPrompt,
        'recording.announcementPrompt',
        config.languages,
        context.ownedPrompts,
      );
  }
  for (const key of ['blacklist', 'vip'] as const) {
    if (config[key].length > LIMITS.listEntries)
      throw invalid('too_many', `at most ${LIMITS.listEntries} entries`, key);
    for (const [i, n] of config[key].entries()) {
      if (!/^\+\d{6,15}$/.test(n))
        throw invalid('invalid_number', `${n} is not a phone number`, `${key}.${i}`);
    }
  }
}

function promptText(prompt: Prompt | undefined, language: string): string {
  return prompt?.text?.[language] ?? Object.values(prompt?.text ?? {})[0] ?? '';
}

/**
 * The snapshot's routing: resolved calendar, E.164 numbers, queue ARNs (empty until applied).
 * `publicCalendar` is the bundled + published holiday calendar (default: the bundled years only).
 */
export function compileRouting(
  config: RoutingConfig,
  queueArns: Readonly<Record<string, { queue: string; vipQueue: string }>> = {},
  publicCalendar?: PublicCalendar,
  promptArns: Readonly<Record<string, string>> = {},
): CompiledRouting {
  const language = config.languages[0] ?? 'zh-CN';
  const calendar = resolveCalendar(config.businessHours, publicCalendar);
  const numbers: Record<string, string> = {};
  for (const a of config.answerNumbers) {
    const verdict = classifyAnswerNumber(a.number);
    numbers[a.id] = verdict.ok ? verdict.e164 : a.number;
  }
  return {
    v: 1,
    timeZone: config.timeZone,
    language,
    numbers,
    huntOrder: config.answerNumbers.map((a) => a.id),
    huntMode: config.hunt.mode,
    ringTimeoutSeconds: config.hunt.ringTimeoutSeconds,
    queues: Object.fromEntries(config.queues.map((q) => [q.id, queueArns[q.id]?.queue ?? ''])),
    vipQueues: Object.fromEntries(config.queues.map((q) => [q.id, queueArns[q.id]?.vipQueue ?? ''])),
    defaultDestination: config.defaultDestination,
    afterHours: config.afterHours,
    weekly: config.businessHours.weekly,
    holidays: calendar.holidays,
    workdays: calendar.workdays,
    makeUpDayHours: config.businessHours.makeUpDayHours,
    regionRules: config.regionRules,
    menus: config.menus,
    recording: config.recording.enabled,
    // Recording is always announced first, unless an enterprise opted out (its own prompts announce it).
    announcement:
      config.recording.enabled && config.recording.announcement
        ? promptText(config.recording.announcementPrompt, language) || DEFAULT_ANNOUNCEMENT
        : '',
    blacklist: [...new Set(config.blacklist)].sort(),
    vip: [...new Set(config.vip)].sort(),
    ...(config.vipDestination ? { vipDestination: config.vipDestination } : {}),
    // Only the prompts this configuration plays, each as apply created it from the tenant's own audio.
    prompts: Object.fromEntries(
      referencedPromptIds(config).flatMap((id) => {
        const arn = ownValue(promptArns, id);
        return arn ? [[id, arn]] : [];
      }),
    ),
  };
}
