/**
 * Issue 13 item 1, for a prospect: a quote lists the changes stored tariff versions already schedule for the
 * quoted plan (only the prices each changes), and the contract an approval writes carries the same rent,
 * minimum-spend and retention changes. Figures by hand from shared/domain/numbers/config.ts (4008 basic rent
 * 8,800; business rent 26,400, minimum spend 10,000) and default-tariff.ts (4008 basic 15/30).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TariffVersion } from '../../shared/domain/billing/tariffs.js';
import { contractFor, draftApplication } from '../../shared/domain/numbers/application.js';
import { configInForce, DEFAULT_NUMBERS_CONFIG } from '../../shared/domain/numbers/config.js';
import { planQuote } from '../../shared/domain/numbers/quote.js';
import { DEFAULT_TARIFF } from '../../shared/domain/rating/default-tariff.js';
import { tariffAt } from '../../shared/domain/rating/tariff-at.js';

const scheduledAt = '2026-10-20T00:00:00Z';
// Tuesday 1 December 2026, 10:00 Shanghai.
const now = Date.parse('2026-12-01T02:00:00Z');
const configAt = (versions: TariffVersion[], at = now) =>
  configInForce(DEFAULT_NUMBERS_CONFIG, tariffAt(DEFAULT_TARIFF, versions, at), versions, at);

const versions: TariffVersion[] = [
  // In force from today: quoted as the rent now, not as a change.
  { planId: 'basic', effectiveFrom: '2026-12-01', monthlyRent: 8_900, description: 'd', scheduledAt },
  {
    planId: 'basic',
    effectiveFrom: '2027-01-01',
    monthlyRent: 9_500,
    rates: { '4008': { localPerMinute: 15, longDistancePerMinute: 33 } },
    description: 'dearer basic',
    scheduledAt,
  },
  {
    planId: 'business',
    effectiveFrom: '2027-02-01',
    minimumSpend: 12_000,
    rates: { '4006': { localPerMinute: 12, longDistancePerMinute: 24 } },
    description: 'business minimum',
    scheduledAt,
  },
];

describe('scheduledChanges in a quote', () => {
  it('lists the later versions of the plan, with only the prices they change', () => {
    const config = configAt(versions);
    expect(planQuote(config, '4008', 'basic')).toMatchObject({
      monthlyRent: 8_900,
      perMinute: { localPerMinute: 15, longDistancePerMinute: 30 },
      scheduledChanges: [
        {
          effectiveFrom: '2027-01-01',
          monthlyRent: 9_500,
          perMinute: { localPerMinute: 15, longDistancePerMinute: 33 },
        },
      ],
    });
    // The 4006 rates are not 4008's: a 4008 business quote shows only the new minimum spend.
    expect(planQuote(config, '4008', 'business')?.scheduledChanges).toEqual([
      { effectiveFrom: '2027-02-01', minimumMonthlySpend: 12_000 },
    ]);
    expect(planQuote(config, '4006', 'business')?.scheduledChanges).toEqual([
      {
        effectiveFrom: '2027-02-01',
        minimumMonthlySpend: 12_000,
        perMinute: { localPerMinute: 12, longDistancePerMinute: 24 },
      },
    ]);
    expect(planQuote(config, '4008', 'enterprise')?.scheduledChanges).toEqual([]);
  });

  it('lists nothing once the change is in force: on 1 January 2027 basic is quoted 9,500 and 33', () => {
    const config = configAt(versions, Date.parse('2026-12-31T16:00:00Z'));
    expect(planQuote(config, '4008', 'basic')).toMatchObject({
      monthlyRent: 9_500,
      perMinute: { longDistancePerMinute: 33 },
      scheduledChanges: [],
    });
  });

  it('discloses exactly the price changes the contract approved at the same instant carries', () => {
    const month = fc.constantFrom('2026-12-01', '2027-01-01', '2027-02-01', '2027-03-01', '2027-06-01');
    const fee = fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined });
    const version = fc.record({
      planId: fc.constantFrom('basic', 'business'),
      effectiveFrom: month,
      monthlyRent: fee,
      minimumSpend: fee,
      retentionFee: fee,
    });
    fc.assert(
      fc.property(fc.uniqueArray(version, { selector: (v) => `${v.planId}#${v.effectiveFrom}` }), (drawn) => {
        const stored = drawn.map(
          (v) =>
            Object.fromEntries(
              Object.entries({ ...v, description: 'd', scheduledAt }).filter(([, x]) => x !== undefined),
            ) as unknown as TariffVersion,
        );
        const config = configAt(stored);
        const input = {
          number: '4008123456',
          applicantType: 'enterprise' as const,
          applicantName: 'Prospect Co',
          industry: 'education' as const,
          intendedUsage: 'enquiries',
          expectedMonthlyMinutes: 100,
          planId: 'basic',
        };
        const app = draftApplication(
          'app_1',
          't1',
          input,
          { segment: '4008', selectionFee: 0 },
          '2026-12-01T02:00:00Z',
          config,
        );
        const contract = contractFor(app, '2026-12-01T02:00:00Z', config);
        const disclosed = (planQuote(config, '4008', 'basic')?.scheduledChanges ?? []).map((c) => [
          c.effectiveFrom,
          {
            ...(c.monthlyRent !== undefined ? { monthlyRent: c.monthlyRent } : {}),
            ...(c.minimumMonthlySpend !== undefined ? { minimumSpend: c.minimumMonthlySpend } : {}),
            ...(c.retentionFeePerMonth !== undefined ? { retentionFee: c.retentionFeePerMonth } : {}),
          },
        ]);
        expect(contract.priceChanges ?? {}).toEqual(Object.fromEntries(disclosed));
      }),
    );
  });
});
