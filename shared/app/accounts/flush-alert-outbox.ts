/**
 * Primary course: alerts left pending by an earlier failed publish are published now (the scheduled
 * alert-outbox job, and every ingest batch before charging). Safe to run twice: each alert is claimed.
 */
import { type AlertDeps, publishAlerts } from './publish-alerts.js';

export async function flushAlertOutbox(deps: AlertDeps, limit = 50): Promise<number> {
  const pending = await deps.outbox.pending(limit);
  return publishAlerts(deps, pending);
}
