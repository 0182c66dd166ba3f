/**
 * The rule that funds an approval (issues 13 item 5, 14 item 8): paid-in money (the balance less every
 * promotional credit) must cover the opening fee; only the selection fee is debited, so the balance left is
 * never below the first top-up and never zero (no new customer starts in arrears).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMovements, newAccount } from '../../shared/domain/accounts/account.js';
import { DomainError } from '../../shared/domain/errors.js';
import {
  approvalFees,
  openingFeeEntry,
  paidInAvailable,
  requireFunded,
} from '../../shared/domain/numbers/opening-fee.js';
import { buildOpenApiDocument } from '../../shared/http/openapi.js';

const app = { applicationId: 'app_1', tenantId: 't', number: '4008168168' };
/** The default tariff's dearest minute: 4008 payg long distance 30 + recording 2 = 32 fen. */
const REFUSAL_RATE = 32;

describe('approval fees', () => {
  it('name what is due and what is available when paid-in money falls short', () => {
    const fees = approvalFees({ selectionFee: 98_800, firstTopUp: 50_000 });
    expect(fees).toEqual({ selectionFee: 98_800, firstTopUp: 50_000, openingFee: 148_800 });
    // 200,000 on the balance, 120,000 of it promotional: 80,000 paid in.
    expect(paidInAvailable({ balance: 200_000, nonRefundableCredited: 120_000 })).toBe(80_000);
    try {
      requireFunded(fees, { balance: 200_000, nonRefundableCredited: 120_000 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        kind: 'payment_required',
        code: 'fees_not_funded',
        details: {
          due: 148_800,
          available: 80_000,
          missing: 68_800,
          selectionFee: 98_800,
          firstTopUp: 50_000,
        },
      });
    }
    expect(() => requireFunded(fees, { balance: 268_800, nonRefundableCredited: 120_000 })).not.toThrow();
  });

  it('debit only the selection fee, and the ledger entry says the first top-up stays as call credit', () => {
    const entry = openingFeeEntry(
      app,
      approvalFees({ selectionFee: 12_800, firstTopUp: 50_000 }),
      '2026-11-25T02:00:00.000Z',
    );
    expect(entry).toMatchObject({ key: 'opening#app_1', kind: 'opening_fee', amount: -12_800 });
    expect(entry.description).toBe(
      'Opening fee for 4008168168, ¥628.00: selection fee ¥128.00 debited; first top-up ¥500.00 included, kept on your balance as call credit',
    );
  });

  it('never leave a funded approval in arrears or in debt (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        // A first top-up pays at least one minute (the configured one is 500 yuan): less would leave the
        // new account unable to pay a call, which is arrears by design.
        fc.integer({ min: REFUSAL_RATE, max: 100_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 0, max: 500_000 }),
        (selectionFee, firstTopUp, paidIn, promotional) => {
          const fees = approvalFees({ selectionFee, firstTopUp });
          const funds = { balance: paidIn + promotional, nonRefundableCredited: promotional };
          const funded = paidIn >= fees.openingFee;
          if (!funded) {
            expect(() => requireFunded(fees, funds)).toThrow(DomainError);
            return;
          }
          requireFunded(fees, funds);
          const before = { ...newAccount('t', '2026-11-25'), balance: funds.balance };
          const { account, crossings } = applyMovements(
            before,
            [{ amount: openingFeeEntry(app, fees, '2026-11-25T02:00:00.000Z').amount }],
            REFUSAL_RATE,
          );
          expect(account.owed).toBe(0);
          expect(account.status).toBe('active');
          expect(account.balance).toBe(funds.balance - selectionFee);
          expect(account.balance - promotional).toBeGreaterThanOrEqual(fees.firstTopUp);
          expect(crossings.map((c) => c.kind)).not.toContain('arrears');
        },
      ),
    );
  });

  it('are documented: the decision route answers 402 in the error shape', () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { responses: object }>> };
    expect(doc.paths['/v1/review/applications/{id}/decision']?.post?.responses).toHaveProperty('402');
  });
});
