/**
 * An operator approving again an application approved long ago (a stale review screen, a retried request)
 * must not touch the number once it is held under another application: the number may be another
 * tenant's by now (cancelled, quarantined, released, applied for and approved again).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoActivationStore } from '../../shared/adapters/dynamo/activation-store.js';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { getNumberItem } from '../../shared/adapters/dynamo/number-items.js';
import { createLocalDocuments } from '../../shared/adapters/local/local-documents.js';
import { LocalTelephony } from '../../shared/adapters/local/local-telephony.js';
import { tableName } from '../../shared/config.js';
import { DEFAULT_NUMBERS_CONFIG as config } from '../../shared/domain/numbers/config.js';
import { resetPorts, usePorts } from '../../shared/runtime/ports.js';
import { startTestDatabase, type TestDatabase } from '../support/local-dynamo.js';
import { useLocalNotifier } from '../support/local-notifier.js';
import { activateNumber, approveApplication, importNumbers } from './numbers-support.js';

const NUMBER = '4007333111';
const AT = '2026-11-25T02:00:00.000Z';
let db: TestDatabase;
const docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'stale-approval-')));

beforeAll(async () => {
  db = await startTestDatabase();
  useLocalNotifier();
  usePorts({
    documents: docs,
    telephony: new LocalTelephony(),
  });
  await importNumbers([NUMBER], AT, config);
});
afterAll(async () => {
  resetPorts();
  await db?.stop();
});

describe('a stale approval', () => {
  it("restarts no activation for a number now held under another tenant's application", async () => {
    const first = await activateNumber(NUMBER, 'first-owner', AT, config, docs);
    expect(first.status).toBe('approved');
    // Months later the number is another tenant's, approved, its activation rolled back (awaiting retry).
    const current = await getNumberItem(NUMBER);
    const { accessNumber: _a, phoneNumberId: _p, ...rest } = current as unknown as Record<string, unknown>;
    await dynamo().send(
      new PutCommand({
        TableName: tableName('numbers'),
        Item: {
          ...rest,
          status: 'approved',
          tenantId: 'second-owner',
          applicationId: 'app_second',
          contractId: 'contract_second',
          version: Number(rest.version) + 5,
        },
      }),
    );
    const activationBefore = await dynamoActivationStore().get(NUMBER);
    const again = await approveApplication(
      first.applicationId,
      'operator-2',
      '2027-06-01T02:00:00.000Z',
      config,
    );
    expect(again.status).toBe('approved');
    expect(await getNumberItem(NUMBER)).toMatchObject({
      status: 'approved',
      tenantId: 'second-owner',
      applicationId: 'app_second',
    });
    expect(await dynamoActivationStore().get(NUMBER)).toEqual(activationBefore);
  });
});
