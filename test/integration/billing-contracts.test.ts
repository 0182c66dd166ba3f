import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { sweepContractTerms } from '../../shared/app/billing/sweep-contract-terms.js';
import { tableName } from '../../shared/config.js';
import type { Notification } from '../../shared/ports/notifications.js';
import { billingStores } from '../../shared/runtime/billing.js';
import { numberCancellations } from '../../shared/runtime/number-cancellations.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { seedContract } from '../support/billing-fixtures.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';

const ZONE = 'Asia/Shanghai';
let db: TestDatabase;
const sent: Notification[] = [];
const notifications = {
  publish: async (n: Notification) => {
    sent.push(n);
    return { messageId: String(sent.length) };
  },
};
const sweep = (at: string) =>
  sweepContractTerms(
    { contracts: billingStores.contracts, numbers: numberCancellations, notifications },
    at,
    ZONE,
  );

async function numberItem(number: string, tenantId: string) {
  await dynamo().send(
    new PutCommand({
      TableName: tableName('numbers'),
      Item: {
        pk: `NUM#${number}`,
        sk: 'NUMBER',
        type: 'number',
        number,
        segment: number.slice(0, 4),
        tier: 'standard',
        tierRank: 6,
        selectionFee: 0,
        status: 'active',
        tenantId,
        contractId: `c-${number}`,
        version: 3,
        importedAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2025-01-01T00:00:00.000Z',
        gsi2pk: `TENANT#${tenantId}#numbers`,
        gsi2sk: number,
      },
    }),
  );
}

const contract = async (number: string) =>
  (
    await dynamo().send(
      new GetCommand({
        TableName: tableName('numbers'),
        Key: { pk: `NUM#${number}`, sk: `CONTRACT#c-${number}` },
      }),
    )
  ).Item;
const number = async (n: string) =>
  (
    await dynamo().send(
      new GetCommand({ TableName: tableName('numbers'), Key: { pk: `NUM#${n}`, sk: 'NUMBER' } }),
    )
  ).Item;

beforeAll(async () => {
  db = await startTestDatabase();
  usePorts({ notifications: { publish: async () => ({ messageId: 'numbers-effect' }) } });
  await seedContract({
    tenantId: 'renews',
    number: '4008111111',
    serviceFrom: '2025-03-16',
    termEnd: '2026-03-16',
    autoRenew: true,
  });
  await seedContract({
    tenantId: 'leaves',
    number: '4008222222',
    serviceFrom: '2025-03-16',
    termEnd: '2026-03-16',
    autoRenew: false,
  });
  await seedContract({
    tenantId: 'later',
    number: '4008333333',
    serviceFrom: '2025-09-01',
    termEnd: '2026-09-01',
  });
  await numberItem('4008222222', 'leaves');
});
afterAll(async () => {
  resetPorts();
  await db.stop();
});

describe('contract terms sweep', () => {
  it('does nothing before the notice window', async () => {
    const result = await sweep('2026-02-12T17:00:00.000Z'); // 02-13 local
    expect(result).toMatchObject({ today: '2026-02-13', notices: 0, renewed: 0, ended: 0 });
    expect(sent).toHaveLength(0);
  });

  it('notices both 30 days ahead, once, and starts the cancellation of the one that does not renew', async () => {
    const at = '2026-02-13T17:00:00.000Z'; // 2026-02-14 01:00 Shanghai = 30 days before 03-16
    const [first, second] = await Promise.all([sweep(at), sweep(at)]);
    expect(first.notices + second.notices).toBeGreaterThanOrEqual(2);
    await sweep('2026-02-20T17:00:00.000Z');
    const keys = new Set(sent.map((n) => n.dedupeKey));
    expect([...keys].sort()).toEqual([
      'contract-notice#c-4008111111#2026-03-16',
      'contract-notice#c-4008222222#2026-03-16',
    ]);
    expect(sent.find((n) => n.tenantId === 'renews')).toMatchObject({
      template: 'contract_renews',
      params: { number: '4008111111', term_end: '2026-03-16' },
    });
    expect(sent.find((n) => n.tenantId === 'leaves')).toMatchObject({
      template: 'contract_ends',
      params: { number: '4008222222', term_end: '2026-03-16' },
    });
    expect(await number('4008222222')).toMatchObject({
      status: 'cancellation_requested',
      cancellationEffectiveAt: '2026-03-15T17:00:00.000Z',
    });
    expect((await contract('4008111111'))?.noticeSentFor).toBe('2026-03-16');
  });

  it('renews on the day, once, and keeps the plan', async () => {
    const before = await contract('4008111111');
    await sweep('2026-03-15T17:00:00.000Z');
    const after = await contract('4008111111');
    expect(after).toMatchObject({
      termStart: '2026-03-16',
      termEnd: '2027-03-16',
      planId: before?.planId,
      monthlyRent: before?.monthlyRent,
      gsi3sk: '2027-03-16#4008111111#c-4008111111',
      version: (before?.version as number) + 1,
    });
    await sweep('2026-03-16T05:00:00.000Z');
    expect(await contract('4008111111')).toEqual(after);
    expect((await contract('4008333333'))?.termEnd).toBe('2026-09-01');
  });
});

describe('tariff versions', async () => {
  const { applyTariffVersions } = await import('../../shared/app/billing/apply-tariff-versions.js');
  const { scheduleTariff } = await import('../../shared/app/billing/schedule-tariff.js');
  const schedule = (version: { scheduledAt: string } & Parameters<typeof scheduleTariff>[1]) =>
    scheduleTariff(billingStores, version, {
      scheduledBy: 'op',
      now: new Date(version.scheduledAt),
      zone: ZONE,
    });
  // No routing snapshot here: the call-setup rates are routing's tests' subject.
  const refreshCallRates = async () => ({ snapshots: 0, givenSteps: 0, scanSkipped: false });
  const announceTariffs = (at: string) =>
    applyTariffVersions({ ...billingStores, notifications, refreshCallRates }, at, ZONE);
  const { monthlyCharges } = await import('../../shared/domain/billing/charges.js');

  it('copies a scheduled version onto its plan contracts and notifies each tenant once', async () => {
    const version = {
      planId: 'business',
      effectiveFrom: '2026-05-01',
      monthlyRent: 30_000,
      description: 'new rent',
      scheduledAt: '2026-03-20T02:00:00.000Z',
    };
    expect((await schedule(version)).created).toBe(true);
    expect((await schedule(version)).created).toBe(false);
    await expect(schedule({ ...version, monthlyRent: 1 })).rejects.toMatchObject({
      code: 'tariff_exists',
    });
    const before = sent.length;
    const first = await announceTariffs('2026-03-20T18:00:00.000Z');
    expect(first).toMatchObject({ versions: 1, contractsUpdated: 3 });
    const again = await announceTariffs('2026-03-21T18:00:00.000Z');
    expect(again.versions).toBe(0);
    const tariffNotices = sent.slice(before).filter((n) => n.kind === 'tariff_notice');
    expect(tariffNotices.map((n) => n.tenantId).sort()).toEqual(['later', 'leaves', 'renews']);
    expect((await billingStores.tariffs.list())[0]).toMatchObject({ noticeState: 'done' });
    const renews = (await billingStores.contracts.all(ZONE)).find((c) => c.tenantId === 'renews');
    expect(renews?.priceChanges).toEqual([{ effectiveFrom: '2026-05-01', monthlyRent: 30_000 }]);
    if (!renews) throw new Error('contract missing');
    expect(
      monthlyCharges({ contract: renews, month: '2026-04', incidents: [] }).find(
        (c) => c.kind === 'monthly_rent',
      )?.amount,
    ).toBe(-20_000);
    expect(
      monthlyCharges({ contract: renews, month: '2026-05', incidents: [] }).find(
        (c) => c.kind === 'monthly_rent',
      )?.amount,
    ).toBe(-30_000);
  });
});
