/** Tenant-initiated lifecycle commands (suspend, resume, cancel, transfer) and what each answers. */
import { tableName } from '../../config.js';
import { addMonths, localDateOf } from '../../domain/billing/calendar.js';
import type { NumbersConfig } from '../../domain/numbers/config.js';
import type { LifecycleCommand } from '../../domain/numbers/lifecycle.js';
import { port } from '../../runtime/ports.js';
import type { NumberItem, TransactItem } from './number-items.js';
import { getContractItem, runCommand } from './number-lifecycle.js';
import { numberView } from './number-views.js';

type OwnerCommand = Extract<LifecycleCommand, { tenantId: string }>['type'];

export async function ownerCommand(
  number: string,
  type: Exclude<OwnerCommand, 'apply' | 'request_transfer'>,
  tenantId: string,
  at: string,
  config: NumbersConfig,
) {
  const { item } = await runCommand(number, { type, tenantId } as LifecycleCommand, {
    at,
    actor: tenantId,
    config,
  });
  return numberView(item, at);
}

export async function requestTransfer(
  number: string,
  tenantId: string,
  toTenantId: string,
  at: string,
  config: NumbersConfig,
) {
  const { item } = await runCommand(
    number,
    { type: 'request_transfer', tenantId, toTenantId },
    { at, actor: tenantId, config },
  );
  await (await port('notifications')).publish({
    tenantId: toTenantId,
    kind: 'number_lifecycle',
    subject: `Transfer of ${number} offered to you`,
    text: `The owner of 400 number ${number} offers to transfer it to you. Accept or decline at POST /v1/numbers/${number}/transfer/decision.`,
    dedupeKey: `transfer#${number}#${item.version}`,
  });
  return numberView(item, at);
}

const successorId = (item: NumberItem) => `${(item.contractId as string).split('~')[0]}~${item.version + 1}`;

/** The new owner's contract: the same plan and terms, starting today, written with the transfer. */
async function successorContract(item: NumberItem, newTenant: string, at: string, config: NumbersConfig) {
  if (!item.contractId) return [];
  const old = await getContractItem(item.number, item.contractId);
  if (!old) return [];
  const contractId = successorId(item);
  const zone = (old.timeZone as string | undefined) ?? config.timeZone;
  const termStart = localDateOf(at, zone);
  const termMonths = Number(old.termMonths ?? config.minimumContractMonths);
  const termEnd = addMonths(termStart, termMonths);
  const { serviceTo: _s, endedAt: _e, renewedAt: _r, ...terms } = old;
  const contract = {
    ...terms,
    sk: `CONTRACT#${contractId}`,
    contractId,
    tenantId: newTenant,
    transferredFrom: item.tenantId,
    termStart,
    termEnd,
    serviceFrom: termStart,
    suspensions: [],
    status: 'active',
    createdAt: at,
    version: 1,
    gsi2pk: `TENANT#${newTenant}#contracts`,
    gsi2sk: `${termStart}#${item.number}`,
    gsi3pk: 'DUE#contract-term',
    gsi3sk: `${termEnd}#${item.number}#${contractId}`,
  };
  return [
    {
      Put: {
        TableName: tableName('numbers'),
        Item: contract,
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ] as TransactItem[];
}

export async function decideTransfer(
  number: string,
  tenantId: string,
  decision: 'accept' | 'decline',
  at: string,
  config: NumbersConfig,
) {
  if (decision === 'decline') {
    const { item } = await runCommand(
      number,
      { type: 'abandon_transfer', tenantId },
      { at, actor: tenantId, config },
    );
    return { number, status: item.status, transferred: false };
  }
  const { item } = await runCommand(
    number,
    { type: 'accept_transfer', tenantId },
    { at, actor: tenantId, config },
    {
      extra: (current) => (current.contractId ? { contractId: successorId(current) } : {}),
      extraWrites: (current) => successorContract(current, tenantId, at, config),
    },
  );
  return { ...numberView(item, at), transferred: true };
}
