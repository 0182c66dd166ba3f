/**
 * A tenant reads one of its applications. Primary course: the application with its documents (never their
 * keys or URLs, but whether each has arrived in storage) and its event trail; once approved, its number's
 * activation (activating, active or failed, and the step it reached); until decided, the plan's quote
 * (prices in force and the changes already scheduled). A transfer qualification says whether the offer it
 * was filed for is still current (`offerCurrent`). Variation: not the tenant's own, a 404 that says nothing
 * more.
 */
import { applicationView } from '../../domain/numbers/application.js';
import { applicationQuote } from '../../domain/numbers/quote.js';
import { isOfferCurrent } from '../../domain/numbers/transfer-offer.js';
import { activationView } from './activation.js';
import { documentsAsUploaded, requireOwnApplication } from './applications.js';
import type { NumbersDeps } from './deps.js';

export async function getApplication(deps: NumbersDeps, tenantId: string, applicationId: string) {
  const app = await requireOwnApplication(deps, tenantId, applicationId);
  const view = {
    ...applicationView(app, await documentsAsUploaded(deps, applicationId)),
    ...applicationQuote(app, deps.config),
    ...(app.transfer ? { offerCurrent: isOfferCurrent(app, await deps.numbers.get(app.number)) } : {}),
  };
  if (app.status !== 'approved') return view;
  const activation = await deps.activations.get(app.number);
  return activation?.applicationId === applicationId
    ? { ...view, activation: activationView(activation) }
    : view;
}
