/**
 * Audit: a suspended number whose owner asks to cancel it takes calls again until the notice instant (the
 * routing snapshot says active, as for any number under notice), so those days are service days and pay
 * rent, not retention. April 2027 has 30 days; rent 30,000 fen a month (1,000 a day), retention 1,500 a
 * month (50 a day).
 */
import { describe, expect, it } from 'vitest';
import { contractFromItem } from '../../shared/adapters/dynamo/billing-contracts.js';
import type { NumbersDeps } from '../../shared/app/numbers/deps.js';
import { requestCancellation } from '../../shared/app/numbers/request-cancellation.js';
import { suspendNumber } from '../../shared/app/numbers/suspend-number.js';
import { monthlyCharges } from '../../shared/domain/billing/charges.js';
import { withHistory } from '../../shared/domain/billing/contracts.js';
import type { ContractRecord } from '../../shared/domain/numbers/application.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { inventoryNumber, type NumberRecord } from '../../shared/domain/numbers/number.js';
import type { NumberStore, NumberWrite } from '../../shared/ports/number-store.js';

const NUMBER = '4008123456';
const at = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`).toISOString();

/** Numbers and contracts in memory, versions checked on commit; history rows kept as billing reads them. */
function memoryStore() {
  const numbers = new Map<string, NumberRecord>();
  const contracts = new Map<string, ContractRecord>();
  const history: { at: string; from: string; to: string }[] = [];
  const store: Partial<NumberStore> = {
    get: async (n) => numbers.get(n),
    contract: async (_n, id) => contracts.get(id),
    holds: async () => undefined,
    commit: async (writes: readonly NumberWrite[]) => {
      for (const w of writes) {
        if (w.kind === 'number' && numbers.get(w.before.number)?.version !== w.before.version) return false;
        if (
          w.kind === 'contract' &&
          (contracts.get(w.contract.contractId)?.version ?? 0) !== (w.expectedVersion ?? 0)
        )
          return false;
      }
      for (const w of writes) {
        if (w.kind === 'number') {
          numbers.set(w.after.number, w.after);
          history.push({ at: w.history.at, from: w.history.from, to: w.history.to });
        }
        if (w.kind === 'contract') contracts.set(w.contract.contractId, w.contract);
      }
      return true;
    },
  };
  return { numbers, contracts, history, store: store as NumberStore };
}

describe('a suspended number under cancellation notice', () => {
  it('pays rent, not retention, for the notice days it takes calls', async () => {
    const { numbers, contracts, history, store } = memoryStore();
    numbers.set(NUMBER, {
      ...inventoryNumber(NUMBER, '2027-01-01T00:00:00.000Z', config),
      status: 'active',
      tenantId: 'acme',
      accessNumber: '+6531000000',
      contractId: 'ct_1',
    });
    const contract = {
      pk: `NUM#${NUMBER}`,
      sk: 'CONTRACT#ct_1',
      contractId: 'ct_1',
      number: NUMBER,
      tenantId: 'acme',
      planId: 'business',
      monthlyRent: 30_000,
      minimumSpend: 0,
      retentionFee: 1_500,
      termStart: '2027-01-01',
      termEnd: '2027-04-01',
      serviceFrom: '2027-01-01',
      autoRenew: false,
      suspensions: [],
      status: 'active',
      version: 1,
    };
    contracts.set('ct_1', contract as unknown as ContractRecord);
    const deps = {
      numbers: store,
      config,
      routingHandOver: { clear: async () => {} },
      effects: { put: async () => {}, get: async () => undefined },
      log: { error: () => {} },
    } as unknown as NumbersDeps;
    await suspendNumber(deps, NUMBER, 'acme', at('2027-04-10', '15:00'));
    await requestCancellation(deps, NUMBER, 'acme', at('2027-04-15', '10:00'));
    expect(numbers.get(NUMBER)?.status).toBe('cancellation_requested');
    const stored = contractFromItem({ ...contract, ...contracts.get('ct_1') }, 'Asia/Shanghai');
    if (!stored) throw new Error('unmapped');
    const charges = monthlyCharges({
      contract: withHistory(stored, history),
      month: '2027-04',
      incidents: [],
    });
    const sum = (kind: string) => charges.filter((c) => c.kind === kind).reduce((s, c) => s + c.amount, 0);
    // Suspended days: 11-14 April (4); the 10th gave service until 15:00, the 15th from 10:00 on.
    // Rent 26 days × 1,000 = 26,000; retention 4 days × 50 = 200.
    expect(sum('monthly_rent')).toBe(-26_000);
    expect(sum('retention_fee')).toBe(-200);
  });
});
