/**
 * The one way a lifecycle command runs against a stored number. Primary course: read the number, let the
 * domain state machine decide, then commit the number, its history, the routing snapshot's number fields,
 * the contract's changes, the caller's own writes and a pending item per side effect in ONE commit under
 * the number's version; then carry the effects out (one that fails stays pending for the number-effects
 * job). Variation: someone moved the number meanwhile, so it reads and decides again (a few times).
 *
 * Settlement: a tenure that ends (cancellation, transfer) ends the contract (`serviceTo`) in the same
 * commit; the settle effect then posts the month's pro-rated charges with billing's own keys and amounts,
 * so the monthly run later finds them already posted and changes nothing.
 */
import { localDateOf } from '../../domain/billing/calendar.js';
import { suspendedFrom } from '../../domain/billing/contracts.js';
import { conflict, notFound } from '../../domain/errors.js';
import {
  decide,
  effectiveStatus,
  type LifecycleCommand,
  routingStatus,
  serviceEndsAt,
  type Transition,
} from '../../domain/numbers/lifecycle.js';
import {
  lifecycleOf,
  NO_RESTRICTIONS,
  type NumberExtra,
  type NumberRecord,
  nextNumber,
} from '../../domain/numbers/number.js';
import type { PendingEffect } from '../../ports/number-effect-store.js';
import type { NumberWrite } from '../../ports/number-store.js';
import type { NumbersDeps } from './deps.js';
import { effectsAmong, lifecycleEffects, runEffects } from './number-effects.js';

export interface CommandContext {
  readonly at: string;
  /** Who asked: a tenant id, an operator subject or `job:<name>`. */
  readonly actor: string;
  readonly note?: string;
}

export interface CommandOptions {
  /** Attributes to set on the number with the transition (access number binding, contract id, …). */
  readonly extra?: NumberExtra | ((number: NumberRecord) => NumberExtra);
  /**
   * More writes that must commit with the transition or not at all; an effect among them is carried out
   * after the commit, as the transition's own are.
   */
  readonly writes?: (number: NumberRecord, next: NumberRecord) => Promise<NumberWrite[]> | NumberWrite[];
  /** More side effects to record durably with the transition (e.g. a notice to another tenant). */
  readonly effects?: (number: NumberRecord, next: NumberRecord) => PendingEffect[];
}

export interface CommandResult {
  readonly number: NumberRecord;
  readonly transition: Transition;
}

/** The routing snapshot's number fields, for a number bound to an access number. */
function routingSnapshot(next: NumberRecord, deps: NumbersDeps): NumberWrite | undefined {
  if (!next.accessNumber) return undefined;
  return {
    kind: 'routing_snapshot',
    accessNumber: next.accessNumber,
    number: next.number,
    numberStatus: routingStatus(next, deps.config),
    // Calls stop at the notice instant even when the job that cancels the number runs later.
    ...(serviceEndsAt(next) ? { serviceEndsAt: serviceEndsAt(next) } : {}),
    ...(next.tenantId !== undefined
      ? { owner: { tenantId: next.tenantId, restrictions: next.restrictions ?? NO_RESTRICTIONS } }
      : {}),
  };
}

/**
 * Contract changes that belong to the transition: the start of service (the first activation), suspensions
 * for billing, the end of service, and a contract voided when its number leaves the tenant before service.
 */
async function contractChanges(
  deps: NumbersDeps,
  number: NumberRecord,
  transition: Transition,
  at: string,
): Promise<NumberWrite[]> {
  if (!number.contractId) return [];
  const contract = await deps.numbers.contract(number.number, number.contractId);
  if (!contract) return [];
  const zone = (contract.timeZone as string | undefined) ?? deps.config.timeZone;
  const today = localDateOf(at, zone);
  const suspensions = [...((contract.suspensions as { from: string; to?: string }[] | undefined) ?? [])];
  // A suspension that ends before a whole day went without service leaves no suspended day.
  const close = (list: typeof suspensions) =>
    list.map((s) => (s.to === undefined ? { ...s, to: today } : s)).filter((s) => (s.to ?? today) > s.from);
  let changed: Record<string, unknown> | undefined;
  const to = transition.state.status;
  if (to === 'active' && contract.status === 'pending') {
    // Rent is owed from the day the number works, not from its approval.
    changed = { status: 'active', serviceFrom: today, activatedAt: at };
  } else if (to === 'suspended') {
    changed = { suspensions: [...suspensions, { from: suspendedFrom(at, zone) }] };
  } else if (transition.from === 'suspended') {
    // Resumed, or under cancellation notice (which takes calls until the notice instant): service again.
    changed = { suspensions: close(suspensions) };
  } else if (contract.status === 'pending' && transition.state.tenantId === undefined) {
    // Given up before it ever went into service (an approval withdrawn): void, never billed.
    changed = { status: 'void', voidedAt: at };
  }
  const settle = transition.effects.find((e) => e.kind === 'settle');
  if (settle) {
    // Service ended at the settle instant (a cancellation's notice instant), not when the job ran.
    const endedAt = settle.kind === 'settle' ? settle.through : at;
    changed = {
      ...changed,
      suspensions: close((changed?.suspensions as typeof suspensions | undefined) ?? suspensions),
      serviceTo: localDateOf(endedAt, zone),
      endedAt,
      status: 'ended',
    };
  }
  if (!changed) return [];
  const version = contract.version ?? 0;
  return [
    {
      kind: 'contract',
      contract: { ...contract, ...changed, version: version + 1, updatedAt: at },
      expectedVersion: version,
    },
  ];
}

export async function runLifecycleCommand(
  deps: NumbersDeps,
  numberId: string,
  command: LifecycleCommand,
  ctx: CommandContext,
  options: CommandOptions = {},
): Promise<CommandResult> {
  const { at } = ctx;
  for (let attempt = 0; attempt < 6; attempt++) {
    const number = await deps.numbers.get(numberId);
    if (!number) throw notFound('number_not_found', 'no such number');
    const transition = decide(lifecycleOf(number), command, at, deps.config);
    const extra = typeof options.extra === 'function' ? options.extra(number) : options.extra;
    const next = nextNumber(number, transition.state, at, extra);
    const from = effectiveStatus(number, at);
    const owner = number.tenantId ?? next.tenantId;
    const changedHands = number.tenantId && next.tenantId && number.tenantId !== next.tenantId;
    const snapshot = routingSnapshot(
      next.accessNumber ? next : { ...next, accessNumber: number.accessNumber },
      deps,
    );
    const own = options.writes ? await options.writes(number, next) : [];
    // Carried out in this order: the transition's own, those among the caller's writes, the caller's.
    const effects = [
      ...lifecycleEffects(transition.effects, number, next, at),
      ...effectsAmong(own),
      ...(options.effects ? options.effects(number, next) : []),
    ];
    const history = { at, from, to: next.status, command: command.type, actor: ctx.actor };
    const committed = await deps.numbers.commit([
      {
        kind: 'number',
        before: number,
        after: next,
        history: {
          ...history,
          ...(owner ? { tenantId: owner } : {}),
          ...(ctx.note ? { note: ctx.note } : {}),
        },
        // The new owner sees the transfer in its history too.
        ...(changedHands ? { newOwnerHistory: { ...history, tenantId: next.tenantId as string } } : {}),
      },
      ...(snapshot ? [snapshot] : []),
      ...(await contractChanges(deps, number, transition, at)),
      ...own.filter((write) => write.kind !== 'effect'),
      ...effects.map((effect): NumberWrite => ({ kind: 'effect', effect })),
    ]);
    if (!committed) continue; // someone else moved the number: decide again on what is there now
    await runEffects(deps, effects, at);
    return { number: next, transition };
  }
  throw conflict('concurrent_update', 'the number kept changing; try again');
}
