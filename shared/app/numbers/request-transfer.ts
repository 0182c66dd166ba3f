/**
 * The owner offers its number to another tenant. Primary course: the number waits for the recipient's
 * decision under a new offer id (the recipient's qualification is filed under it and counts for this offer
 * only), and the offer reaches the recipient durably (recorded with the transition, retried if sending
 * fails).
 * Variation: the owner names a tenant that does not exist: a 404 tenant_not_found, nothing changes. (The
 * number's state allows one pending offer at a time: a second is refused until the first is decided.)
 */
import { notFound } from '../../domain/errors.js';
import { type NumberView, numberView } from '../../domain/numbers/number-view.js';
import { noticeEffect } from '../../ports/number-effect-store.js';
import type { NumbersDeps } from './deps.js';
import { runLifecycleCommand } from './run-lifecycle-command.js';

export async function requestTransfer(
  deps: NumbersDeps,
  numberId: string,
  tenantId: string,
  toTenantId: string,
  at: string,
): Promise<NumberView> {
  // Only the owner learns whether a tenant exists; anyone else gets the lifecycle's own refusal below.
  const current = await deps.numbers.get(numberId);
  if (current?.tenantId === tenantId && toTenantId !== tenantId && !(await deps.tenants.exists(toTenantId))) {
    throw notFound('tenant_not_found', `no tenant ${toTenantId}`);
  }
  const { number } = await runLifecycleCommand(
    deps,
    numberId,
    { type: 'request_transfer', tenantId, toTenantId, offerId: `offer_${deps.newId()}` },
    { at, actor: tenantId },
    {
      effects: (_current, next) => [
        noticeEffect(`${numberId}#v${String(next.version).padStart(8, '0')}#offer`, at, {
          tenantId: toTenantId,
          kind: 'number_lifecycle',
          template: 'transfer_offered',
          params: { number: numberId },
          dedupeKey: `transfer#${numberId}#${next.version}`,
        }),
      ],
    },
  );
  return numberView(number, at);
}
