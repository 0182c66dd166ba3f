/**
 * Every rate the money and routing rules take is required: a caller that forgets it must not compile (and a
 * default must not come back), else it would silently decide at the default tariff's 32 fen whatever the
 * tariff in force. Checked twice: `tsc` fails on an unused `@ts-expect-error` below if a parameter becomes
 * optional again, and each function's `length` counts only the parameters before the first default.
 */
import { describe, expect, it } from 'vitest';
import {
  type Account,
  applyMovements,
  callAllowance,
  refusalOf,
} from '../../shared/domain/accounts/account.js';
import { applyPostings } from '../../shared/domain/ledger/postings.js';
import { rateSteps, worstRatePerMinute } from '../../shared/domain/routing/worst-rate.js';

describe('refusal and worst rates are required arguments', () => {
  it('no rate parameter has a default', () => {
    expect(applyMovements.length).toBe(3);
    expect(applyPostings.length).toBe(3);
    expect(refusalOf.length).toBe(3);
    expect(callAllowance.length).toBe(5);
    expect(worstRatePerMinute.length).toBe(3);
    expect(rateSteps.length).toBe(3);
  });

  it('a call without the rate does not compile', () => {
    // Never run: what matters is that tsc rejects each call (an unused @ts-expect-error is itself an error).
    const typeChecksOnly = (account: Account) => {
      // @ts-expect-error the refusal rate in force is required
      applyMovements(account, []);
      // @ts-expect-error the refusal rate in force is required
      applyPostings(account, []);
      // @ts-expect-error the refusal rate in force is required
      refusalOf(account, '2026-11-24');
      // @ts-expect-error the longest call and the refusal rate in force are required
      callAllowance(account, '2026-11-24', 30);
      // @ts-expect-error the tariff in force is required
      worstRatePerMinute('4008123456', true);
      // @ts-expect-error the tariffs in force are never an empty list
      rateSteps('4008123456', true, []);
    };
    expect(typeChecksOnly).toBeTypeOf('function');
  });
});
