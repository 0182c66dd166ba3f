/**
 * Primary course: a stream batch of Amazon Connect contact records is charged. Alerts an earlier
 * invocation could not publish go out first, and deferred postings a crashed run left behind are
 * applied; then the records are parsed (the newest of each contact kept), rated and charged to their
 * accounts in rounds, and the alerts the charges crossed are published.
 * Variations, as branches below:
 * - a record that cannot be parsed, or whose access number is bound to no 400 number, fails alone (the
 *   stream retries it, then parks it with its reason);
 * - a record out of time bounds (starting in the future, or of a month closed beyond the correction
 *   window), or started while nobody held its number, is parked for review by the store: never
 *   charged, never counted toward a spend day, not a failure;
 * - a lost race (an account moved, or a contact was charged meanwhile) sends just those contacts round
 *   again after a short random pause; one that keeps losing fails after the last round;
 * - a failed read retries the round; on the last round it fails the whole batch (the stream retries it).
 */
import type { NormalizedContact } from '../../domain/calls/contact-record.js';
import { parseContactBatch } from '../../domain/calls/contact-record.js';
import type { CallChargesPort } from '../../ports/calls.js';
import type { Clock } from '../../ports/clock.js';
import type { Notification } from '../../ports/notifications.js';

export interface RawRecord {
  /** The stream's identifier for the record (Kinesis sequence number): only used to report failures. */
  readonly id: string;
  readonly data: unknown;
}

export interface IngestResult {
  readonly failures: readonly { readonly id: string; readonly reason: string }[];
  readonly charged: number;
  readonly adjusted: number;
  readonly stale: number;
  readonly parked: number;
  readonly ignored: number;
  readonly transactions: number;
}

export interface IngestDeps {
  readonly charges: CallChargesPort;
  readonly clock: Clock;
  readonly publishAlerts: (alerts: readonly Notification[]) => Promise<unknown>;
  readonly flushAlertOutbox: () => Promise<unknown>;
  readonly warn: (message: string, details: Record<string, unknown>) => void;
}

/** The first round writes without reading call items; a clash (a known contact) costs one more round. */
const MAX_ROUNDS = 7;

export async function ingestContactRecords(
  deps: IngestDeps,
  records: readonly RawRecord[],
): Promise<IngestResult> {
  await deps.flushAlertOutbox().catch((error: unknown) => deps.warn('outbox flush failed', { error }));
  // Deferred postings a crashed invocation left behind (their records may never come back).
  await deps.charges
    .sweepPendingPostings(deps.clock.now())
    .then(({ alerts }) => deps.publishAlerts(alerts))
    .catch((error: unknown) => deps.warn('posting sweep failed', { error }));

  const batch = parseContactBatch(records);
  const failures = [...batch.rejected];
  const failContact = (contactId: string, reason: string) => {
    for (const id of batch.idsByContact.get(contactId) ?? []) failures.push({ id, reason });
  };
  const totals = { charged: 0, adjusted: 0, stale: 0, parked: 0, transactions: 0 };
  const alerts: Notification[] = [];
  const charging = deps.charges.batch();
  let pending: readonly NormalizedContact[] = batch.newest;
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    if (round > 0) await new Promise((r) => setTimeout(r, Math.min(400, 15 * 2 ** round * Math.random())));
    let result: Awaited<ReturnType<typeof charging.round>>;
    try {
      result = await charging.round(pending, round, deps.clock.now());
    } catch (error) {
      if (round === MAX_ROUNDS - 1) throw error;
      deps.warn('ingest read failed; retrying', { error });
      continue;
    }
    for (const u of result.unchargeable) failContact(u.contactId, u.reason);
    totals.charged += result.charged;
    totals.adjusted += result.adjusted;
    totals.stale += result.stale;
    totals.parked += result.parked;
    totals.transactions += result.transactions;
    alerts.push(...result.alerts);
    pending = pending.filter((c) => result.retry.has(c.contactId));
    if (round === MAX_ROUNDS - 1)
      for (const c of pending) failContact(c.contactId, 'account busy: transaction kept failing');
  }
  await deps.publishAlerts(alerts);
  return { failures, ...totals, ignored: batch.ignored };
}
