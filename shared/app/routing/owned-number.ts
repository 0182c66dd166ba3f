/**
 * Ownership, shared by the routing use cases: the number item must carry the caller's tenantId, else
 * 404 — a tenant never learns whether someone else's number exists. A number the tenant only holds or
 * applied for is not its own yet: 409, so no routing is stored or applied to Connect for it.
 */
import { conflict, notFound } from '../../domain/errors.js';
import { type NumberStatus, OWNED_STATUSES } from '../../domain/numbers/lifecycle.js';
import type { NumberFacts, RoutingStore } from '../../ports/routing.js';

export async function ownedNumber(
  routing: RoutingStore,
  number: string,
  tenantId: string,
): Promise<NumberFacts> {
  const facts = await routing.numberFacts(number);
  if (!facts || facts.tenantId !== tenantId)
    throw notFound('number_not_found', `no number ${number} in your account`);
  if (!OWNED_STATUSES.includes(facts.status as NumberStatus))
    throw conflict(
      'number_not_routable',
      `number ${number} is ${facts.status}: routing is configured once its application is approved`,
      { status: facts.status },
    );
  return facts;
}
