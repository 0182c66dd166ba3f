import { yuanWithSign } from '../money.js';
import type { Tariff } from '../rating/tariff.js';

export const DEFAULT_LOW_BALANCE_THRESHOLD = 5000;
/** The balance never goes below this; what a charge cannot take from the balance is owed. */
export const BALANCE_FLOOR = 0;

export type AccountStatus = 'active' | 'arrears';

export interface AlertSettings {
  readonly emails: readonly string[];
  readonly phones: readonly string[];
  readonly lowBalanceThreshold: number;
}

export interface Account {
  readonly tenantId: string;
  /** Fen available; never below BALANCE_FLOOR. */
  readonly balance: number;
  /** Fen charged but not covered by the balance (paid first by the next top-up). */
  readonly owed: number;
  /** Local day (YYYY-MM-DD, business zone) spendToday counts. */
  readonly spendDay: string;
  readonly spendToday: number;
  readonly dailyCap?: number;
  readonly status: AccountStatus;
  readonly lowBalanceThreshold: number;
  readonly alertEmails: readonly string[];
  readonly alertPhones: readonly string[];
  /** Armed false after a low-balance alert; re-armed when the balance is back at or above the threshold. */
  readonly lowBalanceAlerted: boolean;
  /** Set when "balance exhausted" was sent (calls refused for the balance); cleared when a minute is paid again. */
  readonly balanceRefusalAlerted: boolean;
  /** The spend day whose cap alert was sent. */
  readonly capAlertedDay?: string;
  readonly plan?: string;
  /** Month (YYYY-MM) the included-minutes counter is for. */
  readonly includedMonth?: string;
  readonly includedSecondsUsed: number;
  readonly version: number;
}

/** A tenant's account before its first movement. */
export function newAccount(tenantId: string, today: string): Account {
  return {
    tenantId,
    balance: 0,
    owed: 0,
    spendDay: today,
    spendToday: 0,
    dailyCap: undefined,
    status: 'active',
    lowBalanceThreshold: DEFAULT_LOW_BALANCE_THRESHOLD,
    alertEmails: [],
    alertPhones: [],
    lowBalanceAlerted: false,
    balanceRefusalAlerted: false,
    capAlertedDay: undefined,
    plan: undefined,
    includedMonth: undefined,
    includedSecondsUsed: 0,
    version: 0,
  };
}

/** One money movement on the account: credit positive, debit negative; spend counts toward a day's cap. */
export interface Movement {
  readonly amount: number;
  /** Call spend (positive charge, negative for a downward adjustment) and the local day of the call. */
  readonly spend?: { readonly amount: number; readonly day: string };
}

export type AlertKind = 'low_balance' | 'spend_cap_reached' | 'arrears' | 'service_restored';

export interface Crossing {
  readonly kind: AlertKind;
  /** Stable per crossing so a retried publish is recognisably the same. */
  readonly dedupeKey: string;
  /** The alert's template is its kind (shared/domain/notifications/templates.ts). */
  readonly params: Readonly<Record<string, string>>;
}

/** The alert a crossing sends, to the account's recipients (the notifications port's shape). */
export function alertFor(account: Account, crossing: Crossing) {
  return {
    tenantId: account.tenantId,
    kind: crossing.kind,
    template: crossing.kind,
    params: crossing.params,
    dedupeKey: crossing.dedupeKey,
    recipients: { emails: account.alertEmails, phones: account.alertPhones },
  };
}

const yuan = yuanWithSign;

/**
 * One amount against a balance and a debt: a debit takes what the balance holds above the floor and owes
 * the rest; a credit pays the debt first. The rule every money movement follows.
 */
export function moveMoney(balance: number, owed: number, amount: number): { balance: number; owed: number } {
  if (amount < 0) {
    const fromBalance = Math.min(-amount, Math.max(0, balance - BALANCE_FLOOR));
    return { balance: balance - fromBalance, owed: owed - amount - fromBalance };
  }
  if (amount > 0) {
    const toOwed = Math.min(owed, amount);
    return { balance: balance + amount - toOwed, owed: owed - toOwed };
  }
  return { balance, owed };
}

/**
 * Applies movements in order; returns the new account (version + 1) and the alert crossings they caused.
 * `refusalRate` is the refusal point's rate when the money moves (`tariffWorstRatePerMinute` of the tariff
 * in force then): required, so no caller can silently cross at another tariff's price.
 */
export function applyMovements(
  before: Account,
  movements: readonly Movement[],
  refusalRate: number,
): { account: Account; crossings: Crossing[] } {
  let balance = before.balance;
  let owed = before.owed;
  let spendDay = before.spendDay;
  let spendToday = before.spendToday;
  for (const m of movements) {
    ({ balance, owed } = moveMoney(balance, owed, m.amount));
    if (m.spend) {
      if (m.spend.day > spendDay) {
        spendDay = m.spend.day;
        spendToday = Math.max(0, m.spend.amount);
      } else if (m.spend.day === spendDay) {
        spendToday = Math.max(0, spendToday + m.spend.amount);
      }
      // A late record for an earlier day does not count toward today's cap.
    }
  }
  const status: AccountStatus = balance <= BALANCE_FLOOR ? 'arrears' : 'active';
  const version = before.version + 1;
  const crossings: Crossing[] = [];
  const t = before.tenantId;
  let lowBalanceAlerted = before.lowBalanceAlerted;
  if (balance >= before.lowBalanceThreshold) lowBalanceAlerted = false;
  else if (!lowBalanceAlerted && balance > BALANCE_FLOOR && balance < before.balance) {
    lowBalanceAlerted = true;
    crossings.push({
      kind: 'low_balance',
      dedupeKey: `low_balance#${t}#${version}`,
      params: { balance: yuan(balance), threshold: yuan(before.lowBalanceThreshold) },
    });
  }
  // The balance's refusal point (`refusalOf`): a movement that takes money and leaves less than one minute
  // at the worst rate stops new calls (alerted once); paying a minute again restores them.
  const refused = status === 'arrears' || balance - BALANCE_FLOOR < refusalRate;
  let balanceRefusalAlerted = before.balanceRefusalAlerted;
  if (refused && !balanceRefusalAlerted && balance - owed < before.balance - before.owed) {
    balanceRefusalAlerted = true;
    crossings.push({
      kind: 'arrears',
      dedupeKey: `arrears#${t}#${version}`,
      params: { balance: yuan(balance), owed: yuan(owed), rate: yuan(refusalRate) },
    });
  } else if (!refused && balanceRefusalAlerted) {
    balanceRefusalAlerted = false;
    crossings.push({
      kind: 'service_restored',
      dedupeKey: `service_restored#${t}#${version}`,
      params: { balance: yuan(balance) },
    });
  }
  let capAlertedDay = before.capAlertedDay;
  // The cap's refusal point: one more minute at the worst rate would pass it.
  if (
    before.dailyCap !== undefined &&
    spendToday + refusalRate > before.dailyCap &&
    capAlertedDay !== spendDay
  ) {
    capAlertedDay = spendDay;
    crossings.push({
      kind: 'spend_cap_reached',
      dedupeKey: `spend_cap_reached#${t}#${spendDay}`,
      params: { spend: yuan(spendToday), cap: yuan(before.dailyCap), rate: yuan(refusalRate) },
    });
  }
  return {
    account: {
      ...before,
      balance,
      owed,
      spendDay,
      spendToday,
      status,
      lowBalanceAlerted,
      balanceRefusalAlerted,
      capAlertedDay,
      version,
    },
    crossings,
  };
}

/** Today's spend as the routing decision must see it: a spend day in the past counts as zero. */
export function spendOn(account: Pick<Account, 'spendDay' | 'spendToday'>, today: string): number {
  return account.spendDay === today ? account.spendToday : 0;
}

/**
 * The dearest minute any call can cost under a tariff (fen): the costliest segment and plan, long distance,
 * no off-peak discount, recording on, a connect fee rounded up. The refusal point uses it so call setup,
 * `/v1/account` and the alerts agree whichever of the tenant's numbers is dialled.
 */
export function tariffWorstRatePerMinute(tariff: Tariff): number {
  let worst = 0;
  for (const plans of Object.values(tariff.segments)) {
    for (const plan of Object.values(plans)) {
      const perMinute =
        Math.max(plan.longDistancePerMinute, plan.localPerMinute) +
        plan.recordingPerMinute +
        Math.ceil(plan.connectFee);
      worst = Math.max(worst, perMinute);
    }
  }
  return worst;
}

export type RefusalReason = 'spend_cap' | 'balance';

/**
 * Why new calls are refused now, decided once for call setup, the account view and the alerts:
 * - `balance`: in arrears, or the balance cannot pay one minute at the worst rate;
 * - `spend_cap`: today's spend plus one minute at the worst rate would pass today's cap;
 * - null: calls are taken.
 * The balance wins when both hold (a top-up is what the customer must do first). `worstRatePerMinute` is
 * the refusal point's rate in force (the tariff's dearest minute), required like every rate here.
 */
export function refusalOf(
  account: Pick<Account, 'balance' | 'status' | 'dailyCap' | 'spendDay' | 'spendToday'>,
  today: string,
  worstRatePerMinute: number,
): RefusalReason | null {
  if (account.status === 'arrears' || account.balance - BALANCE_FLOOR < Math.max(1, worstRatePerMinute))
    return 'balance';
  if (account.dailyCap !== undefined && spendOn(account, today) + worstRatePerMinute > account.dailyCap)
    return 'spend_cap';
  return null;
}

export type CallAllowance =
  | { readonly allowed: true; readonly maxDurationSeconds: number }
  | { readonly allowed: false; readonly reason: 'arrears' | 'spend_cap_reached' | 'insufficient_balance' };

/**
 * What a new call may cost, for the routing decision at call setup: refused at the refusal point
 * (`refusalOf`, at the tariff's worst rate); otherwise allowed for as many whole minutes as the balance and
 * what is left under today's cap pay for at `ratePerMinute` (the number's own worst rate, at most the
 * tariff's). Overshoot is then bounded by the calls already in progress. Every rate is required: a caller
 * passes the rates in force (the routing snapshot's step), never a default tariff's by omission.
 */
export function callAllowance(
  account: Pick<Account, 'balance' | 'status' | 'dailyCap' | 'spendDay' | 'spendToday'>,
  today: string,
  ratePerMinute: number,
  maxSeconds: number,
  refusalRatePerMinute: number,
): CallAllowance {
  const refusal = refusalOf(account, today, Math.max(refusalRatePerMinute, ratePerMinute));
  if (refusal === 'balance')
    return {
      allowed: false,
      reason:
        account.status === 'arrears' || account.balance <= BALANCE_FLOOR ? 'arrears' : 'insufficient_balance',
    };
  if (refusal === 'spend_cap') return { allowed: false, reason: 'spend_cap_reached' };
  const capLeft =
    account.dailyCap === undefined ? Number.POSITIVE_INFINITY : account.dailyCap - spendOn(account, today);
  const left = Math.min(account.balance - BALANCE_FLOOR, capLeft);
  if (ratePerMinute <= 0) return { allowed: true, maxDurationSeconds: maxSeconds };
  const minutes = Math.max(1, Math.floor(left / ratePerMinute));
  return { allowed: true, maxDurationSeconds: Math.min(maxSeconds, minutes * 60) };
}
