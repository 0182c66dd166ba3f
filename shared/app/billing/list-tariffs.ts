/** Primary course: every tariff version of every plan, scheduled or applied. */
import type { StoredTariff, TariffStore } from '../../ports/tariffs.js';

export async function listTariffs(deps: { readonly tariffs: TariffStore }): Promise<StoredTariff[]> {
  return deps.tariffs.list();
}
