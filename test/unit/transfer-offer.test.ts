/** Which qualification counts for which transfer offer (shared/domain/numbers/transfer-offer.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApplicationRecord } from '../../shared/domain/numbers/application.js';
import { APPLICATION_STATUSES } from '../../shared/domain/numbers/applications.js';
import {
  isOfferCurrent,
  isQualificationFor,
  isWithdrawnByOfferEnd,
  type OfferEnd,
  offerOf,
  withdrawnForOfferEnd,
} from '../../shared/domain/numbers/transfer-offer.js';

const instant = fc
  .integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2028-01-01T00:00:00Z') })
  .map((ms) => new Date(ms).toISOString());
const offerId = fc.constantFrom('offer_a', 'offer_b', 'offer_c');

describe('transfer offers and their qualifications', () => {
  it('a qualification naming an offer counts for that offer only, whenever it was created', () => {
    fc.assert(
      fc.property(offerId, offerId, instant, instant, (filedFor, current, createdAt, offeredAt) => {
        const counts = isQualificationFor(
          { transferOfferId: filedFor, createdAt },
          { offerId: current, offeredAt },
        );
        expect(counts).toBe(filedFor === current);
      }),
    );
  });

  it('one written before offers had ids counts only if created strictly after the offer was made', () => {
    fc.assert(
      fc.property(
        fc.option(offerId, { nil: undefined }),
        instant,
        instant,
        (current, createdAt, offeredAt) => {
          const offer = { ...(current ? { offerId: current } : {}), offeredAt };
          expect(isQualificationFor({ createdAt }, offer)).toBe(
            Date.parse(createdAt) > Date.parse(offeredAt),
          );
        },
      ),
    );
    const offeredAt = '2026-12-03T02:00:00.000Z';
    expect(isQualificationFor({ createdAt: offeredAt }, { offerId: 'offer_a', offeredAt })).toBe(false);
    expect(isQualificationFor({ createdAt: '2026-12-03T02:00:00.001Z' }, { offeredAt })).toBe(true);
  });

  it('an offer made before offers had ids is dated by its number’s last update', () => {
    expect(offerOf({ updatedAt: '2026-12-05T00:00:00.000Z' })).toEqual({
      offeredAt: '2026-12-05T00:00:00.000Z',
    });
    expect(
      offerOf({
        transferOfferId: 'offer_a',
        transferOfferedAt: '2026-12-01T00:00:00.000Z',
        updatedAt: '2026-12-05T00:00:00.000Z',
      }),
    ).toEqual({ offerId: 'offer_a', offeredAt: '2026-12-01T00:00:00.000Z' });
  });

  it('an offer is current for a qualification while the number waits for its tenant under that offer', () => {
    const app = { tenantId: 'bravo', transferOfferId: 'offer_a', createdAt: '2026-12-02T00:00:00.000Z' };
    const pending = {
      status: 'transfer_pending',
      transferTo: 'bravo',
      transferOfferId: 'offer_a',
      transferOfferedAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-01T00:00:00.000Z',
    } as const;
    expect(isOfferCurrent(app, pending)).toBe(true);
    expect(isOfferCurrent(app, { ...pending, transferOfferId: 'offer_b' })).toBe(false);
    expect(isOfferCurrent(app, { ...pending, transferTo: 'charlie' })).toBe(false);
    expect(isOfferCurrent(app, { ...pending, status: 'active' })).toBe(false);
    expect(isOfferCurrent(app, undefined)).toBe(false);
  });

  it('an offer’s end withdraws its open qualifications and the approvals it left unused, nothing else', () => {
    const ends: OfferEnd[] = ['withdrawn_by_owner', 'declined', 'accepted'];
    const withdrawnBy = (
      status: (typeof APPLICATION_STATUSES)[number],
      end: OfferEnd,
      filedFor: string | null = 'offer_a',
      usedApplicationId: string | null = 'app_used',
      applicationId = 'app_other',
    ) =>
      isWithdrawnByOfferEnd(
        { applicationId, status, ...(filedFor ? { transferOfferId: filedFor } : {}) },
        { offerId: 'offer_a', end, ...(usedApplicationId ? { usedApplicationId } : {}) },
      );
    // Whichever way it ended: drafts, submitted and rejected ones go; withdrawn ones stay as they are.
    for (const end of ends) {
      expect(['draft', 'submitted', 'rejected'].map((s) => withdrawnBy(s as 'draft', end))).toEqual([
        true,
        true,
        true,
      ]);
      expect(withdrawnBy('withdrawn', end)).toBe(false);
      // Another offer's qualification, or one written before offers had ids, whatever its status.
      for (const status of APPLICATION_STATUSES) {
        expect(withdrawnBy(status, end, 'offer_b')).toBe(false);
        expect(withdrawnBy(status, end, null)).toBe(false);
      }
    }
    // An approval goes when the offer was withdrawn or declined, and when another approval was accepted with.
    expect(withdrawnBy('approved', 'withdrawn_by_owner')).toBe(true);
    expect(withdrawnBy('approved', 'declined')).toBe(true);
    expect(withdrawnBy('approved', 'accepted')).toBe(true);
    // The approval accepted with stays, and so does every approval when the end does not say which was used.
    expect(withdrawnBy('approved', 'accepted', 'offer_a', 'app_used', 'app_used')).toBe(false);
    expect(withdrawnBy('approved', 'accepted', 'offer_a', null)).toBe(false);
    // A draft is withdrawn even when the end names no approval.
    expect(withdrawnBy('draft', 'accepted', 'offer_a', null)).toBe(true);
  });

  it('a qualification withdrawn for its offer’s end says so on its trail, by the system', () => {
    const app = {
      status: 'submitted',
      version: 3,
      events: [{ at: '2026-12-02T00:00:00.000Z', event: 'created', by: 'bravo' }],
      draftExpiresAt: '2026-12-09T00:00:00.000Z',
    } as unknown as ApplicationRecord;
    const withdrawn = withdrawnForOfferEnd(app, 'declined', '2026-12-04T02:00:00.000Z');
    expect(withdrawn).toMatchObject({ status: 'withdrawn', version: 4 });
    expect(withdrawn).not.toHaveProperty('draftExpiresAt');
    expect(withdrawn.events.at(-1)).toEqual({
      at: '2026-12-04T02:00:00.000Z',
      event: 'withdrawn',
      by: 'system',
      reasons: ['offer_ended'],
      text: 'you declined the transfer offer this application was filed for',
    });
  });
});
