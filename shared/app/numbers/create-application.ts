/**
 * A tenant applies for a number it holds. Primary course: the plan and term are valid for the number's
 * segment; the number moves from its hold to the new draft application, which waits for documents and
 * submission (withdrawn when its deadline passes). The number keeps counting as one of the tenant's holds
 * until the application is submitted, so drafts cannot be used to hoard numbers past the hold limit.
 * Variation: the number is offered to this tenant as a transfer: the application is the recipient's
 * qualification for that offer (documents, operator review) and leaves the number as it is (still the
 * owner's).
 * The answer quotes the plan as search does, with the changes already scheduled for it.
 */
import { conflict, notFound } from '../../domain/errors.js';
import {
  type ApplicationInput,
  applicationView,
  draftApplication,
} from '../../domain/numbers/application.js';
import { contractTerms } from '../../domain/numbers/applications.js';
import { applicationQuote } from '../../domain/numbers/quote.js';
import type { NumbersDeps } from './deps.js';
import { holdExtended } from './holds.js';
import { runLifecycleCommand } from './run-lifecycle-command.js';

export async function createApplication(
  deps: NumbersDeps,
  tenantId: string,
  input: ApplicationInput,
  at: string,
) {
  const { config } = deps;
  const number = await deps.numbers.get(input.number);
  if (!number) throw notFound('number_not_found', 'no such number among yours');
  if (number.status === 'transfer_pending' && number.transferTo === tenantId) {
    // No selection fee: the number was chosen (and paid for) by its owner. The qualification is this
    // offer's: it qualifies nothing for a later offer of the number.
    const app = {
      ...draftApplication(`app_${deps.newId()}`, tenantId, input, { ...number, selectionFee: 0 }, at, config),
      transfer: true,
      ...(number.transferOfferId ? { transferOfferId: number.transferOfferId } : {}),
    };
    contractTerms(number.segment, app.planId, app.termMonths, app.autoRenew, 0, config);
    const committed = await deps.numbers.commit([
      { kind: 'application', application: app },
      await holdExtended(deps, tenantId, input.number, app.draftExpiresAt as string, at),
    ]);
    if (!committed) throw conflict('concurrent_update', 'your holds changed meanwhile; try again');
    return { ...applicationView(app), ...applicationQuote(app, config) };
  }
  const app = draftApplication(`app_${deps.newId()}`, tenantId, input, number, at, config);
  contractTerms(number.segment, app.planId, app.termMonths, app.autoRenew, number.selectionFee, config);
  await runLifecycleCommand(
    deps,
    input.number,
    { type: 'apply', tenantId, applicationId: app.applicationId },
    { at, actor: tenantId },
    {
      writes: async () => [
        { kind: 'application', application: app },
        await holdExtended(deps, tenantId, input.number, app.draftExpiresAt as string, at),
      ],
    },
  );
  return { ...applicationView(app), ...applicationQuote(app, config) };
}
