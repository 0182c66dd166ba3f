/**
 * A bank-transfer refund's failure over HTTP on the local runtime, with two operator tokens: above the credit
 * approval amount (¥10,000 by default) one operator's "failed" only proposes it, the proposer cannot confirm
 * it, and a second operator's confirmation puts the money back on the balance, once; both steps audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capability as money } from '../../infra/local/capabilities/money.js';
import { capability as payments } from '../../infra/local/capabilities/payments.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';

const TENANT = 'settle-t1';
let api: LocalApi;
const tokens = {} as Record<'admin' | 'op1' | 'op2', string>;

beforeAll(async () => {
  api = await startLocalApi({ capabilities: [money, payments], clockAt: '2026-11-23T00:00:00Z' });
  tokens.admin = await api.token(TENANT, ['tenant-admin']);
  tokens.op1 = (
    await api.request('POST', '/local/tokens', { body: { roles: ['operator'], subject: 'op-first' } })
  ).body.token as string;
  tokens.op2 = (
    await api.request('POST', '/local/tokens', { body: { roles: ['operator'], subject: 'op-second' } })
  ).body.token as string;
});
afterAll(async () => {
  await api?.stop();
});

const balance = async () => (await api.get('/v1/account', tokens.admin)).body.balance as number;

describe('a bank-transfer refund failure above the approval amount', () => {
  it('takes two operators, and the confirmation alone gives the money back, once', async () => {
    // The tenant pays 1,500,000 fen (¥15,000) by bank transfer; two operators record it.
    const order = await api.request('POST', '/v1/payments', {
      token: tokens.admin,
      body: { amount: 1_500_000, channel: 'bank_transfer' },
      headers: { 'idempotency-key': 'settle-order-0001' },
    });
    expect(order.status).toBe(201);
    const credit = await api.request('POST', `/v1/accounts/${TENANT}/credits`, {
      token: tokens.op1,
      body: {
        kind: 'bank_transfer',
        amount: 1_500_000,
        reason: 'transfer received',
        reference: order.body.transferReference,
      },
      headers: { 'idempotency-key': 'settle-credit-0001' },
    });
    expect(credit.status).toBe(202);
    const approved = await api.request('POST', `/v1/accounts/${TENANT}/credits/settle-credit-0001/approval`, {
      token: tokens.op2,
    });
    expect(approved.status).toBe(201);
    expect(await balance()).toBe(1_500_000);

    // It asks 1,200,000 back: 300,000 stays on the balance while finance pays it out.
    const refund = await api.request('POST', '/v1/refunds', {
      token: tokens.admin,
      body: { amount: 1_200_000 },
      headers: { 'idempotency-key': 'settle-refund-0001' },
    });
    expect(refund.status).toBe(202);
    const refundId = refund.body.refunds[0].refundId as string;
    expect(await balance()).toBe(300_000);

    const proposed = await api.request('POST', `/v1/refunds/${refundId}/settlement`, {
      token: tokens.op1,
      body: { succeeded: false, reason: 'returned by the bank: account closed' },
    });
    expect(proposed.status).toBe(202);
    expect(proposed.body).toMatchObject({
      outcome: 'proposed',
      refund: { status: 'pending', failureProposal: { reason: 'returned by the bank: account closed' } },
    });
    expect(await balance()).toBe(300_000);

    const confirmation = `/v1/refunds/${refundId}/settlement/confirmation`;
    const malformed = await api.request('POST', '/v1/refunds/not-a-refund/settlement/confirmation', {
      token: tokens.op2,
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.field).toBe('refundId');
    const unknown = await api.request('POST', `/v1/refunds/R${'0'.repeat(24)}/settlement/confirmation`, {
      token: tokens.op2,
    });
    expect(unknown.status).toBe(404);
    const byTenant = await api.request('POST', confirmation, { token: tokens.admin });
    expect(byTenant.status).toBe(403);
    const byProposer = await api.request('POST', confirmation, { token: tokens.op1 });
    expect(byProposer.status).toBe(403);
    expect(byProposer.body.error.code).toBe('second_operator_required');
    expect(await balance()).toBe(300_000);

    const confirmed = await api.request('POST', confirmation, { token: tokens.op2 });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body).toMatchObject({ outcome: 'settled', refund: { status: 'failed' } });
    // 300,000 + 1,200,000 returned.
    expect(await balance()).toBe(1_500_000);
    const again = await api.request('POST', confirmation, { token: tokens.op2 });
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('duplicate');
    expect(await balance()).toBe(1_500_000);

    // Every step is in the audit trail, with who did it (all at the same test-clock instant: sorted here).
    const trail = await api.get(`/v1/audit-events?tenantId=${TENANT}`, tokens.op2);
    const steps = trail.body.items
      .filter((e: { routeId: string }) => ['settleRefund', 'confirmRefundFailure'].includes(e.routeId))
      .map((e: { routeId: string; status: number; actor: { sub: string }; after: object }) => ({
        routeId: e.routeId,
        status: e.status,
        sub: e.actor.sub,
        after: e.after,
      }))
      .sort((a: { status: number }, b: { status: number }) => a.status - b.status);
    expect(steps).toEqual([
      {
        routeId: 'confirmRefundFailure',
        status: 200,
        sub: 'op-second',
        after: { succeeded: false, outcome: 'duplicate', proposedBy: 'op-first' },
      },
      {
        routeId: 'confirmRefundFailure',
        status: 201,
        sub: 'op-second',
        after: { succeeded: false, outcome: 'settled', proposedBy: 'op-first' },
      },
      {
        routeId: 'settleRefund',
        status: 202,
        sub: 'op-first',
        after: { succeeded: false, outcome: 'proposed' },
      },
    ]);
  });
});
