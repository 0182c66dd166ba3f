/**
 * For e2e tests that start the local runtime empty (`startLocalApi({ seed: false })`): the items the numbers,
 * routing and ledger capabilities write for a tenant's active number, put directly.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../shared/adapters/dynamo/client.js';
import { tableName } from '../../shared/config.js';

export async function putItem(table: 'numbers' | 'routing' | 'ledger', item: Record<string, unknown>) {
  await dynamo().send(new PutCommand({ TableName: tableName(table), Item: item }));
}

export interface SeededLine {
  readonly tenantId: string;
  readonly number: string;
  /** The Connect access number it is bound to. */
  readonly access: string;
  /** The account's fields beyond its keys, version 1 and a zero low-balance threshold. */
  readonly account: Record<string, unknown>;
  /** The routing snapshot activation writes (default true). */
  readonly snapshot?: boolean;
}

/** An active number of `tenantId` bound to `access`, its routing snapshot and the tenant's account. */
export async function seedActiveLine(line: SeededLine): Promise<void> {
  const { tenantId, number, access } = line;
  await putItem('numbers', {
    pk: `NUM#${number}`,
    sk: 'NUMBER',
    type: 'number',
    number,
    segment: '4008',
    status: 'active',
    tenantId,
    accessNumber: access,
    phoneNumberId: `pn-${number}`,
    version: 1,
    // The owner's index, as the number store writes it (its numbers: deleting a prompt checks each).
    gsi2pk: `TENANT#${tenantId}#numbers`,
    gsi2sk: number,
  });
  if (line.snapshot !== false)
    await putItem('routing', {
      pk: `ACCESS#${access}`,
      sk: 'SNAPSHOT',
      type: 'routingSnapshot',
      number400: number,
      tenantId,
      numberStatus: 'active',
    });
  await putItem('ledger', {
    pk: `ACCT#${tenantId}`,
    sk: 'ACCOUNT',
    type: 'account',
    tenantId,
    version: 1,
    lowBalanceThreshold: 0,
    ...line.account,
  });
}
