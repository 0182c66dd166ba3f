/**
 * The rating tariff in force at an instant: the default tariff (code) with the per-minute prices of every
 * stored tariff version (POST /v1/tariffs, shared/domain/billing/tariffs.ts) effective on or before the
 * instant's local day, applied in effective order. Quotes (search, applications), rating and the worst
 * rate behind call limits all read this one book, so a scheduled change moves them together.
 */
import type { TariffVersion } from '../billing/tariffs.js';
import { localDay, startOfLocalDay } from '../zoned-time.js';
import type { PlanTariff, Tariff } from './tariff.js';

/** The versions that change per-minute prices, in force on `day` (YYYY-MM-DD), oldest first. */
function rateVersionsOn(versions: readonly TariffVersion[], day: string): TariffVersion[] {
  return versions
    .filter((v) => v.rates && Object.keys(v.rates).length > 0 && v.effectiveFrom <= day)
    .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom) || a.planId.localeCompare(b.planId));
}

/** The tariff at `epochMs`; `base` itself (same object) when no stored version changes a rate by then. */
export function tariffAt(base: Tariff, versions: readonly TariffVersion[], epochMs: number): Tariff {
  const applied = rateVersionsOn(versions, localDay(base.timeZone, epochMs));
  if (applied.length === 0) return base;
  const segments: Record<string, Record<string, PlanTariff>> = {};
  for (const [segment, plans] of Object.entries(base.segments)) segments[segment] = { ...plans };
  for (const version of applied) {
    for (const [segment, rates] of Object.entries(version.rates ?? {})) {
      const plans = segments[segment] ?? { ...(segments['*'] ?? {}) };
      const plan = plans[version.planId] ?? plans[base.defaultPlan];
      if (!plan) continue;
      plans[version.planId] = {
        ...plan,
        localPerMinute: rates.localPerMinute,
        longDistancePerMinute: rates.longDistancePerMinute,
      };
      segments[segment] = plans;
    }
  }
  const last = applied[applied.length - 1] as TariffVersion;
  // The version names what rated a call: the default's and the latest stored version applied.
  return { ...base, version: `${base.version}+${last.planId}@${last.effectiveFrom}`, segments };
}

/** The key under which `tariffAt` gives the same tariff (the stored versions in force on that day). */
export function tariffKeyAt(base: Tariff, versions: readonly TariffVersion[], epochMs: number): string {
  return rateVersionsOn(versions, localDay(base.timeZone, epochMs))
    .map((v) => `${v.planId}@${v.effectiveFrom}`)
    .join(',');
}

/**
 * The instants at which stored versions change per-minute prices (local midnight of each effective day),
 * in order: between two of them the same versions are in force, so the same tariff.
 */
export function rateChangeInstants(base: Tariff, versions: readonly TariffVersion[]): number[] {
  const days = new Set(
    versions.filter((v) => v.rates && Object.keys(v.rates).length > 0).map((v) => v.effectiveFrom),
  );
  return [...days].sort().map((day) => startOfLocalDay(base.timeZone, day));
}
