/**
 * The composition root of contact-record ingest (the ctr-ingest stream function): charging rounds on the
 * DynamoDB call-charge store, rated with the one price list (the numbers configuration's tariff) and
 * caller regions from the geo index. Its own module so the account and calls handlers carry none of it.
 */
import { DynamoCallCharges } from '../adapters/dynamo/call-ingest.js';
import { geoRegions } from '../adapters/dynamo/call-regions.js';
import { flushAlertOutbox } from '../app/accounts/flush-alert-outbox.js';
import { ingestContactRecords, type RawRecord } from '../app/calls/ingest-contact-records.js';
import { optionalEnv } from '../config.js';
import { DEFAULT_RETENTION_DAYS } from '../domain/calls/retention.js';
import { numbersConfig } from '../domain/numbers/config.js';
import { type Tariff, tariffBookOf } from '../domain/rating/tariff.js';
import { alertDeps, currentClock, publish, warn } from './ledger.js';
import { tariffAt } from './tariffs.js';

/** The tariff book in force for the batch being ingested (tariffAt, read before each batch). */
let tariffInForce: Tariff = numbersConfig().tariff;
const rating = {
  // The tariff quotes read too: a call is charged what search and applications quoted.
  get book() {
    return tariffBookOf(tariffInForce);
  },
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
    tariffInForce = await tariffAt(currentClock.now());
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
