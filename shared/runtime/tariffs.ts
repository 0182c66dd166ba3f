/**
 * The one price list in force (`tariffAt`), for every composition root that quotes or rates: the default
 * tariff with the stored tariff versions' per-minute prices (shared/domain/rating/tariff-at.ts). The stored
 * versions are read at most once a minute per process (they change rarely, and a new version takes effect
 * at least 30 days after it is scheduled, so a minute's staleness never prices a call wrongly); each
 * resulting tariff is one object per set of versions in force, so the compiled rating book is reused.
 */
import { dynamoTariffs } from '../adapters/dynamo/billing-tariffs.js';
import { tariffWorstRatePerMinute } from '../domain/accounts/account.js';
import type { TariffVersion } from '../domain/billing/tariffs.js';
import { configInForce, type NumbersConfig, numbersConfig } from '../domain/numbers/config.js';
import type { Tariff } from '../domain/rating/tariff.js';
import { rateChangeInstants, tariffKeyAt, tariffAt as tariffOf } from '../domain/rating/tariff-at.js';
import type { TariffsFrom } from '../domain/routing/worst-rate.js';
import type { TariffStore } from '../ports/tariffs.js';

const TTL_MS = 60_000;

let store: Pick<TariffStore, 'list'> = dynamoTariffs;
let cached: { readAt: number; versions: readonly TariffVersion[] } | undefined;
const tariffs = new Map<string, Tariff>();

/** Tests and the local runtime swap the store (and drop what was cached). */
export function useTariffStore(next: Pick<TariffStore, 'list'> = dynamoTariffs): void {
  store = next;
  cached = undefined;
  tariffs.clear();
}

async function versions(now: number): Promise<readonly TariffVersion[]> {
  if (cached && now >= cached.readAt && now - cached.readAt < TTL_MS) return cached.versions;
  try {
    cached = { readAt: now, versions: await store.list() };
  } catch (error) {
    // The last versions read stay in force while the store is unreachable; with none, nothing is priced.
    if (!cached) throw error;
  }
  return cached.versions;
}

/**
 * The tariffs in force at any instant, as the stored versions stood at `now` (read at most once a minute):
 * one read for a whole batch, then each call priced by the tariff in force at its own start.
 */
export async function tariffsInForce(now: Date): Promise<(epochMs: number) => Tariff> {
  const base = numbersConfig().tariff;
  const stored = await versions(now.getTime());
  const changes = rateChangeInstants(base, stored);
  // One tariff per interval between changes (rating asks once per call: a short scan, no date maths).
  const byInterval: Tariff[] = [];
  return (epochMs) => {
    let interval = 0;
    while (interval < changes.length && (changes[interval] as number) <= epochMs) interval++;
    let tariff = byInterval[interval];
    if (!tariff) {
      const at = interval === 0 ? epochMs : (changes[interval - 1] as number);
      const key = tariffKeyAt(base, stored, at);
      tariff = tariffs.get(key) ?? tariffOf(base, stored, at);
      tariffs.set(key, tariff);
      byInterval[interval] = tariff;
    }
    return tariff;
  };
}

/** The tariff book in force at `at` (the default tariff when no version is stored). */
export async function tariffAt(at: Date): Promise<Tariff> {
  return (await tariffsInForce(at))(at.getTime());
}

/** The tariff in force at `at`, then each tariff a stored version brings in later, with its effective instant. */
export async function tariffsFrom(at: Date): Promise<TariffsFrom> {
  const lookup = await tariffsInForce(at);
  const later = rateChangeInstants(numbersConfig().tariff, await versions(at.getTime())).filter(
    (ms) => ms > at.getTime(),
  );
  return [
    { from: at.toISOString(), tariff: lookup(at.getTime()) },
    ...later.map((ms) => ({ from: new Date(ms).toISOString(), tariff: lookup(ms) })),
  ];
}

/**
 * The refusal point's rate at `at`: the dearest minute of the tariff in force, as route-call reads it from
 * the routing snapshot's rate steps (shared/domain/routing/worst-rate.ts), so `/v1/account` agrees with setup.
 */
export async function refusalRateAt(at: Date): Promise<number> {
  return tariffWorstRatePerMinute(await tariffAt(at));
}

/**
 * The numbers configuration in force at `at` (configInForce): the tariff in force, each plan's rent and
 * minimum spend from the stored versions in force, and their later changes. Quotes (search, applications)
 * and approval's contract read it, so what a tenant is quoted is what its contract says and is charged.
 */
export async function numbersConfigAt(at: Date): Promise<NumbersConfig> {
  const stored = await versions(at.getTime());
  return configInForce(numbersConfig(), await tariffAt(at), stored, at.getTime());
}
