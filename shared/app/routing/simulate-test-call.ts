/**
 * Primary course: a tenant test-calls a number → check ownership → take the draft (latest stored version,
 * queue ARNs from the last apply) → walk the generic contact flow with the decision engine in-process and
 * the tenant's real account → report the steps, the hunt attempts and the outcome. Nothing is dialled,
 * nothing armed: the arming step only says when the stop would fall.
 * Variations: `source: applied` walks the applied snapshot instead (conflict when nothing is applied yet);
 * no configuration, or only a previous owner's → not found.
 */
import { conflict, notFound } from '../../domain/errors.js';
import { armCallLimitAnswer, callStopInstant } from '../../domain/routing/call-limit.js';
import { normaliseCaller } from '../../domain/routing/caller.js';
import { compileRouting } from '../../domain/routing/config.js';
import { type CallStep, CONSERVATIVE_RATE_PER_MINUTE, decideCall } from '../../domain/routing/decision.js';
import type { RoutingSnapshot } from '../../domain/routing/types.js';
import { rateSteps, type TariffsFrom } from '../../domain/routing/worst-rate.js';
import type {
  CallerRegions,
  ContactFlowSimulator,
  HolidayCalendarStore,
  RoutingStore,
} from '../../ports/routing.js';
import { ownedNumber } from './owned-number.js';
import { loadPublicCalendar } from './public-calendar.js';

export interface TestCallRequest {
  readonly number: string;
  readonly tenantId: string;
  readonly caller: string;
  readonly at: Date;
  readonly keys?: readonly string[];
  readonly source?: 'draft' | 'applied';
  readonly unanswered?: readonly string[];
  readonly queueFull?: boolean;
}

export interface SimulateTestCallDeps<W> {
  readonly routing: RoutingStore;
  readonly calendars: HolidayCalendarStore;
  readonly regions: CallerRegions;
  readonly flow: ContactFlowSimulator<W>;
  /** The tariffs in force from an instant on (as apply stores them): a draft is tested at today's prices. */
  readonly tariffsFrom: (at: Date) => Promise<TariffsFrom>;
}

export async function simulateTestCall<W>(
  deps: SimulateTestCallDeps<W>,
  request: TestCallRequest,
): Promise<W & { source: 'draft' | 'applied'; configVersion: number }> {
  const { number, tenantId } = request;
  const facts = await ownedNumber(deps.routing, number, tenantId);
  const source = request.source ?? 'draft';
  let snapshot: RoutingSnapshot;
  let configVersion: number;
  if (source === 'applied') {
    const stored = facts.accessNumber ? await deps.routing.snapshot(facts.accessNumber) : undefined;
    if (!stored?.routing)
      throw conflict('not_applied', 'this number has no applied routing yet; apply it or test the draft');
    snapshot = stored as unknown as RoutingSnapshot;
    configVersion = Number(stored.routingVersion ?? 0);
  } else {
    const stored = await deps.routing.config(number);
    // A previous owner's configuration (its hand-over not yet cleared) is not the caller's to walk.
    if (!stored || stored.tenantId !== tenantId)
      throw notFound('routing_not_found', `number ${number} has no routing configuration yet`);
    const applied = await deps.routing.applied(number);
    const arn = (key: string) => applied.resources[key]?.arn ?? '';
    const queueArns = Object.fromEntries(
      stored.config.queues.map((q) => [
        q.id,
        { queue: arn(`queue:${q.id}`), vipQueue: arn(`queue:${q.id}:vip`) },
      ]),
    );
    const steps = rateSteps(number, stored.config.recording.enabled, await deps.tariffsFrom(request.at));
    snapshot = {
      number400: number,
      tenantId,
      numberStatus: facts.status,
      // Recorded prompts play as the last apply made them; one not applied yet is not heard in a draft.
      routing: compileRouting(
        stored.config,
        queueArns,
        (await loadPublicCalendar(deps.calendars)).calendar,
        promptArnsOf(applied.resources),
      ),
      routingVersion: stored.version,
      worstRatePerMinute: steps[0].worstRatePerMinute,
      rateSteps: steps,
    };
    configVersion = stored.version;
  }
  const [account, regionOf] = await Promise.all([deps.routing.account(tenantId), deps.regions()]);
  const caller = normaliseCaller(request.caller);
  const unanswered = new Set((request.unanswered ?? []).map(normaliseCaller));
  const contactId = `test-${request.at.getTime()}-${caller}`;
  const walk = await deps.flow.walk({
    keys: request.keys,
    answers: (destination) => !unanswered.has(destination),
    queueAccepts: !request.queueFull,
    // A test call arms nothing: its arming step says when the stop would fall, as arm-call-limit would.
    armCallLimit: async (params) => {
      const stopAt = callStopInstant(params.maxDurationSeconds, request.at);
      return stopAt
        ? armCallLimitAnswer(true, 'armed', stopAt.toISOString())
        : armCallLimitAnswer(false, 'no_limit');
    },
    routeCall: async (params) =>
      decideCall(
        {
          caller,
          contactId,
          step: (params.step || 'start') as CallStep,
          key: params.key,
          state: params.state,
          now: request.at,
        },
        { snapshot, account, regionOf, ratePerMinute: CONSERVATIVE_RATE_PER_MINUTE },
      ),
  });
  return { ...walk, source, configVersion };
}

/** Prompt id → the Connect prompt ARN a previous apply recorded (`prompt:<promptId>`). */
const promptArnsOf = (resources: Readonly<Record<string, { readonly arn: string }>>) =>
  Object.fromEntries(
    Object.entries(resources).flatMap(([key, r]) =>
      key.startsWith('prompt:') ? [[key.slice('prompt:'.length), r.arn]] : [],
    ),
  );
