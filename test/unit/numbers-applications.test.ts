import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actorForTenant } from '../../shared/domain/numbers/application.js';
import {
  APPLICANT_TYPES,
  type ApplicationFacts,
  contractTerms,
  INDUSTRIES,
  missingItems,
  REGULATED_INDUSTRIES,
  requiredDocuments,
  restrictionsFor,
  validateRejection,
} from '../../shared/domain/numbers/applications.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { historyOf } from '../../shared/domain/numbers/number-view.js';

const facts = (f: Partial<ApplicationFacts>): ApplicationFacts => ({
  applicantType: 'enterprise',
  industry: 'retail',
  filedByAgent: false,
  ...f,
});

describe('required documents', () => {
  it.each([
    [facts({}), ['business_licence', 'legal_representative_id']],
    [
      facts({ filedByAgent: true }),
      ['business_licence', 'legal_representative_id', 'agent_id', 'authorization_letter'],
    ],
    [
      facts({ applicantType: 'individual_business' }),
      ['business_licence', 'legal_representative_id', 'capital_or_tax_proof'],
    ],
    [facts({ applicantType: 'individual' }), ['id_card', 'income_proof']],
    [
      facts({ applicantType: 'individual', industry: 'medical' }),
      ['id_card', 'income_proof', 'industry_licence'],
    ],
    [
      facts({ industry: 'finance', filedByAgent: true }),
      ['business_licence', 'legal_representative_id', 'agent_id', 'authorization_letter', 'industry_licence'],
    ],
  ])('%o needs %o', (f, expected) => {
    expect(requiredDocuments(f)).toEqual(expected);
  });

  it('an application with every required document uploaded and in date is complete; removing any one is not', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...APPLICANT_TYPES),
        fc.constantFrom(...INDUSTRIES),
        fc.boolean(),
        (applicantType, industry, filedByAgent) => {
          const f = facts({ applicantType, industry, filedByAgent });
          const required = requiredDocuments(f);
          const docs = required.map((kind) => ({ kind, uploaded: true, expiresOn: '2030-01-01' }));
          expect(missingItems(f, docs, '2026-11-25')).toEqual([]);
          expect(required.includes('industry_licence')).toBe(REGULATED_INDUSTRIES.has(industry));
          for (const dropped of required) {
            const missing = missingItems(
              f,
              docs.filter((d) => d.kind !== dropped),
              '2026-11-25',
            );
            expect(missing).toEqual([{ item: dropped, reason: 'missing' }]);
          }
        },
      ),
    );
  });

  it('wants licences dated and in date, and files actually uploaded', () => {
    const f = facts({});
    expect(
      missingItems(
        f,
        [
          { kind: 'business_licence', uploaded: true },
          { kind: 'legal_representative_id', uploaded: false },
        ],
        '2026-11-25',
      ),
    ).toEqual([
      { item: 'business_licence', reason: 'expiry_date_required' },
      { item: 'legal_representative_id', reason: 'not_uploaded' },
    ]);
    const expired = [
      { kind: 'business_licence' as const, uploaded: true, expiresOn: '2026-11-24' },
      { kind: 'legal_representative_id' as const, uploaded: true },
    ];
    expect(missingItems(f, expired, '2026-11-25')).toEqual([{ item: 'business_licence', reason: 'expired' }]);
    expect(missingItems(f, expired, '2026-11-24')).toEqual([]);
  });
});

describe('review and contract rules', () => {
  it('needs a reason, and a text for "other"', () => {
    expect(() => validateRejection({ reasons: [] })).toThrow(expect.objectContaining({ field: 'reasons' }));
    expect(() => validateRejection({ reasons: ['other'] })).toThrow(
      expect.objectContaining({ field: 'text' }),
    );
    expect(() => validateRejection({ reasons: ['other'], text: '  ' })).toThrow(
      expect.objectContaining({ field: 'text' }),
    );
    expect(() => validateRejection({ reasons: ['expired_licence'] })).not.toThrow();
  });

  it('restricts individuals only', () => {
    expect(restrictionsFor('individual')).toEqual({
      noMultiLevelTransfer: true,
      recordingAnnouncementRequired: true,
    });
    expect(restrictionsFor('enterprise')).toEqual({
      noMultiLevelTransfer: false,
      recordingAnnouncementRequired: false,
    });
  });

  it('builds terms from the segment plan, with at least the minimum term', () => {
    const terms = contractTerms('4008', 'business', 24, false, 98_800, config);
    expect(terms).toMatchObject({
      monthlyRent: config.tariffs['4008'].plans[1]?.monthlyRent,
      termMonths: 24,
      autoRenew: false,
      openingFee: 98_800 + config.firstTopUp,
      noticeDays: config.cancellationNoticeDays,
    });
    expect(() => contractTerms('4008', 'business', 11, true, 0, config)).toThrow(
      expect.objectContaining({ field: 'termMonths' }),
    );
    expect(() => contractTerms('4008', 'gold-plan', 12, true, 0, config)).toThrow(
      expect.objectContaining({ field: 'planId' }),
    );
  });
});

describe('what tenants see of who acted (issue 15)', () => {
  const row = (command: string, actor: string) =>
    ({ at: '2026-03-02T02:00:00Z', from: 'active', to: 'active', command, actor, tenantId: 'acme' }) as const;

  it('shows the tenant itself, "system" for jobs, payments and the system, and "operator" for anyone else', () => {
    expect(actorForTenant('acme', 'acme')).toBe('acme');
    expect(actorForTenant('system', 'acme')).toBe('system');
    expect(actorForTenant('job:number-arrears', 'acme')).toBe('system');
    expect(actorForTenant('payment', 'acme')).toBe('system');
    expect(actorForTenant('6f1c2a9e-operator-sub', 'acme')).toBe('operator');
  });

  it('number histories hide operators and jobs, keep the transfer recipient the owner chose', () => {
    const history = historyOf(
      [
        row('reserve', 'acme'),
        row('approve', 'ops-user-7'),
        row('sweep_arrears', 'job:number-arrears'),
        row('accept_transfer', 'globex'),
        { ...row('reserve', 'globex'), tenantId: 'globex' },
      ],
      'acme',
    );
    expect(history.map((h) => `${h.command}:${h.actor}`)).toEqual([
      'reserve:acme',
      'approve:operator',
      'sweep_arrears:system',
      'accept_transfer:globex',
    ]);
  });
});
