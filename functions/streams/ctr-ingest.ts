/**
 * Kinesis consumer of Amazon Connect contact records (ReportBatchItemFailures on, bisect on error,
 * bounded retries, on-failure destination). Powertools' BatchProcessor handles records one at a time;
 * charging needs the whole batch at once (dedupe per ContactId, one account write per batch), so the
 * handler runs the batch itself and returns { batchItemFailures } for the records that failed.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { flushPendingAlerts } from '../../shared/adapters/dynamo/account-alerts.js';
import { sweepPendingPostings } from '../../shared/adapters/dynamo/account-postings.js';
import { CallIngest } from '../../shared/adapters/dynamo/call-ingest.js';
import { geoRegions } from '../../shared/adapters/dynamo/call-regions.js';
import { DEFAULT_TARIFF } from '../../shared/domain/rating/default-tariff.js';
import { TariffBook } from '../../shared/domain/rating/tariff.js';
import { logger, MetricUnit, metrics } from '../../shared/observability.js';

const book = new TariffBook(DEFAULT_TARIFF);
const ingest = new CallIngest({ rating: { book, regions: geoRegions } });

/**
 * Why recent records failed, by sequence number: a Kinesis on-failure destination only gets the batch's
 * coordinates, so the reason is logged; the local stream reads it here to park records with the reason.
 */
export const recentFailureReasons = new Map<string, string>();

/**
 * A record's bytes, decoded to text one record at a time as they are parsed (a batch of strings would live
 * on the heap). A module-level function, not a closure made per batch: see docs/ARCHITECTURE.md ("Measured
 * rules for the per-record paths") on V8 recompiling dead closures.
 */
function rawRecord(r: KinesisStreamRecord) {
  return { id: r.kinesis.sequenceNumber, data: Buffer.from(r.kinesis.data ?? '', 'base64') };
}

export async function processContactRecords(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
  const records = (event.Records ?? []).map(rawRecord);
  // Alerts a previous invocation could not publish go out first (they never touch money).
  await flushPendingAlerts().catch((error: Error) => logger.warn('outbox flush failed', { error }));
  // Deferred postings a crashed invocation left behind (their records may never come back).
  await sweepPendingPostings(book.tariff.timeZone).catch((error: Error) =>
    logger.warn('posting sweep failed', { error }),
  );
  const result = await ingest.ingest(records);
  if (recentFailureReasons.size > 10_000) recentFailureReasons.clear();
  for (const failure of result.failures) {
    logger.warn('contact record failed', { sequenceNumber: failure.id, reason: failure.reason });
    recentFailureReasons.set(failure.id, failure.reason);
  }
  metrics.addMetric('contactRecords', MetricUnit.Count, records.length);
  metrics.addMetric('callsCharged', MetricUnit.Count, result.charged);
  metrics.addMetric('callAdjustments', MetricUnit.Count, result.adjusted);
  metrics.addMetric('contactRecordFailures', MetricUnit.Count, result.failures.length);
  return { batchItemFailures: result.failures.map((f) => ({ itemIdentifier: f.id })) };
}

export const handler = middy(processContactRecords)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
