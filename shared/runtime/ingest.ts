/**
 * The composition root of contact-record ingest (the ctr-ingest stream function): charging rounds on the
 * DynamoDB call-charge store, rated with the one price list (each call by the tariff in force when it
 * started: tariffsInForce) and caller regions from the geo index. Its own module so the account and calls handlers carry none of it.
 */
import { DynamoCallCharges } from '../adapters/dynamo/call-ingest.js';
import { geoRegions } from '../adapters/dynamo/call-regions.js';
import { flushAlertOutbox } from '../app/accounts/flush-alert-outbox.js';
import { ingestContactRecords, type RawRecord } from '../app/calls/ingest-contact-records.js';
import { optionalEnv } from '../config.js';
import { DEFAULT_RETENTION_DAYS } from '../domain/calls/retention.js';
import type { RatingContext } from '../domain/ledger/call-charges.js';
import { numbersConfig } from '../domain/numbers/config.js';
import type { Tariff } from '../domain/rating/tariff.js';
import { tariffBookOf } from '../domain/rating/tariff.js';
import { alertDeps, currentClock, publish, warn } from './ledger.js';
import { tariffsInForce } from './tariffs.js';

/**
 * The tariffs in force at any instant, as the stored versions stood when the batch began (read before each
 * batch, at most once a minute): a call is priced by the tariff in force at its start, so a batch spanning
 * a price change, or a late record of an earlier call, is charged what was quoted when the call was made.
 * The compiled book is one per set of versions in force (tariffBookOf keeps it per tariff object).
 */
let tariffAtInstant: (epochMs: number) => Tariff = () => numbersConfig().tariff;
const rating: RatingContext = {
  bookAt: (epochMs) => tariffBookOf(tariffAtInstant(epochMs)),
  regions: geoRegions,
};

let charges: DynamoCallCharges | undefined;
function callCharges(): DynamoCallCharges {
  charges ??= new DynamoCallCharges({
    rating,
    retentionDays: Number(optionalEnv('CALL_RETENTION_DAYS', String(DEFAULT_RETENTION_DAYS))),
    warn,
  });
  return charges;
}

export const ingest = {
  ingestContactRecords: async (records: readonly RawRecord[]) => {
    tariffAtInstant = await tariffsInForce(currentClock.now());
    return ingestContactRecords(
      {
        charges: callCharges(),
        clock: currentClock,
        publishAlerts: publish,
        flushAlertOutbox: () => flushAlertOutbox(alertDeps),
        warn,
      },
      records,
    );
  },
  /** Deferred postings left pending by a crash (tests and the local runtime run the sweep on demand). */
  sweepPendingPostings: async (olderThanMs?: number) => {
    const { applied, alerts } = await callCharges().sweepPendingPostings(currentClock.now(), olderThanMs);
    await publish(alerts);
    return applied;
  },
};
