/**
 * The activation worker (queue number-activations). Primary course: an activation message → read the
 * activation and the number (activating) → claim an access number in Connect, resuming the stored claim
 * if there is one, and storing each change of the claim (the number chosen, then Connect's PhoneNumberId)
 * BEFORE any polling → bind the number to the generic contact flow → activate the number with the approval
 * notice (one commit) → the activation is active.
 * Variations:
 *   - a message of another generation, or for an activation already finished: nothing to do;
 *   - a message that arrives after its application was withdrawn: the activation is recorded failed,
 *     nothing claimed, the number left in the pool;
 *   - the number moved on meanwhile (a parallel delivery activated it): the activation records that;
 *   - the claim still in progress, Connect throttling or unavailable: the try is counted and the message
 *     sent again with a growing delay (30 s, 1, 2, 4, 8 min, then 15 min hops); the stored claim is kept,
 *     so the next try polls the same claim and never searches for another number;
 *   - Connect refused every claim (ClaimFailedError) or the tries ran out: rolled back. The number goes
 *     back to approved and the claimed number is released, as a durable effect committed with that
 *     transition (retried by the number-effects job until Connect confirms), so it is never leaked; an
 *     operator's next approval starts the next generation.
 * Fees: the opening fee stays posted on a rollback (the approval stands, and the next generation activates
 * the same contract; see approve-application.ts) until the tenant withdraws the approval, which gives it
 * back (withdraw-application.ts).
 */
import { DomainError } from '../../domain/errors.js';
import type { NumberRecord } from '../../domain/numbers/number.js';
import type { ActivationRecord } from '../../ports/activation-store.js';
import { noticeEffect, type PendingEffect } from '../../ports/number-effect-store.js';
import { type ClaimedAccessNumber, ClaimFailedError } from '../../ports/telephony.js';
import { backoffSeconds } from '../../ports/work-queue.js';
import { type ActivationMessage, claimTokenName } from './activation.js';
import type { NumbersDeps } from './deps.js';
import { runLifecycleCommand } from './run-lifecycle-command.js';

/** Tries before an activation is rolled back, and the first back-off (doubling up to SQS's 15 minutes). */
export const ACTIVATION_RETRIES = { maxTries: 10, backoffBaseSeconds: 30 } as const;

const ACTOR = 'job:number-activation';

export type ActivationOutcome = 'active' | 'retry' | 'rolled_back' | 'skipped';

export interface ActivationResult {
  readonly outcome: ActivationOutcome;
  readonly number: string;
  readonly generation: number;
  readonly tries?: number;
  readonly accessNumber?: string;
}

const pad = (version: number) => String(version).padStart(8, '0');

export async function activateNumber(
  deps: NumbersDeps,
  message: ActivationMessage,
  at: string,
  retries: { readonly maxTries: number; readonly backoffBaseSeconds: number } = ACTIVATION_RETRIES,
): Promise<ActivationResult> {
  const { number: id, generation } = message;
  const skipped: ActivationResult = { outcome: 'skipped', number: id, generation };
  const stored = await deps.activations.get(id);
  if (
    !stored ||
    stored.applicationId !== message.applicationId ||
    stored.generation !== generation ||
    stored.status !== 'activating'
  )
    return skipped;
  let activation: ActivationRecord = stored;
  const record = async (changes: Partial<ActivationRecord>) => {
    activation = { ...activation, ...changes, updatedAt: at };
    if (!(await deps.activations.save(activation)))
      throw new Error(`the activation of ${id} was superseded (generation ${generation})`);
  };
  // A message that arrives after its application was withdrawn never activates anything (nor claims).
  const app = await deps.applications.get(activation.applicationId);
  if (app && app.status !== 'approved') {
    await record({ status: 'failed', step: 'done', lastError: `the application was ${app.status}` });
    return skipped;
  }
  const number = await deps.numbers.get(id);
  if (number?.status !== 'activating') {
    await settleWith(number, record);
    return skipped;
  }

  const telephony = await deps.telephony();
  let claimed: ClaimedAccessNumber;
  try {
    claimed = await telephony.claimAccessNumber({
      number400: id,
      idempotencyToken: claimTokenName(activation.applicationId, generation),
      ...(activation.claim ? { pending: activation.claim } : {}),
      // Stored before the adapter polls: a crash or a retry from here on resumes this very claim.
      onPending: (claim) => record({ claim, step: 'claiming' }),
    });
    await record({
      step: 'binding',
      claim: {
        attempt: activation.claim?.attempt ?? 0,
        phoneNumber: claimed.accessNumber,
        phoneNumberId: claimed.phoneNumberId,
      },
      accessNumber: claimed.accessNumber,
    });
    const flowId = telephony.contactFlowId?.();
    if (flowId) await telephony.associateFlow(claimed.phoneNumberId, flowId);
  } catch (error) {
    return backOffOrRollBack(deps, message, activation, record, error, at, retries);
  }

  try {
    await runLifecycleCommand(
      deps,
      id,
      { type: 'activate', accessNumber: claimed.accessNumber },
      { at, actor: ACTOR },
      {
        // planId again from the contract: numbers approved before the number item carried it get it now.
        extra: (current) => ({
          phoneNumberId: claimed.phoneNumberId,
          ...(current.planId || !app ? {} : { planId: app.planId }),
        }),
        effects: (_number, next) => [approvalNotice(activation, next.version, at)],
      },
    );
  } catch (error) {
    // A parallel delivery activated it first: record that; anything else is tried again.
    const now = await deps.numbers.get(id);
    if (now?.status !== 'active') throw error;
  }
  await record({ status: 'active', step: 'done', accessNumber: claimed.accessNumber });
  return { outcome: 'active', number: id, generation, accessNumber: claimed.accessNumber };
}

/** The approval notice goes with the activation (the tenant learns once the number works). */
function approvalNotice(activation: ActivationRecord, version: number, at: string): PendingEffect {
  return noticeEffect(`${activation.number}#v${pad(version)}#decision`, at, {
    tenantId: activation.tenantId,
    kind: 'application_decided',
    template: 'application_approved',
    params: { number: activation.number },
    dedupeKey: `application#${activation.applicationId}#approved`,
  });
}

/** The number left activating without this worker (activated by a parallel delivery, or rolled back). */
async function settleWith(
  number: NumberRecord | undefined,
  record: (changes: Partial<ActivationRecord>) => Promise<void>,
) {
  if (number?.status === 'active')
    await record({
      status: 'active',
      step: 'done',
      ...(number.accessNumber ? { accessNumber: number.accessNumber } : {}),
    });
  else
    await record({ status: 'failed', step: 'done', lastError: `the number is ${number?.status ?? 'gone'}` });
}

async function backOffOrRollBack(
  deps: NumbersDeps,
  message: ActivationMessage,
  activation: ActivationRecord,
  record: (changes: Partial<ActivationRecord>) => Promise<void>,
  error: unknown,
  at: string,
  retries: { readonly maxTries: number; readonly backoffBaseSeconds: number },
): Promise<ActivationResult> {
  if (error instanceof DomainError) throw error;
  const { number: id, generation } = message;
  const tries = activation.tries + 1;
  const lastError = ((error as Error)?.message ?? String(error)).slice(0, 500);
  if (!(error instanceof ClaimFailedError) && tries < retries.maxTries) {
    await record({ tries, lastError });
    await (await deps.activationQueue()).send(message, {
      delaySeconds: backoffSeconds(tries, retries.backoffBaseSeconds),
    });
    return { outcome: 'retry', number: id, generation, tries };
  }
  deps.log.error('number activation rolled back', { number: id, generation, tries, error: error as Error });
  // The claim read again: a concurrent try may have stored its PhoneNumberId after this one read it.
  const claim = (await deps.activations.get(id))?.claim ?? activation.claim;
  await runLifecycleCommand(
    deps,
    id,
    { type: 'roll_back_activation', reason: 'no access number could be claimed' },
    { at, actor: ACTOR },
    {
      effects: (_number, next) =>
        claim?.phoneNumberId
          ? [
              {
                effectId: `${id}#v${pad(next.version)}#release`,
                at,
                payload: { kind: 'release_access_number', number: id, phoneNumberId: claim.phoneNumberId },
              },
            ]
          : [],
    },
  );
  await record({ status: 'failed', step: 'done', tries, lastError });
  return { outcome: 'rolled_back', number: id, generation, tries };
}
