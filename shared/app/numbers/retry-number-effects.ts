/**
 * Job number-effects. Primary course: every pending lifecycle effect that is due (its backoff over) is read
 * again and carried out; done ones leave the pending index. Safe to run twice or overlapping: an effect
 * another run finished is skipped, and one still waiting for another stays blocked.
 */
import type { NumbersDeps } from './deps.js';
import { runEffects } from './number-effects.js';

export async function retryNumberEffects(deps: NumbersDeps, at: string) {
  const due = await deps.effects.due(at);
  let processed = 0;
  let failed = 0;
  let skipped = 0;
  for (const item of due) {
    // Re-read: the index is eventually consistent and another run may have finished it.
    const current = await deps.effects.get(item.effectId);
    if (current?.status !== 'pending') {
      skipped += 1;
      continue;
    }
    const report = await runEffects(deps, [current], at);
    processed += report.done;
    failed += report.failed;
    skipped += report.blocked;
  }
  return { job: 'number-effects', at, processed, skipped, failed };
}
