/**
 * A tenant's monthly statement, assembled from the ledger entries whose effective instant falls in the
 * month. Calls are summarised per number (one line each, with a count); every other entry is its own
 * line. By construction opening + Σ lines = closing, and closing is the ledger balance at month end.
 */

import { localIsoTime } from '../zoned-time.js';
import type { BillingMonth } from './calendar.js';

export interface LedgerLine {
  readonly key: string;
  readonly kind: string;
  readonly amount: number;
  readonly at: string;
  readonly description: string;
  readonly number?: string;
  readonly meta?: Readonly<Record<string, unknown>>;
}

export interface StatementLine {
  readonly kind: string;
  readonly description: string;
  readonly amount: number;
  readonly count: number;
  readonly number?: string;
  readonly at?: string;
  readonly key?: string;
}

export interface UsageSummaryRow {
  readonly number: string;
  readonly calls: number;
  readonly billedSeconds: number;
  readonly charges: number;
  /** Seconds the plan's included minutes covered, and whose minutes they were (the number's or a pool). */
  readonly includedSeconds?: number;
  readonly allowance?: 'per_number' | 'pooled';
}

export interface Statement {
  readonly tenantId: string;
  readonly month: BillingMonth;
  readonly timeZone: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly openingBalance: number;
  readonly closingBalance: number;
  readonly totalDebits: number;
  readonly totalCredits: number;
  readonly entryCount: number;
  /** Σ of the entries dated in this month when the statement was written (late entries are found against it). */
  readonly periodNet: number;
  readonly lines: readonly StatementLine[];
  readonly usage: readonly UsageSummaryRow[];
}

const CALL_KINDS = new Set(['call', 'call_adjustment']);

/**
 * Balances at the month's start and end from the balance now and every entry from the month's start on
 * (entries effective after the month are taken back out).
 */
export function monthBalances(
  balanceNow: number,
  entriesSinceMonthStart: readonly LedgerLine[],
  periodEnd: string,
): { opening: number; closing: number; inMonth: LedgerLine[] } {
  let later = 0;
  let during = 0;
  const inMonth: LedgerLine[] = [];
  for (const e of entriesSinceMonthStart) {
    if (e.at >= periodEnd) later += e.amount;
    else {
      during += e.amount;
      inMonth.push(e);
    }
  }
  const closing = balanceNow - later;
  return { opening: closing - during, closing, inMonth };
}

function numeric(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export interface StatementInput {
  readonly tenantId: string;
  readonly month: BillingMonth;
  readonly timeZone: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly openingBalance: number;
  readonly entries: readonly LedgerLine[];
  /**
   * Entries dated in the previous month that reached the ledger after its statement was written (a contact
   * record that arrived late): one line here, so the chain of statements still adds up to the ledger.
   */
  readonly lateEntries?: { readonly month: BillingMonth; readonly amount: number };
}

/** What reached the ledger for a stated month after its statement: entries dated in it now, minus then. */
export function lateEntriesFor(
  previous: Pick<Statement, 'month' | 'periodNet' | 'openingBalance' | 'closingBalance'>,
  entriesDatedThen: readonly LedgerLine[],
): { month: BillingMonth; amount: number } | undefined {
  const then =
    typeof previous.periodNet === 'number'
      ? previous.periodNet
      : previous.closingBalance - previous.openingBalance;
  const now = entriesDatedThen.reduce((sum, e) => sum + e.amount, 0);
  return now === then ? undefined : { month: previous.month, amount: now - then };
}

export function assembleStatement(input: StatementInput): Statement {
  const sorted = [...input.entries].sort((a, b) =>
    a.at === b.at ? (a.key < b.key ? -1 : 1) : a.at < b.at ? -1 : 1,
  );
  const lines: StatementLine[] = [];
  const calls = new Map<
    string,
    { amount: number; count: number; seconds: number; included: number; allowance?: 'per_number' | 'pooled' }
  >();
  let debits = 0;
  let credits = 0;
  for (const e of sorted) {
    if (e.amount < 0) debits -= e.amount;
    else credits += e.amount;
    if (CALL_KINDS.has(e.kind)) {
      const number = e.number ?? '';
      const row = calls.get(number) ?? { amount: 0, count: 0, seconds: 0, included: 0 };
      row.amount += e.amount;
      row.count += e.kind === 'call' ? 1 : 0;
      row.seconds += numeric(e.meta?.billedSeconds);
      if (e.kind === 'call') row.included += numeric(e.meta?.includedSecondsUsed);
      if (e.meta?.allowance === 'pooled' || e.meta?.allowance === 'per_number')
        row.allowance = e.meta.allowance;
      calls.set(number, row);
      continue;
    }
    lines.push({
      kind: e.kind,
      description: e.description,
      amount: e.amount,
      count: 1,
      at: e.at,
      key: e.key,
      ...(e.number ? { number: e.number } : {}),
    });
  }
  const usage: UsageSummaryRow[] = [];
  for (const [number, row] of [...calls].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push({
      kind: 'calls',
      description: `Calls${number ? ` on ${number}` : ''}: ${row.count}`,
      amount: row.amount,
      count: row.count,
      ...(number ? { number } : {}),
    });
    usage.push({
      number,
      calls: row.count,
      billedSeconds: row.seconds,
      charges: -row.amount,
      ...(row.allowance ? { includedSeconds: row.included, allowance: row.allowance } : {}),
    });
  }
  const periodNet = lines.reduce((sum, l) => sum + l.amount, 0);
  if (input.lateEntries && input.lateEntries.amount !== 0) {
    const late = input.lateEntries.amount;
    if (late < 0) debits -= late;
    else credits += late;
    lines.push({
      kind: 'late_entries',
      description: `Entries dated ${input.lateEntries.month} recorded after its statement`,
      amount: late,
      count: 1,
    });
  }
  const net = lines.reduce((sum, l) => sum + l.amount, 0);
  return {
    tenantId: input.tenantId,
    month: input.month,
    timeZone: input.timeZone,
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    openingBalance: input.openingBalance,
    closingBalance: input.openingBalance + net,
    totalDebits: debits,
    totalCredits: credits,
    entryCount: sorted.length,
    periodNet,
    lines,
    usage,
  };
}

function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  // Quote when needed; a leading = + - @ would be a formula in a spreadsheet, so it gets a quote prefix.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const yuan = (fen: number) =>
  `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;

/**
 * CSV: one row per line item between opening and closing rows; amounts in fen and in yuan. Times are the
 * statement's zone (Asia/Shanghai) with their offset, and the header names the zone, so a spreadsheet
 * reader never takes them for UTC.
 */
export function statementCsv(statement: Statement): string {
  const zone = statement.timeZone;
  const local = (iso: string | undefined) => (iso ? localIsoTime(zone, Date.parse(iso)) : '');
  const rows: (string | number | undefined)[][] = [
    ['month', `at (${zone})`, 'kind', 'number', 'description', 'count', 'amount_fen', 'amount_yuan'],
    [
      statement.month,
      local(statement.periodStart),
      'opening_balance',
      '',
      'Opening balance',
      '',
      statement.openingBalance,
      yuan(statement.openingBalance),
    ],
  ];
  for (const l of statement.lines) {
    rows.push([
      statement.month,
      local(l.at),
      l.kind,
      l.number ?? '',
      l.description,
      l.count,
      l.amount,
      yuan(l.amount),
    ]);
  }
  rows.push([
    statement.month,
    local(statement.periodEnd),
    'closing_balance',
    '',
    'Closing balance',
    '',
    statement.closingBalance,
    yuan(statement.closingBalance),
  ]);
  return `${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
