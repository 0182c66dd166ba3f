/**
 * Primary course: the daily tariff job copies each pending tariff version onto every contract of its plan
 * still in service on the effective date (a dated price change that monthly billing and settlement both
 * price by), tells each affected tenant once, and marks the version done.
 *
 * When a version changes per-minute prices, the call-setup rates are refreshed (the routing snapshots'
 * worst rates: shared/app/routing/refresh-rate-steps.ts), once per run, before any version is marked.
 * Every other run gives rate steps to the snapshots still without them (applied before steps were kept),
 * after the versions, so a failure there never holds a notice back: none stays on the fallback rate for
 * more than a day, and the snapshots that have steps are not rewritten; once a run has left none, the
 * runs after it do not scan for them (refreshRateSteps records it), and their results say so.
 *
 * Variation: nothing pending, no contract read. A rerun after a crash re-copies nothing (the contract
 * refuses a second change of the same date) and re-sends nothing (notices carry a stable dedupe key).
 */
import type { TariffVersion } from '../../domain/billing/tariffs.js';
import type { BillingContractStore } from '../../ports/billing-contracts.js';
import type { NotificationsPort } from '../../ports/notifications.js';
import type { TariffStore } from '../../ports/tariffs.js';

export interface ApplyTariffVersionsDeps {
  readonly tariffs: TariffStore;
  readonly contracts: BillingContractStore;
  readonly notifications: NotificationsPort;
  /**
   * Re-derives the worst rates call setup reads from the tariffs in force from `at` on (composed in the
   * runtime): every applied snapshot's when prices changed, else only those of snapshots without any.
   */
  readonly refreshCallRates: (
    at: string,
    options: { readonly pricesChanged: boolean },
  ) => Promise<CallRatesRefresh>;
}

/** Snapshots whose rate steps were written, how many of them had none, and whether the scan was skipped. */
export interface CallRatesRefresh {
  readonly snapshots: number;
  readonly givenSteps: number;
  readonly scanSkipped: boolean;
}

export interface TariffJobResult {
  readonly versions: number;
  readonly contractsUpdated: number;
  readonly tenantsNotified: number;
  /** Routing snapshots whose rate steps were written this run. */
  readonly snapshotsRerated: number;
  /** Of those, snapshots that had no rate steps (applied before they were kept). */
  readonly snapshotsGivenRateSteps: number;
  /**
   * No snapshot was scanned: no new prices, and the backfill's record says none is left without steps (so the
   * job's log tells a skipped scan from one that found nothing to write).
   */
  readonly rateStepsScanSkipped: boolean;
}

const yuan = (fen: number | undefined) => (fen === undefined ? undefined : `¥${(fen / 100).toFixed(2)}`);

function noticeText(version: TariffVersion): string {
  const parts = [
    yuan(version.monthlyRent) && `monthly rent ${yuan(version.monthlyRent)}`,
    yuan(version.minimumSpend) && `minimum monthly spend ${yuan(version.minimumSpend)}`,
    yuan(version.retentionFee) && `retention fee ${yuan(version.retentionFee)}`,
  ].filter(Boolean);
  return `From ${version.effectiveFrom}: ${parts.join(', ')}. ${version.description}`.trim();
}

export async function applyTariffVersions(
  deps: ApplyTariffVersionsDeps,
  at: string,
  zone: string,
): Promise<TariffJobResult> {
  const pending = await deps.tariffs.pending();
  const pricesChanged = pending.some((v) => v.rates && Object.keys(v.rates).length > 0);
  let rerated: CallRatesRefresh | undefined;
  // New prices first, so a failure leaves the versions pending and the next run tries again.
  if (pricesChanged) rerated = await deps.refreshCallRates(at, { pricesChanged });
  const notices = await applyVersions(deps, pending, at, zone);
  // No new prices: snapshots still without steps get theirs, after the notices so a failure holds none back.
  rerated ??= await deps.refreshCallRates(at, { pricesChanged });
  return {
    versions: pending.length,
    ...notices,
    snapshotsRerated: rerated.snapshots,
    snapshotsGivenRateSteps: rerated.givenSteps,
    rateStepsScanSkipped: rerated.scanSkipped,
  };
}

/** Copies each version onto its plan's contracts in service, notifies their tenants once, marks it done. */
async function applyVersions(
  deps: ApplyTariffVersionsDeps,
  pending: readonly TariffVersion[],
  at: string,
  zone: string,
): Promise<{ contractsUpdated: number; tenantsNotified: number }> {
  if (pending.length === 0) return { contractsUpdated: 0, tenantsNotified: 0 };
  const contracts = await deps.contracts.all(zone);
  let contractsUpdated = 0;
  let tenantsNotified = 0;
  for (const version of pending) {
    const affected = contracts.filter(
      (c) =>
        c.planId === version.planId && (c.serviceTo === undefined || c.serviceTo > version.effectiveFrom),
    );
    for (const contract of affected) {
      await deps.contracts.addPriceChange(contract, version);
      contractsUpdated++;
    }
    for (const tenantId of new Set(affected.map((c) => c.tenantId))) {
      await deps.notifications.publish({
        tenantId,
        kind: 'tariff_notice',
        template: 'tariff_change',
        params: { plan: version.planId, effective_from: version.effectiveFrom, changes: noticeText(version) },
        dedupeKey: `tariff#${version.planId}#${version.effectiveFrom}#${tenantId}`,
        attributes: { planId: version.planId, effectiveFrom: version.effectiveFrom },
      });
      tenantsNotified++;
    }
    await deps.tariffs.markNotified(version, at, affected.length);
  }
  return { contractsUpdated, tenantsNotified };
}
