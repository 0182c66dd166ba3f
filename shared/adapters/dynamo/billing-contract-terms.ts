/**
 * The daily contract-terms sweep: contracts whose term ends within the notice window (numbers gsi3
 * `DUE#contract-term` / `<termEnd>#<number>#<contractId>`) get their notice, renewal or ending. Each step
 * is conditional on the state it read (and bumps the contract's version, which the numbers capability's
 * writes are conditioned on), and notices carry a stable dedupe key, so reruns change nothing.
 *
 * A contract that does not renew ends through the numbers capability's cancellation path: on the notice
 * day the number gets `request_cancellation` (effective after the 30-day cancellation notice, i.e. on the
 * term end), which the tenant may still withdraw; the numbers jobs complete it and settle the contract.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { addDays, type LocalDate, localDateOf } from '../../domain/billing/calendar.js';
import { contractActions, RENEWAL_NOTICE_DAYS } from '../../domain/billing/contracts.js';
import { DomainError } from '../../domain/errors.js';
import { numbersConfig } from '../../domain/numbers/config.js';
import type { NotificationsPort } from '../../ports/notifications.js';
import { contractFromItem, renewContractTerm } from './billing-contracts.js';
import { queryAll, str } from './billing-dynamo.js';
import { dynamo } from './client.js';
import { getNumberItem } from './number-items.js';
import { runCommand } from './number-lifecycle.js';

export const TERM_END_TIMER = 'DUE#contract-term';

export interface TermsResult {
  readonly today: LocalDate;
  readonly checked: number;
  readonly notices: number;
  readonly renewed: number;
  /** Contracts sent down the cancellation path because they do not renew. */
  readonly ended: number;
}

const isConditionFailure = (error: unknown) => (error as Error)?.name === 'ConditionalCheckFailedException';

async function markNoticeSent(pk: string, sk: string, termEnd: LocalDate, at: string): Promise<void> {
  await dynamo()
    .send(
      new UpdateCommand({
        TableName: tableName('numbers'),
        Key: { pk, sk },
        UpdateExpression: 'SET noticeSentFor = :t, noticeSentAt = :at ADD version :one',
        ConditionExpression: 'termEnd = :t AND (attribute_not_exists(noticeSentFor) OR noticeSentFor <> :t)',
        ExpressionAttributeValues: { ':t': termEnd, ':at': at, ':one': 1 },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
}

/** The numbers capability's cancellation path; a number already on its way out is left alone. */
async function requestCancellation(number: string, tenantId: string, at: string): Promise<boolean> {
  const item = await getNumberItem(number);
  if (!item || item.tenantId !== tenantId) return false;
  if (item.status !== 'active' && item.status !== 'suspended' && item.status !== 'arrears_stopped')
    return false;
  try {
    await runCommand(
      number,
      { type: 'request_cancellation', tenantId },
      {
        at,
        actor: 'job:billing-contracts',
        config: numbersConfig(),
        note: 'contract term ends without renewal',
      },
    );
    return true;
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'conflict') return false;
    throw error;
  }
}

export async function sweepContractTerms(
  at: string,
  zone: string,
  notifications: NotificationsPort,
): Promise<TermsResult> {
  const today = localDateOf(at, zone);
  const horizon = addDays(today, RENEWAL_NOTICE_DAYS + 1);
  const items = await queryAll({
    TableName: tableName('numbers'),
    IndexName: 'gsi3',
    KeyConditionExpression: 'gsi3pk = :p AND gsi3sk < :h',
    ExpressionAttributeValues: { ':p': TERM_END_TIMER, ':h': horizon },
  });
  let notices = 0;
  let renewed = 0;
  let ended = 0;
  for (const item of items) {
    const contract = contractFromItem(item, zone);
    if (!contract) continue;
    const pk = String(item.pk);
    const sk = String(item.sk);
    for (const action of contractActions(contract, today, str(item.noticeSentFor))) {
      if (action.type === 'notice') {
        await notifications.publish({
          tenantId: contract.tenantId,
          kind: 'contract_notice',
          subject: action.renews
            ? `Your 400 number ${contract.number} renews on ${action.termEnd}`
            : `Your 400 number ${contract.number}'s contract ends on ${action.termEnd}`,
          text: action.renews
            ? `The contract for ${contract.number} (plan ${contract.planId}) renews automatically for ${contract.termMonths} months on ${action.termEnd}. To end it instead, cancel before that day.`
            : `The contract for ${contract.number} ends on ${action.termEnd} and will not renew; the number stops taking calls that day.`,
          dedupeKey: action.dedupeKey,
          attributes: { number: contract.number, contractId: contract.contractId, termEnd: action.termEnd },
        });
        if (!action.renews && (await requestCancellation(contract.number, contract.tenantId, at))) ended++;
        await markNoticeSent(pk, sk, action.termEnd, at);
        notices++;
      } else if (action.type === 'renew') {
        if (await renewContractTerm(contract, action, at)) renewed++;
      } else if (await requestCancellation(contract.number, contract.tenantId, at)) {
        // The notice day was missed (for example a contract made within 30 days of its end): end it now.
        ended++;
      }
    }
  }
  return { today, checked: items.length, notices, renewed, ended };
}
