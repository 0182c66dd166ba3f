/**
 * Ownership, shared by the routing use cases: the number item must carry the caller's tenantId, else
 * 404 — a tenant never learns whether someone else's number exists.
 */
import { notFound } from '../../domain/errors.js';
import type { NumberFacts, RoutingStore } from '../../ports/routing.js';

export async function ownedNumber(
  routing: RoutingStore,
  number: string,
  tenantId: string,
): Promise<NumberFacts> {
  const facts = await routing.numberFacts(number);
  if (!facts || facts.tenantId !== tenantId)
    throw notFound('number_not_found', `no number ${number} in your account`);
  return facts;
}
