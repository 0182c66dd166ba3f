/** Tariffs for tests whose subject is not the price list (every domain rate is a required argument). */
import { DEFAULT_TARIFF } from '../../shared/domain/rating/default-tariff.js';
import type { TariffsFrom } from '../../shared/domain/routing/worst-rate.js';

/** The default tariff alone, in force from any instant (no stored version). */
export const defaultTariffOnly = async (at: Date): Promise<TariffsFrom> => [
  { from: at.toISOString(), tariff: DEFAULT_TARIFF },
];
