/**
 * Job number-draft-expiry. Primary course: drafts never submitted (or rejections never fixed) by their
 * deadline are withdrawn and their numbers return to the pool. Variation: an application that moved on
 * since it was indexed (or a number that did) is skipped. Safe to run twice.
 */
import { DomainError } from '../../domain/errors.js';
import { withdraw } from './applications.js';
import type { NumbersDeps } from './deps.js';

export async function expireDrafts(deps: NumbersDeps, at: string) {
  let processed = 0;
  let skipped = 0;
  for await (const applicationId of deps.applications.dueDrafts(at)) {
    const app = await deps.applications.get(applicationId);
    if (app?.status !== 'draft' && app?.status !== 'rejected') {
      skipped += 1;
      continue;
    }
    try {
      await withdraw(deps, app, 'job:number-draft-expiry', at);
      processed += 1;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      skipped += 1;
    }
  }
  return { job: 'number-draft-expiry', at, processed, skipped, failed: 0 };
}
