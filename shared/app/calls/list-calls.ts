/**
 * Primary course: a tenant's calls on one of its numbers, newest first, a page at a time: a transfer chain
 * is one call with its segments, listed where its first segment started and never split across pages (the
 * store pages by chain: shared/domain/calls/chains.ts); the range defaults to the last 7 days.
 * Variations: `from` after `to` is a 400; a number the tenant neither holds nor has calls on is a 404.
 */
import { utcInstant } from '../../domain/calendar-date.js';
import type { CallRecord } from '../../domain/calls/call-record.js';
import { groupChains } from '../../domain/calls/chains.js';
import { invalid } from '../../domain/errors.js';
import type { CallsPort } from '../../ports/calls.js';
import { DEFAULT_PAGE_SIZE, type Page } from '../../ports/paging.js';
import { type ReadableNumberDeps, requireReadableNumber } from './readable-number.js';

export interface CallView {
  readonly contactId: string;
  readonly number: string;
  readonly caller: string | null;
  readonly callerRegion: string | null;
  readonly answerNumber: string | null;
  readonly startedAt: string;
  readonly answeredAt: string | null;
  readonly endedAt: string;
  readonly durationSeconds: number;
  readonly billedSeconds: number;
  readonly charge: number;
  readonly missed: boolean;
  readonly recordingRef: string | null;
}

/**
 * One call as the customer sees it: a transfer chain's segments folded into one entry (its first segment's
 * fields, the chain's total talk time, billed time and charge — each segment rated on its own, see
 * domain/calls/chains.ts), with the segments listed when there is more than one.
 */
export interface ChainedCallView extends CallView {
  readonly chainId: string;
  readonly segments?: readonly CallView[];
}

const view = (r: CallRecord): CallView => ({
  contactId: r.contactId,
  number: r.number,
  caller: r.caller ?? null,
  callerRegion: r.callerRegion ?? null,
  answerNumber: r.answeredBy ?? null,
  startedAt: r.startedAt,
  answeredAt: r.answeredAt ?? null,
  endedAt: r.endedAt,
  durationSeconds: r.durationSeconds,
  billedSeconds: r.billedSeconds,
  charge: r.amount,
  missed: r.missed,
  recordingRef: r.recordingRef ?? null,
});

export interface ListCallsQuery {
  readonly tenantId: string;
  readonly number: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly cursor?: string;
  readonly now: Date;
}

const WEEK_MS = 7 * 86_400_000;

export async function listCalls(
  deps: { readonly calls: CallsPort } & ReadableNumberDeps,
  query: ListCallsQuery,
): Promise<Page<ChainedCallView>> {
  // Any offset the client sent (+08:00, Z) becomes the UTC form the store compares.
  const to = query.to !== undefined ? utcInstant(query.to) : query.now.toISOString();
  const from =
    query.from !== undefined ? utcInstant(query.from) : new Date(Date.parse(to) - WEEK_MS).toISOString();
  if (Date.parse(from) > Date.parse(to)) throw invalid('invalid_range', 'from must not be after to', 'from');
  await requireReadableNumber(deps, query.tenantId, query.number, query.now);
  const page = await deps.calls.page(
    { tenantId: query.tenantId, number: query.number, from, to, now: query.now },
    query.limit ?? DEFAULT_PAGE_SIZE,
    query.cursor,
  );
  return {
    ...page,
    items: groupChains(page.items).map(({ chainId, segments }) => chainView(chainId, segments)),
  };
}

function chainView(chainId: string, segments: readonly CallRecord[]): ChainedCallView {
  const views = segments.map(view);
  const first = views[0] as CallView;
  if (views.length === 1) return { ...first, chainId };
  const last = views[views.length - 1] as CallView;
  const answered = views.find((v) => !v.missed);
  return {
    ...first,
    chainId,
    answerNumber: answered?.answerNumber ?? first.answerNumber,
    answeredAt: answered?.answeredAt ?? null,
    endedAt: last.endedAt,
    durationSeconds: views.reduce((sum, v) => sum + v.durationSeconds, 0),
    billedSeconds: views.reduce((sum, v) => sum + v.billedSeconds, 0),
    charge: views.reduce((sum, v) => sum + v.charge, 0),
    missed: views.every((v) => v.missed),
    segments: views,
  };
}
