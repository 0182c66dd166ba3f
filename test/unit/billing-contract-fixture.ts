/** One billing contract for the billing unit tests: a whole year in service, 2 h SLA threshold, Shanghai. */
import type { BillingContract } from '../../shared/domain/billing/types.js';

export function billingContract(overrides: Partial<BillingContract> = {}): BillingContract {
  return {
    contractId: 'c1',
    tenantId: 't1',
    number: '4008123456',
    planId: 'basic',
    monthlyRent: 10_000,
    minimumSpend: 5_000,
    retentionFee: 1_500,
    valueAdded: [],
    serviceFrom: '2025-01-01',
    suspensions: [],
    slaThresholdMinutes: 120,
    termStart: '2025-01-01',
    termEnd: '2026-01-01',
    termMonths: 12,
    autoRenew: true,
    timeZone: 'Asia/Shanghai',
    ...overrides,
  };
}
