import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { parseBillingMessage } from '../../shared/adapters/sqs/billing-queue.js';
import { inProcessQueue } from '../../shared/adapters/sqs/in-process-queue.js';
import { sqsBillingQueue } from '../../shared/adapters/sqs/sqs-billing-queue.js';
import { type ChargeBatchMessage, planBatches } from '../../shared/domain/billing/run.js';
import type { BillingContract } from '../../shared/domain/billing/types.js';
import { billingContract } from './billing-contract-fixture.js';

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const message = (batchId: string): ChargeBatchMessage => ({
  type: 'billing.charge',
  month: '2026-01',
  batchId,
  tenants: [],
});

function contract(tenantId: string, n: number): BillingContract {
  return billingContract({
    contractId: `c${n}`,
    tenantId,
    number: `400${String(n).padStart(7, '0')}`,
    planId: 'p',
    monthlyRent: 1,
    minimumSpend: 0,
    retentionFee: 0,
  });
}

describe('planBatches', () => {
  it('packs whole tenants into batches of about the size asked, every contract exactly once', () => {
    const contracts = [
      ...Array.from({ length: 7 }, (_, i) => contract('b', i)),
      ...Array.from({ length: 3 }, (_, i) => contract('a', 10 + i)),
      ...Array.from({ length: 12 }, (_, i) => contract('c', 20 + i)),
    ];
    const batches = planBatches('2026-01', contracts, 10);
    expect(batches.map((b) => b.tenants.map((t) => `${t.tenantId}:${t.contracts.length}`))).toEqual([
      ['a:3', 'b:7'],
      ['c:12'],
    ]);
    expect(batches.map((b) => b.batchId)).toEqual(['2026-01:a', '2026-01:c']);
    expect(batches.flatMap((b) => b.tenants.flatMap((t) => t.contracts)).length).toBe(contracts.length);
  });
});

describe('SQS billing queue', () => {
  it('sends in batches of 10 and retries the entries SQS failed', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [{ Id: '3', Code: 'InternalError', SenderFault: false }] })
      .resolves({ Successful: [], Failed: [] });
    const queue = sqsBillingQueue(new SQSClient({ region: 'local' }), 'https://sqs.local/billing', 1);
    await queue.send(Array.from({ length: 12 }, (_, i) => message(`b${i}`)));
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 3);
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls[0]?.Entries).toHaveLength(10);
    expect(calls[1]?.Entries?.map((e) => JSON.parse(e.MessageBody ?? '{}').batchId)).toEqual(['b3']);
    expect(calls[2]?.Entries).toHaveLength(2);
    expect(calls[0]?.QueueUrl).toBe('https://sqs.local/billing');
  });

  it('gives up loudly when SQS keeps refusing', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [], Failed: [{ Id: '0', Code: 'x', SenderFault: false }] });
    const queue = sqsBillingQueue(new SQSClient({ region: 'local' }), 'https://sqs.local/billing', 1);
    await expect(queue.send([message('b0')])).rejects.toThrow(/refused 1 billing messages/);
  });

  it('parses only billing messages', () => {
    expect(parseBillingMessage(JSON.stringify(message('x'))).batchId).toBe('x');
    expect(() => parseBillingMessage('{"type":"other"}')).toThrow();
  });
});

describe('in-process queue', () => {
  it('redelivers reported failures and thrown errors, then dead-letters', async () => {
    const seen: string[] = [];
    let failuresLeft = 2;
    const queue = inProcessQueue(
      async () => async (event: SQSEvent) => {
        const record = event.Records[0];
        const body = JSON.parse(record?.body ?? '{}') as ChargeBatchMessage;
        seen.push(`${body.batchId}@${record?.attributes.ApproximateReceiveCount}`);
        if (body.batchId === 'poison') throw new Error('always fails');
        if (body.batchId === 'flaky' && failuresLeft-- > 0)
          return { batchItemFailures: [{ itemIdentifier: record?.messageId ?? '' }] };
        return { batchItemFailures: [] };
      },
      {},
      { maxReceives: 3 },
    );
    await queue.send([message('ok'), message('flaky'), message('poison')]);
    expect(seen).toEqual(['ok@1', 'flaky@1', 'flaky@2', 'flaky@3', 'poison@1', 'poison@2', 'poison@3']);
    expect(queue.deadLetters.map((m) => m.batchId)).toEqual(['poison']);
    expect(queue.stats).toEqual({ delivered: 7, redelivered: 4 });
  });
});

describe('ledger lines from stored items', async () => {
  const { ledgerLineFromItem } = await import('../../shared/adapters/dynamo/statement-store.js');

  it('reads a call item as the call#<ContactId> entry at what it posted, not its re-rated amount', () => {
    const line = ledgerLineFromItem({
      type: 'call',
      contactId: 'abc',
      amount: 900,
      ledgerAmount: 600,
      endedAt: '2026-01-05T02:00:00.000Z',
      number: '4008000001',
      billedSeconds: 120,
    });
    expect(line).toMatchObject({
      key: 'call#abc',
      kind: 'call',
      amount: -600,
      at: '2026-01-05T02:00:00.000Z',
      number: '4008000001',
      meta: { billedSeconds: 120 },
    });
  });

  it('reads a ledger entry as posted and skips what is not an entry', () => {
    expect(
      ledgerLineFromItem({
        type: 'ledger_entry',
        key: 'k',
        kind: 'call_adjustment',
        amount: -300,
        at: '2026-01-06T00:00:00.000Z',
        description: 'd',
      }),
    ).toMatchObject({ key: 'k', amount: -300 });
    expect(ledgerLineFromItem({ type: 'ledger_entry', key: 'k' })).toBeUndefined();
  });
});

describe('contracts as billing reads them', async () => {
  const { contractFromItem } = await import('../../shared/adapters/dynamo/billing-contracts.js');
  const { withHistory } = await import('../../shared/domain/billing/contracts.js');
  const item = {
    pk: 'NUM#4008123456',
    sk: 'CONTRACT#ct_1',
    tenantId: 't1',
    planId: 'business',
    monthlyRent: 26_400,
    minimumSpend: 10_000,
    retentionFee: 1_500,
    termStart: '2025-01-16',
    termEnd: '2026-01-16',
    serviceFrom: '2025-01-16',
    autoRenew: true,
    suspensions: [{ from: '2025-03-01', to: '2025-04-01' }],
    priceChanges: { '2025-06-01': { monthlyRent: 30_000 } },
  };

  it('maps the numbers capability’s contract item, with defaults for what it leaves out', () => {
    expect(contractFromItem(item, 'Asia/Shanghai')).toMatchObject({
      contractId: 'ct_1',
      number: '4008123456',
      slaThresholdMinutes: 120,
      termMonths: 12,
      timeZone: 'Asia/Shanghai',
      valueAdded: [],
      suspensions: [{ from: '2025-03-01', to: '2025-04-01' }],
      priceChanges: [{ effectiveFrom: '2025-06-01', monthlyRent: 30_000 }],
    });
    expect(contractFromItem({ ...item, tenantId: undefined }, 'Asia/Shanghai')).toBeUndefined();
    // Instants are read as local dates in the contract's zone.
    expect(
      contractFromItem({ ...item, serviceFrom: '2025-01-15T16:30:00.000Z' }, 'Asia/Shanghai')?.serviceFrom,
    ).toBe('2025-01-16');
  });

  it('bills nothing of a contract never in service: pending (approved, not active) or void (withdrawn)', () => {
    // Without the status, termStart would stand in for the start of service and rent would be charged.
    const { serviceFrom: _s, ...approvedOnly } = item;
    expect(contractFromItem(approvedOnly, 'Asia/Shanghai')?.serviceFrom).toBe('2025-01-16');
    expect(contractFromItem({ ...approvedOnly, status: 'pending' }, 'Asia/Shanghai')).toBeUndefined();
    expect(
      contractFromItem(
        { ...approvedOnly, status: 'void', voidedAt: '2025-02-01T02:00:00.000Z' },
        'Asia/Shanghai',
      ),
    ).toBeUndefined();
  });

  it('adds suspensions and the end of service from the number history, ignoring an earlier tenure', () => {
    const contract = contractFromItem({ ...item, suspensions: [] }, 'Asia/Shanghai');
    if (!contract) throw new Error('unmapped');
    const merged = withHistory(contract, [
      { at: '2024-05-01T00:00:00.000Z', from: 'active', to: 'suspended' }, // before this contract
      { at: '2025-06-30T18:00:00.000Z', from: 'active', to: 'suspended' }, // 07-01 02:00 local
      { at: '2025-07-15T02:00:00.000Z', from: 'suspended', to: 'active' },
      { at: '2025-09-09T02:00:00.000Z', from: 'cancellation_requested', to: 'cancelled' },
    ]);
    // 07-01 gave service until 02:00: the first wholly suspended day is 07-02.
    expect(merged.suspensions).toEqual([{ from: '2025-07-02', to: '2025-07-15' }]);
    expect(merged.serviceTo).toBe('2025-09-09');
  });
});
