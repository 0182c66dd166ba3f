/**
 * Primary course: make Connect and the routing snapshot match the number's current routing configuration
 * → read number + config + applied state → plan the Connect resources → for each, hash the spec and call
 * Connect only when the hash differs (recording the result at once, so a failed apply resumes where it
 * stopped) → compile the snapshot with the queue ARNs and write it if it changed.
 * An unchanged configuration therefore makes zero Connect write calls. Runs in the routing apply worker
 * (run-routing-apply.ts), which records each step done and backs off from Connect's throttling.
 * Variations: not the tenant's number → not found; no configuration → conflict (nothing_to_apply); the
 * number's restrictions changed since the config was stored → validation error; queues and routing
 * profiles no longer configured are kept as retired (left in Connect unused) and taken over, renamed, by the
 * next ones configured; no access number yet → no snapshot; audio that is not (or no longer) the tenant's
 * prompt → validation error (prompt_not_owned); a prompt whose audio has not arrived → conflict
 * (prompt_not_uploaded); audio Connect would not play (not 8 kHz mono µ-law WAV, or five minutes or more) →
 * conflict (prompt_not_playable). Each prompt the configuration plays becomes a Connect prompt made from the tenant's
 * own object (`prompt:<promptId>`), and the snapshot maps the prompt id to its ARN: a call plays nothing else.
 */
import { createHash } from 'node:crypto';
import { conflict } from '../../domain/errors.js';
import { compileRouting, validateConfig } from '../../domain/routing/config.js';
import { type FlowAssociationSpec, planConnectResources } from '../../domain/routing/connect-plan.js';
import {
  type PromptSpec,
  promptSpec,
  referencedPromptIds,
  WAV_HEAD_BYTES,
  wavProblem,
} from '../../domain/routing/prompts.js';
import { rateSteps, type TariffsFrom } from '../../domain/routing/worst-rate.js';
import type { PromptAudioPort, PromptStore } from '../../ports/prompts.js';
import type { AppliedResource, HolidayCalendarStore, RoutingStore } from '../../ports/routing.js';
import type {
  ConnectResourceRef,
  HoursOfOperationSpec,
  QueueSpec,
  RoutingProfileSpec,
  TelephonyPort,
} from '../../ports/telephony.js';
import { ownedNumber } from './owned-number.js';
import { ownedPromptsOf } from './owned-prompts.js';
import { type LoadedCalendar, loadPublicCalendar } from './public-calendar.js';

export interface ApplyChange {
  readonly key: string;
  readonly kind: string;
  readonly change: 'created' | 'updated' | 'removed';
}

export interface ApplyResult {
  readonly number: string;
  readonly configVersion: number;
  readonly changes: readonly ApplyChange[];
  readonly unchanged: readonly string[];
  readonly snapshot: 'written' | 'unchanged' | 'no_access_number';
  /** Connect write calls this apply made through the port (0 when nothing changed). */
  readonly connectWrites: number;
}

export interface ApplyRoutingDeps {
  readonly routing: RoutingStore;
  readonly calendars: HolidayCalendarStore;
  readonly telephony: TelephonyPort;
  readonly prompts: PromptStore;
  /** The prompts bucket, reached only when the configuration plays recorded audio. */
  readonly promptAudio: () => Promise<PromptAudioPort>;
  /**
   * The rating tariff in force at an instant, then each one a stored version brings in later, for the
   * worst rates behind call limits and the refusal point.
   */
  readonly tariffsFrom: (at: Date) => Promise<TariffsFrom>;
}

export interface ApplyRoutingRequest {
  readonly number: string;
  readonly tenantId: string;
  readonly at: string;
  /** Apply this stored version instead of the current one (the holiday-recompile job re-applies what is live). */
  readonly configVersion?: number;
  /** The public holiday calendar to compile with (default: loaded now, bundled + published). */
  readonly calendar?: LoadedCalendar;
  /** Write the snapshot even when its hash says unchanged (the job repairs a snapshot a race left stale). */
  readonly forceSnapshot?: boolean;
  /**
   * Told after each step of the plan is done (written to Connect and recorded, or found unchanged), with
   * the steps so far: the apply job records its progress through it.
   */
  readonly onStep?: (progress: {
    readonly done: readonly string[];
    readonly total: number;
    /** The step after these, if any. */
    readonly next?: string;
  }) => Promise<void>;
}

/** JSON with sorted keys: equal specs hash equal whatever order they were built in. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const hashOf = (value: unknown) => createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 32);

export async function applyRouting(
  deps: ApplyRoutingDeps,
  request: ApplyRoutingRequest,
): Promise<ApplyResult> {
  const { routing: store, telephony } = deps;
  const { number, tenantId, at } = request;
  const facts = await ownedNumber(store, number, tenantId);
  const stored = await store.config(number, request.configVersion);
  // A configuration a previous owner left (its hand-over not yet cleared) is never the caller's to apply.
  if (!stored || stored.tenantId !== tenantId)
    throw conflict('nothing_to_apply', 'this number has no routing configuration yet; PUT one first');
  const calendar = request.calendar ?? (await loadPublicCalendar(deps.calendars));
  // Only a config that uses the public calendar depends on it (and is stamped for the recompile job).
  const calendarStamp = stored.config.businessHours.useHolidayCalendar ? calendar.stamp : undefined;
  // Restrictions may have changed since the configuration was stored (the number changed hands).
  validateConfig(stored.config, {
    noMultiLevelTransfer: facts.restrictions?.noMultiLevelTransfer ?? false,
    announcementRequired: facts.restrictions?.recordingAnnouncementRequired ?? false,
    ownedPrompts: await ownedPromptsOf(deps.prompts, tenantId, stored.config),
  });
  const prompts = await promptSpecs(deps, tenantId, referencedPromptIds(stored.config));
  const applied = await store.applied(number);
  const plan = planConnectResources(
    number,
    stored.config,
    { phoneNumberId: facts.phoneNumberId, contactFlowId: telephony.contactFlowId() },
    calendar.calendar,
    prompts,
  );

  const ids: Record<string, string> = {};
  const arns: Record<string, string> = {};
  const changes: ApplyChange[] = [];
  const unchanged: string[] = [];
  let connectWrites = 0;
  const done: string[] = [];
  const stepDone = async (key: string) => {
    done.push(key);
    await request.onStep?.({ done: [...done], total: plan.length, next: plan[done.length]?.key });
  };
  // Resources no longer configured, by kind: a new queue or routing profile takes one over (renamed)
  // rather than creating one more, so renaming queues apply after apply never piles up Connect resources
  // (an instance's queues and profiles are a quota all tenants share).
  // One still recorded under the key it was taken over from (an apply that stopped between the two
  // records) is in use, never a spare.
  const planned = new Set(plan.map((s) => s.key));
  const inUse = new Set(
    plan.flatMap((s) => {
      const r = applied.resources[s.key];
      return r && !r.retired ? [r.id] : [];
    }),
  );
  const spares = Object.entries(applied.resources).filter(
    ([key, r]) =>
      !planned.has(key) && (r.kind === 'queue' || r.kind === 'routingProfile') && !inUse.has(r.id),
  );
  const taken = new Set<string>();
  const takeSpare = (kind: string) => {
    const index = spares.findIndex(([, r]) => r.kind === kind);
    const spare = index < 0 ? undefined : spares.splice(index, 1)[0];
    if (spare) taken.add(spare[0]);
    return spare;
  };
  for (const step of plan) {
    const spec = step.spec(ids);
    const hash = hashOf({ kind: step.kind, spec });
    const previous = applied.resources[step.key];
    if (previous && !previous.retired && previous.hash === hash) {
      ids[step.key] = previous.id;
      arns[step.key] = previous.arn;
      unchanged.push(step.key);
      await stepDone(step.key);
      continue;
    }
    const spare = previous ? undefined : takeSpare(step.kind);
    const reused = previous ?? spare?.[1];
    const existing: ConnectResourceRef | undefined = reused ? { id: reused.id, arn: reused.arn } : undefined;
    let ref: ConnectResourceRef;
    connectWrites++;
    switch (step.kind) {
      case 'hours':
        ref = await telephony.upsertHoursOfOperation(spec as HoursOfOperationSpec, existing);
        break;
      case 'queue':
        ref = await telephony.upsertQueue(spec as QueueSpec, existing);
        break;
      case 'routingProfile':
        ref = await telephony.upsertRoutingProfile(spec as RoutingProfileSpec, existing);
        break;
      case 'prompt':
        ref = await telephony.upsertPrompt(spec as PromptSpec, existing);
        break;
      case 'flowAssociation': {
        const { phoneNumberId, contactFlowId } = spec as FlowAssociationSpec;
        await telephony.associateFlow(phoneNumberId, contactFlowId);
        ref = { id: phoneNumberId, arn: contactFlowId };
        break;
      }
    }
    const record: AppliedResource = { hash, id: ref.id, arn: ref.arn, kind: step.kind };
    await store.saveAppliedResource(number, step.key, record);
    if (spare) {
      await store.saveAppliedResource(number, spare[0], undefined);
      if (!spare[1].retired) changes.push({ key: spare[0], kind: spare[1].kind, change: 'removed' });
    }
    ids[step.key] = ref.id;
    arns[step.key] = ref.arn;
    changes.push({
      key: step.key,
      kind: step.kind,
      change: previous && !previous.retired ? 'updated' : 'created',
    });
    await stepDone(step.key);
  }
  // Resources no longer configured and not taken over stay in Connect unused (deleting queues that may
  // still hold contacts is an operator's decision), kept as retired for the next apply to take over.
  const retiring = new Set(spares.map(([key]) => key));
  for (const [key, resource] of Object.entries(applied.resources)) {
    if (planned.has(key) || taken.has(key) || (retiring.has(key) && resource.retired)) continue;
    await store.saveAppliedResource(
      number,
      key,
      retiring.has(key) ? { ...resource, retired: true } : undefined,
    );
    if (!resource.retired) changes.push({ key, kind: resource.kind, change: 'removed' });
  }

  const queueArns = Object.fromEntries(
    stored.config.queues.map((q) => [
      q.id,
      { queue: arns[`queue:${q.id}`] ?? '', vipQueue: arns[`queue:${q.id}:vip`] ?? '' },
    ]),
  );
  const promptArns = Object.fromEntries(Object.keys(prompts).map((id) => [id, arns[`prompt:${id}`] ?? '']));
  const routing = compileRouting(stored.config, queueArns, calendar.calendar, promptArns);
  const tariffs = await deps.tariffsFrom(new Date(request.at));
  // Carried by the snapshot, which route-call reads anyway: the price list switches at its effective
  // instant with no read of route-call's own (it keeps ≤ 1 read per call), and setup, `/v1/account` and the
  // alerts all take the dearest minute of the tariff in force.
  const steps = rateSteps(number, stored.config.recording.enabled, tariffs);
  const rate = steps[0].worstRatePerMinute;
  const snapshotHash = hashOf({
    routing,
    version: stored.version,
    rate,
    // The steps still to come (the first one's instant is this apply's): a new stored version rewrites it.
    steps: steps.map((s, i) => (i === 0 ? { ...s, from: '' } : s)),
    accessNumber: facts.accessNumber ?? '',
    ...(calendarStamp ? { calendarStamp } : {}),
  });
  let snapshot: ApplyResult['snapshot'] = 'no_access_number';
  if (facts.accessNumber) {
    if (applied.snapshotHash === snapshotHash && !request.forceSnapshot) snapshot = 'unchanged';
    else {
      await store.writeSnapshotRouting(facts.accessNumber, facts, {
        routing,
        routingVersion: stored.version,
        tenantId: stored.tenantId,
        worstRatePerMinute: rate,
        rateSteps: steps,
        calendarStamp,
      });
      snapshot = 'written';
    }
  }
  if (snapshot === 'written' || applied.configVersion !== stored.version) {
    await store.markApplied(number, stored.version, snapshotHash, at);
  }
  return { number, configVersion: stored.version, changes, unchanged, snapshot, connectWrites };
}

/**
 * The Connect prompt each of the tenant's prompts becomes: made from its own object, checked to be audio
 * Connect plays (8 kHz mono µ-law WAV under five minutes), whose version is the revision (a new upload
 * updates the Connect prompt on the next apply).
 */
async function promptSpecs(
  deps: Pick<ApplyRoutingDeps, 'prompts' | 'promptAudio'>,
  tenantId: string,
  promptIds: readonly string[],
): Promise<Record<string, PromptSpec>> {
  if (promptIds.length === 0) return {};
  const audio = await deps.promptAudio();
  const specs: Record<string, PromptSpec> = {};
  for (const promptId of promptIds) {
    const prompt = await deps.prompts.get(tenantId, promptId);
    // Validation has just checked ownership: a prompt gone meanwhile is not the tenant's any more.
    if (!prompt) throw conflict('prompt_not_owned', `${promptId} is not one of your prompts`);
    const stored = await audio.readHead(prompt.objectKey, WAV_HEAD_BYTES);
    if (!stored)
      throw conflict(
        'prompt_not_uploaded',
        `prompt ${promptId} has no audio yet: upload it with the form POST /v1/prompts answered, then apply again`,
        { promptId },
      );
    const problem = wavProblem(stored.head, stored.size);
    if (problem)
      throw conflict('prompt_not_playable', `prompt ${promptId} cannot be played: ${problem}`, {
        promptId,
      });
    specs[promptId] = promptSpec(prompt, audio.s3Uri(prompt.objectKey), stored.version);
  }
  return specs;
}
