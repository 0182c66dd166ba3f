/**
 * The routing vocabulary: what a tenant configures for one 400 number (RoutingConfig), what apply compiles
 * it into for the per-call decision (CompiledRouting, stored in the routing snapshot item), and what the
 * routing Lambda answers the contact flow (a flat string map, see decision.ts).
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Region groups (华北, 东北, 华东, 华中, 华南, 西南, 西北, 港澳台): geography, defined once in shared/geo. */
export { REGION_GROUPS, type RegionGroup } from '../../geo/provinces.js';

import type { RegionGroup } from '../../geo/provinces.js';

/** Text per language (BCP-47 tag such as zh-CN, en-US) and/or a reference to a recorded prompt. */
export interface Prompt {
  readonly text?: Readonly<Record<string, string>>;
  /**
   * Recorded audio, played instead of text-to-speech: the id of a prompt the tenant registered
   * (POST /v1/prompts, `pr_…`). Never a Connect ARN or an S3 URI: those are refused (`prompt_not_owned`).
   */
  readonly audio?: string;
}

export type Destination =
  /** The hunt group: every answer number, in the configured hunt order. */
  | { readonly type: 'hunt' }
  /** One answer number (by its id in answerNumbers), then the rest of the hunt group if it does not answer. */
  | { readonly type: 'number'; readonly answerNumberId: string }
  | { readonly type: 'queue'; readonly queueId: string }
  /** A menu; `language` switches the call's prompts (must be one of the configured languages). */
  | { readonly type: 'menu'; readonly menuId: string; readonly language?: string }
  /** Play a message and hang up. `voicemail` marks a leave-a-message style announcement. */
  | { readonly type: 'message'; readonly prompt: Prompt; readonly voicemail?: boolean };

export interface AnswerNumber {
  readonly id: string;
  /** E.164, +86 followed by a domestic fixed-line or mobile number. */
  readonly number: string;
  readonly label?: string;
}

export interface AgentQueue {
  readonly id: string;
  readonly name: string;
  /** The tenant's agent group staffing this queue (becomes a Connect routing profile). */
  readonly agentGroup: string;
}

export interface TimeRange {
  /** HH:MM, 24-hour, local to the config's time zone. close may be 24:00. */
  readonly open: string;
  readonly close: string;
}

export interface BusinessHours {
  /** Open ranges per weekday; a missing or empty day is closed. */
  readonly weekly: Readonly<Partial<Record<Weekday, readonly TimeRange[]>>>;
  /** Apply the maintained public-holiday calendar (holidays closed, make-up workdays open as on a weekday). */
  readonly useHolidayCalendar: boolean;
  /** Tenant overrides (YYYY-MM-DD): extra closed days. */
  readonly extraHolidays: readonly string[];
  /** Tenant overrides: days treated as normal workdays (cancels a calendar holiday). */
  readonly extraWorkdays: readonly string[];
  /** The weekday whose hours a make-up workday uses. */
  readonly makeUpDayHours: Weekday;
}

export interface RegionRule {
  readonly province?: string;
  readonly city?: string;
  readonly group?: RegionGroup;
  readonly destination: Destination;
}

export interface Menu {
  readonly prompt: Prompt;
  /** Key (0-9, *, #) → destination. */
  readonly options: Readonly<Record<string, Destination>>;
  /** Replays of the menu after an invalid key or no key, before onFailure. */
  readonly retries: number;
  readonly timeoutSeconds: number;
  readonly onFailure: Destination;
}

export interface RoutingConfig {
  readonly timeZone: string;
  readonly languages: readonly string[];
  readonly answerNumbers: readonly AnswerNumber[];
  readonly queues: readonly AgentQueue[];
  readonly hunt: { readonly mode: 'sequential' | 'round_robin'; readonly ringTimeoutSeconds: number };
  readonly defaultDestination: Destination;
  readonly businessHours: BusinessHours;
  readonly afterHours: Destination;
  readonly regionRules: readonly RegionRule[];
  readonly menus: Readonly<Record<string, Menu>>;
  readonly recording: {
    readonly enabled: boolean;
    readonly announcement: boolean;
    readonly announcementPrompt?: Prompt;
  };
  readonly blacklist: readonly string[];
  readonly vip: readonly string[];
  /** Where VIP callers go (skipping menus); defaults to their normal destination without the menu. */
  readonly vipDestination?: Destination;
}

/** Who owns the number, which bounds what the configuration may do. */
export type ApplicantKind = 'enterprise' | 'individual_business' | 'individual';

/** The compiled form the routing Lambda reads: normalised, calendar resolved, nothing left to look up. */
export interface CompiledRouting {
  readonly v: 1;
  readonly timeZone: string;
  readonly language: string;
  readonly numbers: Readonly<Record<string, string>>;
  /** Answer-number ids in hunt order. */
  readonly huntOrder: readonly string[];
  readonly huntMode: 'sequential' | 'round_robin';
  readonly ringTimeoutSeconds: number;
  /** Queue id → Connect queue ARN (empty string until applied to Connect). */
  readonly queues: Readonly<Record<string, string>>;
  /** Queue id → VIP queue ARN (same agents, higher routing-profile priority). */
  readonly vipQueues: Readonly<Record<string, string>>;
  readonly defaultDestination: Destination;
  readonly afterHours: Destination;
  readonly weekly: Readonly<Partial<Record<Weekday, readonly TimeRange[]>>>;
  readonly holidays: readonly string[];
  readonly workdays: readonly string[];
  readonly makeUpDayHours: Weekday;
  readonly regionRules: readonly RegionRule[];
  readonly menus: Readonly<Record<string, Menu>>;
  readonly recording: boolean;
  readonly announcement: string;
  readonly blacklist: readonly string[];
  readonly vip: readonly string[];
  readonly vipDestination?: Destination;
  /**
   * Prompt id → the Connect prompt ARN apply created from the tenant's own audio. The decision plays only
   * these: a snapshot compiled before prompts were owned has none, and its audio is never played.
   */
  readonly prompts?: Readonly<Record<string, string>>;
}

/** The routing snapshot item (routing table ACCESS#<accessNumber> / SNAPSHOT). */
export interface RoutingSnapshot {
  readonly number400: string;
  readonly tenantId: string;
  readonly numberStatus: string;
  /** Calls stop at this instant although numberStatus still takes them (a requested cancellation's notice). */
  readonly serviceEndsAt?: string;
  readonly restrictions?: unknown;
  readonly routing?: CompiledRouting;
  /** The tenant whose configuration `routing` was compiled from (absent on snapshots applied before it). */
  readonly routingTenantId?: string;
  readonly routingVersion?: number;
  /** Worst per-minute rate in fen for this number, if the rating config said so at apply time. */
  readonly worstRatePerMinute?: number;
  /** The worst rates from the apply on, one step per tariff in force (absent on older snapshots). */
  readonly rateSteps?: readonly RateStep[];
}

/** The worst rates from an instant on: the number's own (call limits) and the refusal point's. */
export interface RateStep {
  /** ISO instant the rates take effect. */
  readonly from: string;
  readonly worstRatePerMinute: number;
  /** The tariff's dearest minute (`tariffWorstRatePerMinute`): the refusal point of setup, account and alerts. */
  readonly refusalRatePerMinute: number;
}

/** The slice of the account item (ledger ACCT#<tenantId> / ACCOUNT) the decision needs. */
export interface AccountStatus {
  readonly balance: number;
  readonly spendDay?: string;
  readonly spendToday?: number;
  readonly dailyCap?: number;
  readonly status: 'active' | 'arrears' | string;
}

export interface CallerRegion {
  readonly province: string;
  readonly city?: string;
  readonly group?: RegionGroup;
}

export type RegionLookup = (callerE164: string) => CallerRegion | undefined;
