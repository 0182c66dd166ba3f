import { describe, expect, it } from 'vitest';
import { reconcilePayments } from '../../shared/app/payments/reconcile-payments.js';
import type { StatementLine } from '../../shared/domain/payments/payments.js';
import type { PaymentStore, PaymentsPort } from '../../shared/ports/payments.js';

const NOW = new Date('2027-03-02T19:00:00Z');

function fakes(statement: Record<string, StatementLine[] | Error>, recorded: StatementLine[]) {
  const saved = new Map<string, string>();
  const alerts: string[] = [];
  const store = {
    recordedPayments: async () => recorded,
    saveReconciliation: async (channel: string, day: string, differences: readonly unknown[]) => {
      const key = `${channel}#${day}`;
      const digest = JSON.stringify(differences);
      if (saved.get(key) === digest) return false;
      saved.set(key, digest);
      return true;
    },
  } as unknown as PaymentStore;
  const payments = {
    provider: async (channel: string) => ({
      statement: async () => {
        const lines = statement[channel];
        if (lines instanceof Error) throw lines;
        return lines ?? [];
      },
    }),
  } as unknown as PaymentsPort;
  const monitor = {
    notificationRejected: () => undefined,
    reconciliationDifferences: (channel: string, day: string, n: number) =>
      alerts.push(`${channel} ${day} ${n}`),
  };
  return { deps: { store, payments, monitor }, alerts };
}

describe('daily reconciliation', () => {
  it('alerts once per result, and reconciles the other channels when one statement is unavailable', async () => {
    const { deps, alerts } = fakes(
      {
        alipay: [{ orderId: 'P1', tradeNo: 'T1', amount: 500 }],
        wechat_pay: new Error('statement not ready'),
      },
      [],
    );
    const run = () =>
      reconcilePayments(deps, { day: '2027-03-02', channels: ['alipay', 'wechat_pay'], now: NOW });
    const first = await run();
    expect(first[0]).toMatchObject({
      channel: 'alipay',
      recordedNow: true,
      differences: [{ kind: 'missing', orderId: 'P1' }],
    });
    expect(first[1]).toMatchObject({ channel: 'wechat_pay', error: 'Error: statement not ready' });
    expect(alerts).toEqual(['alipay 2027-03-02 1']);
    const second = await run();
    expect(second[0]?.recordedNow).toBe(false);
    expect(alerts).toHaveLength(1);
  });
});
