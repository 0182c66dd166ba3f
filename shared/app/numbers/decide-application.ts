/**
 * An operator decides on a submitted application. Primary course: an approval (contract, opening fee,
 * activation; see approveApplication). Variation: a rejection with catalogue reasons (see
 * rejectApplication).
 */
import type { Rejection } from '../../domain/numbers/applications.js';
import { approveApplication } from './approve-application.js';
import type { NumbersDeps } from './deps.js';
import { rejectApplication } from './reject-application.js';

export type Decision = { readonly decision: 'approve' } | ({ readonly decision: 'reject' } & Rejection);

export async function decideApplication(
  deps: NumbersDeps,
  applicationId: string,
  decision: Decision,
  operator: string,
  at: string,
) {
  if (decision.decision === 'approve') return approveApplication(deps, applicationId, operator, at);
  const { decision: _d, ...rejection } = decision;
  return rejectApplication(deps, applicationId, rejection, operator, at);
}
