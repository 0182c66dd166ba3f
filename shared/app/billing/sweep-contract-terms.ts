/**
 * Primary course: the daily contract-terms sweep reads the contracts whose term ends within the notice
 * window and does what is due on each: 30 days before the end the tenant is told whether it renews, on the
 * end day an auto-renewing contract starts its next term.
 *
 * Variations: a contract that does not renew is sent down the numbers capability's cancellation path on
 * its notice day (effective on the term end; the tenant may still withdraw it), or at once when the notice
 * day was missed. Each write is conditional on the state read and notices carry a stable dedupe key, so a
 * rerun changes nothing.
 */
import { addDays, type LocalDate, localDateOf } from '../../domain/billing/calendar.js';
import { contractActions, RENEWAL_NOTICE_DAYS } from '../../domain/billing/contracts.js';
import type { BillingContract } from '../../domain/billing/types.js';
import type { BillingContractStore, NumberCancellations } from '../../ports/billing-contracts.js';
import type { NotificationsPort } from '../../ports/notifications.js';

export interface SweepContractTermsDeps {
  readonly contracts: BillingContractStore;
  readonly numbers: NumberCancellations;
  readonly notifications: NotificationsPort;
}

export interface TermsResult {
  readonly today: LocalDate;
  readonly checked: number;
  readonly notices: number;
  readonly renewed: number;
  /** Contracts sent down the cancellation path because they do not renew. */
  readonly ended: number;
}

/** Statuses from which a number can still be cancelled; a number already on its way out is left alone. */
const CANCELLABLE = new Set(['active', 'suspended', 'arrears_stopped']);

async function endContract(deps: SweepContractTermsDeps, contract: BillingContract, at: string) {
  const number = await deps.numbers.status(contract.number);
  if (!number || number.tenantId !== contract.tenantId || !CANCELLABLE.has(number.status)) return false;
  return deps.numbers.requestCancellation(
    contract.number,
    contract.tenantId,
    at,
    'contract term ends without renewal',
  );
}

export async function sweepContractTerms(
  deps: SweepContractTermsDeps,
  at: string,
  zone: string,
): Promise<TermsResult> {
  const today = localDateOf(at, zone);
  const { checked, due } = await deps.contracts.termsEndingBefore(
    addDays(today, RENEWAL_NOTICE_DAYS + 1),
    zone,
  );
  let notices = 0;
  let renewed = 0;
  let ended = 0;
  for (const { contract, noticeSentFor } of due) {
    for (const action of contractActions(contract, today, noticeSentFor)) {
      if (action.type === 'notice') {
        await deps.notifications.publish({
          tenantId: contract.tenantId,
          kind: 'contract_notice',
          template: action.renews ? 'contract_renews' : 'contract_ends',
          params: {
            number: contract.number,
            plan: contract.planId,
            months: String(contract.termMonths),
            term_end: action.termEnd,
          },
          dedupeKey: action.dedupeKey,
          attributes: { number: contract.number, contractId: contract.contractId, termEnd: action.termEnd },
        });
        if (!action.renews && (await endContract(deps, contract, at))) ended++;
        await deps.contracts.markNoticeSent(contract, action.termEnd, at);
        notices++;
      } else if (action.type === 'renew') {
        if (await deps.contracts.renewTerm(contract, action, at)) renewed++;
      } else if (await endContract(deps, contract, at)) {
        // The notice day was missed (for example a contract made within 30 days of its end): end it now.
        ended++;
      }
    }
  }
  return { today, checked, notices, renewed, ended };
}
