/**
 * Request schemas of the routing area. Shapes only: the rules that need context (answer numbers domestic,
 * references resolve, individuals' restrictions, no menu cycles) are the domain's (validateConfig), which
 * names the offending field the same way.
 */
import * as z from 'zod/mini';
import { isPrototypeKey } from '../../domain/own-keys.js';
import { REGION_GROUPS } from '../../domain/routing/types.js';
import { calendarDate, cursorParam, isoInstant, limitParam } from './common.js';
import type { RouteSchemas } from './types.js';
import { uploadForm } from './upload-form.js';

const id = z.string().check(
  z.regex(/^[\w-]{1,40}$/, '1-40 letters, digits, _ or -'),
  z.refine((v) => !isPrototypeKey(v), 'a reserved name (constructor, __proto__, toString, ...)'),
);
const shortText = z.string().check(z.minLength(1), z.maxLength(500));
const phone = z.string().check(z.regex(/^[+\d][\d\s()-]{4,24}$/, 'a phone number'));
const languageTag = z.string().check(z.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag'));
const int = (min: number, max: number) =>
  z.number().check(z.int(), z.gte(min, `at least ${min}`), z.lte(max, `at most ${max}`));

export const routingNumberPath = z.strictObject({
  number: z.string().check(z.regex(/^400\d{7}$/, 'a 10-digit 400 number')),
});

const prompt = z.strictObject({
  text: z.optional(
    z.record(z.string().check(z.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag')), shortText),
  ),
  // Any string of this length reaches the domain, which refuses all but the tenant's own prompt ids with one
  // documented code (prompt_not_owned), whatever else it names.
  audio: z.optional(
    z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(2048),
        z.describe(
          'The id of a prompt you registered (POST /v1/prompts, `pr_…`), played instead of text-to-speech; anything else (another tenant’s prompt, a Connect ARN, an S3 URI) is a 400 `prompt_not_owned`',
        ),
      ),
  ),
});

const destination = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hunt') }),
  z.strictObject({ type: z.literal('number'), answerNumberId: id }),
  z.strictObject({ type: z.literal('queue'), queueId: id }),
  z.strictObject({ type: z.literal('menu'), menuId: id, language: z.optional(languageTag) }),
  z.strictObject({ type: z.literal('message'), prompt, voicemail: z.optional(z.boolean()) }),
]);

const timeRange = z.strictObject({
  open: z.string().check(z.regex(/^\d{2}:\d{2}$/, 'HH:MM')),
  close: z.string().check(z.regex(/^\d{2}:\d{2}$/, 'HH:MM')),
});
const dayRanges = z.optional(z.array(timeRange).check(z.maxLength(6)));
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

const menu = z.strictObject({
  prompt,
  options: z.record(z.string().check(z.regex(/^[0-9*#]$/, 'a key 0-9, * or #')), destination),
  retries: z.optional(int(0, 5)),
  timeoutSeconds: z.optional(int(1, 30)),
  onFailure: z.optional(destination),
});

export const routingConfigBody = z.strictObject({
  timeZone: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  languages: z.optional(
    z
      .array(z.string().check(z.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag')))
      .check(z.minLength(1), z.maxLength(5)),
  ),
  answerNumbers: z.optional(
    z
      .array(z.strictObject({ id, number: phone, label: z.optional(z.string().check(z.maxLength(60))) }))
      .check(z.maxLength(20)),
  ),
  queues: z.optional(
    z
      .array(z.strictObject({ id, name: z.string().check(z.minLength(1), z.maxLength(60)), agentGroup: id }))
      .check(z.maxLength(20)),
  ),
  hunt: z.optional(
    z.strictObject({
      mode: z.optional(z.enum(['sequential', 'round_robin'])),
      ringTimeoutSeconds: z.optional(int(5, 120)),
    }),
  ),
  defaultDestination: z.optional(destination),
  businessHours: z.optional(
    z.strictObject({
      weekly: z.optional(
        z.strictObject({
          mon: dayRanges,
          tue: dayRanges,
          wed: dayRanges,
          thu: dayRanges,
          fri: dayRanges,
          sat: dayRanges,
          sun: dayRanges,
        }),
      ),
      useHolidayCalendar: z.optional(z.boolean()),
      extraHolidays: z.optional(z.array(calendarDate).check(z.maxLength(366))),
      extraWorkdays: z.optional(z.array(calendarDate).check(z.maxLength(366))),
      makeUpDayHours: z.optional(weekday),
    }),
  ),
  afterHours: z.optional(destination),
  regionRules: z.optional(
    z
      .array(
        z.strictObject({
          province: z.optional(z.string().check(z.minLength(2), z.maxLength(20))),
          city: z.optional(z.string().check(z.minLength(2), z.maxLength(20))),
          group: z.optional(z.enum(REGION_GROUPS)),
          destination,
        }),
      )
      .check(z.maxLength(200)),
  ),
  menus: z.optional(z.record(id, menu)),
  recording: z.optional(
    z.strictObject({
      enabled: z.optional(z.boolean()),
      announcement: z.optional(z.boolean()),
      announcementPrompt: z.optional(prompt),
    }),
  ),
  blacklist: z.optional(z.array(phone).check(z.maxLength(5000))),
  vip: z.optional(z.array(phone).check(z.maxLength(5000))),
  vipDestination: z.optional(destination),
});
export type RoutingConfigBody = z.infer<typeof routingConfigBody>;

export const testCallBody = z.strictObject({
  caller: phone,
  /** The instant of the simulated call (default: now). */
  at: z.optional(isoInstant),
  keys: z.optional(
    z.array(z.string().check(z.regex(/^[0-9*#]$/, 'a key 0-9, * or #'))).check(z.maxLength(20)),
  ),
  /** Test the stored draft (latest version) or what the number runs now. */
  source: z.optional(z.enum(['draft', 'applied'])),
  /** Answer numbers that do not pick up (to test hunting). */
  unanswered: z.optional(z.array(phone).check(z.maxLength(20))),
  queueFull: z.optional(z.boolean()),
});
export type TestCallBody = z.infer<typeof testCallBody>;

const outcome = z.object({
  kind: z.enum(['transferred', 'queued', 'message', 'error']),
  reason: z.string(),
  destination: z.optional(z.string()),
  queueArn: z.optional(z.string()),
  message: z.optional(z.string()),
  recorded: z.boolean(),
  ivrPath: z.string(),
  maxDurationSeconds: z.optional(z.number()),
});

export const holidayCalendarPath = z.strictObject({
  year: z.string().check(z.regex(/^\d{4}$/, 'a 4-digit year')),
});

/** Shapes only; the domain (normaliseCalendarYear) checks dates are real, in the year, in one list only. */
export const holidayCalendarBody = z.strictObject({
  holidays: z.array(calendarDate).check(z.maxLength(120)),
  makeUpWorkdays: z.array(calendarDate).check(z.maxLength(40)),
  note: z.optional(z.string().check(z.maxLength(500))),
  source: z.optional(z.string().check(z.maxLength(500))),
});

const calendarYearView = z.object({
  year: z.number(),
  origin: z.enum(['published', 'bundled']),
  holidays: z.array(z.string()),
  makeUpWorkdays: z.array(z.string()),
  note: z.optional(z.string()),
  source: z.optional(z.string()),
  version: z.optional(z.number()),
  updatedAt: z.optional(z.string()),
  updatedBy: z.optional(z.string()),
});

/** A routing apply job (shared/ports/routing-apply-jobs.ts), as POST …/apply and GET …/routing show it. */
const applyJob = z.object({
  number: z.string(),
  jobId: z.string(),
  configVersion: z.number(),
  status: z.enum(['pending', 'applying', 'applied', 'failed']),
  stepsDone: z
    .array(z.string())
    .check(z.describe('Plan steps done, in order (hours, queue:<id>, profile:<group>, flow)')),
  step: z.optional(z.string().check(z.describe('The step the apply is at, while applying'))),
  steps: z.optional(z.number()),
  tries: z.number(),
  throttled: z.number().check(z.describe('Times Connect throttled the apply and it was retried later')),
  error: z.optional(z.object({ code: z.string(), message: z.string(), field: z.optional(z.string()) })),
  result: z.optional(
    z.object({
      changes: z.array(z.object({ key: z.string(), kind: z.string(), change: z.string() })),
      unchanged: z.array(z.string()),
      snapshot: z.string(),
      connectWrites: z.number(),
    }),
  ),
  requestedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.optional(z.string()),
});

export const promptBody = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(100), z.describe('Your label for the prompt')),
});

export const promptPath = z.strictObject({
  promptId: z.string().check(z.regex(/^pr_[0-9a-f]{32}$/, 'a prompt id (pr_ and 32 hex digits)')),
});

const promptView = z.object({
  promptId: z.string(),
  name: z.string(),
  createdAt: z.string(),
});

const promptUpload = z.object({
  ...promptView.shape,
  upload: z.object({
    ...uploadForm.shape,
    contentType: z.literal('audio/wav'),
    maxBytes: z
      .int()
      .check(z.describe('Five minutes of 8 kHz mono µ-law WAV (what Amazon Connect plays) and its header')),
  }),
});

export const promptsQuery = z.strictObject({ limit: limitParam, cursor: cursorParam });

export const ROUTING_SCHEMAS: Readonly<Record<string, RouteSchemas>> = {
  registerPrompt: { body: promptBody, status: 201, response: promptUpload },
  listPrompts: {
    query: promptsQuery,
    response: z.object({ items: z.array(promptView), nextCursor: z.optional(z.string()) }),
  },
  getPrompt: {
    path: promptPath,
    response: z.object({
      ...promptView.shape,
      uploaded: z.boolean().check(z.describe('Whether the audio has arrived (apply needs it)')),
      problem: z.optional(
        z
          .string()
          .check(
            z.describe(
              'Why Amazon Connect would not play the uploaded audio (8 kHz mono µ-law WAV under five minutes); absent when it would',
            ),
          ),
      ),
    }),
  },
  deletePrompt: { path: promptPath, status: 204 },
  getRouting: {
    path: routingNumberPath,
    response: z.object({
      number: z.string(),
      version: z.number(),
      updatedAt: z.string(),
      config: z.unknown(),
      applied: z.unknown(),
      applyJob: z.nullable(applyJob),
    }),
  },
  putRouting: {
    path: routingNumberPath,
    body: routingConfigBody,
    response: z.object({
      number: z.string(),
      version: z.number(),
      updatedAt: z.string(),
      config: z.unknown(),
    }),
  },
  applyRouting: { path: routingNumberPath, status: 202, response: applyJob },
  listHolidayCalendars: {
    response: z.object({ stamp: z.string(), years: z.array(calendarYearView) }),
  },
  getHolidayCalendar: { path: holidayCalendarPath, response: calendarYearView },
  putHolidayCalendar: {
    path: holidayCalendarPath,
    body: holidayCalendarBody,
    response: z.object({ ...calendarYearView.shape, changed: z.boolean() }),
  },
  testRoutingCall: {
    path: routingNumberPath,
    body: testCallBody,
    response: z.object({
      source: z.string(),
      configVersion: z.number(),
      outcome,
      steps: z.array(z.unknown()),
    }),
  },
};
