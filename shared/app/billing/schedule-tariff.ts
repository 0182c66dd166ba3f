/**
 * Primary course: an operator schedules a plan's new prices from the 1st of a month at least 30 days
 * ahead; the version is stored, pending, for the daily tariff job to apply and announce.
 *
 * Variation: the same plan and date again is idempotent with the same prices (the stored version is
 * answered, not created) and a conflict with other prices.
 */
import { type TariffVersion, validateTariffVersion } from '../../domain/billing/tariffs.js';
import { conflict } from '../../domain/errors.js';
import type { StoredTariff, TariffStore } from '../../ports/tariffs.js';

export type ScheduleTariffRequest = Omit<TariffVersion, 'description' | 'scheduledAt'> & {
  readonly description?: string;
};

const samePrices = (a: TariffVersion, b: TariffVersion) =>
  a.monthlyRent === b.monthlyRent &&
  a.minimumSpend === b.minimumSpend &&
  a.retentionFee === b.retentionFee &&
  JSON.stringify(a.rates ?? {}) === JSON.stringify(b.rates ?? {});

export async function scheduleTariff(
  deps: { readonly tariffs: TariffStore },
  request: ScheduleTariffRequest,
  ctx: { readonly scheduledBy: string; readonly now: Date; readonly zone: string },
): Promise<{ tariff: StoredTariff; created: boolean }> {
  const version: TariffVersion = {
    ...request,
    description: request.description ?? '',
    scheduledAt: ctx.now.toISOString(),
  };
  validateTariffVersion(version, ctx.zone);
  const tariff = await deps.tariffs.create(version, ctx.scheduledBy);
  if (tariff) return { tariff, created: true };
  const existing = (await deps.tariffs.list()).find(
    (t) => t.planId === version.planId && t.effectiveFrom === version.effectiveFrom,
  );
  if (!existing || !samePrices(existing, version)) {
    throw conflict(
      'tariff_exists',
      `plan ${version.planId} already has a version effective ${version.effectiveFrom}`,
    );
  }
  return { tariff: existing, created: false };
}
