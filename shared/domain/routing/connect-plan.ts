/**
 * What a routing configuration needs in Amazon Connect, as an ordered list of resources. Pure: apply
 * (shared/app/routing/apply-routing.ts) resolves each step's dependencies, hashes the resulting spec
 * and only calls Connect when the hash differs from what was last applied.
 *   hours of operation (with holiday closures) → per queue: normal + VIP queue → per agent group: routing
 *   profile (VIP queues priority 1, normal queues priority 2) → per recorded prompt the configuration plays:
 *   a Connect prompt made from the tenant's own audio → the access number's flow association.
 */

import { type PublicCalendar, parseClock, resolveCalendar } from './calendar.js';
import type {
  ConnectWeekday,
  HoursOfOperationSpec,
  QueueSpec,
  RoutingProfileSpec,
} from './connect-resources.js';
import type { PromptSpec } from './prompts.js';
import type { RoutingConfig, Weekday } from './types.js';

export type ResourceKind = 'hours' | 'queue' | 'routingProfile' | 'prompt' | 'flowAssociation';

export interface PlannedResource {
  /** Stable key in the applied state: hours, queue:<id>, queue:<id>:vip, profile:<group>, prompt:<promptId>, flow. */
  readonly key: string;
  readonly kind: ResourceKind;
  /** Builds the spec once the resources it depends on have ids (key → id). */
  readonly spec: (
    ids: Readonly<Record<string, string>>,
  ) => HoursOfOperationSpec | QueueSpec | RoutingProfileSpec | PromptSpec | FlowAssociationSpec;
}

export interface FlowAssociationSpec {
  readonly phoneNumberId: string;
  readonly contactFlowId: string;
}

const CONNECT_DAY: Record<Weekday, ConnectWeekday> = {
  mon: 'MONDAY',
  tue: 'TUESDAY',
  wed: 'WEDNESDAY',
  thu: 'THURSDAY',
  fri: 'FRIDAY',
  sat: 'SATURDAY',
  sun: 'SUNDAY',
};

/** Sorted dates grouped into inclusive ranges of consecutive days. */
export function dateRanges(dates: readonly string[]): { from: string; till: string }[] {
  const out: { from: string; till: string }[] = [];
  for (const d of [...dates].sort()) {
    const last = out.at(-1);
    if (last && Date.parse(`${d}T00:00:00Z`) - Date.parse(`${last.till}T00:00:00Z`) === 86_400_000)
      last.till = d;
    else out.push({ from: d, till: d });
  }
  return out;
}

export function hoursSpec(
  number400: string,
  config: RoutingConfig,
  publicCalendar?: PublicCalendar,
): HoursOfOperationSpec {
  const slices: HoursOfOperationSpec['slices'][number][] = [];
  for (const [day, ranges] of Object.entries(config.businessHours.weekly) as [
    Weekday,
    { open: string; close: string }[],
  ][]) {
    for (const r of ranges ?? []) {
      slices.push({
        day: CONNECT_DAY[day],
        startMinute: parseClock(r.open) ?? 0,
        endMinute: parseClock(r.close) ?? 1440,
      });
    }
  }
  const { holidays } = resolveCalendar(config.businessHours, publicCalendar);
  return {
    name: `h400-${number400}`,
    description: `Business hours of 400 number ${number400}`,
    timeZone: config.timeZone,
    slices,
    closures: dateRanges(holidays).map((r) => ({ name: `closed-${r.from}`, ...r })),
  };
}

export function planConnectResources(
  number400: string,
  config: RoutingConfig,
  association?: { phoneNumberId?: string; contactFlowId?: string },
  publicCalendar?: PublicCalendar,
  /** The tenant's prompts this configuration plays, by prompt id (apply resolves them). */
  prompts: Readonly<Record<string, PromptSpec>> = {},
): PlannedResource[] {
  const plan: PlannedResource[] = [
    { key: 'hours', kind: 'hours', spec: () => hoursSpec(number400, config, publicCalendar) },
  ];
  for (const q of config.queues) {
    for (const vip of [false, true]) {
      plan.push({
        key: `queue:${q.id}${vip ? ':vip' : ''}`,
        kind: 'queue',
        spec: (ids): QueueSpec => ({
          name: `q400-${number400}-${q.id}${vip ? '-vip' : ''}`,
          description: `${q.name}${vip ? ' (VIP callers)' : ''} of 400 number ${number400}`,
          hoursOfOperationId: ids.hours ?? '',
        }),
      });
    }
  }
  const groups = [...new Set(config.queues.map((q) => q.agentGroup))].sort();
  for (const group of groups) {
    const queues = config.queues.filter((q) => q.agentGroup === group);
    plan.push({
      key: `profile:${group}`,
      kind: 'routingProfile',
      spec: (ids): RoutingProfileSpec => ({
        name: `rp400-${number400}-${group}`,
        description: `Agent group ${group} of 400 number ${number400}`,
        // VIP callers first: their queue has the better priority and no delay.
        queues: queues.flatMap((q) => [
          { queueId: ids[`queue:${q.id}:vip`] ?? '', priority: 1, delaySeconds: 0 },
          { queueId: ids[`queue:${q.id}`] ?? '', priority: 2, delaySeconds: 0 },
        ]),
        defaultOutboundQueueId: ids[`queue:${queues[0]?.id}`] ?? '',
      }),
    });
  }
  for (const [promptId, spec] of Object.entries(prompts).sort(([a], [b]) => a.localeCompare(b)))
    plan.push({ key: `prompt:${promptId}`, kind: 'prompt', spec: () => spec });
  if (association?.phoneNumberId && association.contactFlowId) {
    const { phoneNumberId, contactFlowId } = association;
    plan.push({ key: 'flow', kind: 'flowAssociation', spec: () => ({ phoneNumberId, contactFlowId }) });
  }
  return plan;
}
