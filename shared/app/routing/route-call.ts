/**
 * Primary course: a call reaches the generic contact flow, which asks what to do at this step → read the
 * dialled access number's routing snapshot and its tenant's account (cached, under a deadline) → decide
 * with the pure engine → answer a flat string map.
 * Variations: the read failed with nothing cached → the fallback decision (a polite "busy" and hang-up);
 * anything unexpected → the fallback decision too: Connect must never see an error.
 */
import { normaliseCaller } from '../../domain/routing/caller.js';
import {
  type CallDecision,
  type CallStep,
  CONSERVATIVE_RATE_PER_MINUTE,
  decideCall,
  fallbackDecision,
} from '../../domain/routing/decision.js';
import type { CallerRegions, CallReads } from '../../ports/routing.js';

export interface RouteCallDeps {
  readonly reads: CallReads;
  readonly regions: CallerRegions;
}

/** One step of a call as the contact flow reports it (strings as Connect sends them). */
export interface CallStepRequest {
  readonly accessNumber: string;
  readonly caller: string;
  readonly contactId: string;
  readonly step: string;
  readonly key: string;
  readonly state: string;
  readonly now: Date;
}

export interface RoutedCall {
  readonly decision: CallDecision;
  /** Database requests made for this call (0 when served from the warm cache). */
  readonly requests: number;
  /** Served from expired cache entries because the database failed or was late. */
  readonly stale: boolean;
  /** Why the fallback was answered, when it was. */
  readonly fallback?: 'read_failed' | 'error';
  readonly error?: unknown;
}

export async function routeCall(deps: RouteCallDeps, call: CallStepRequest): Promise<RoutedCall> {
  try {
    const step: CallStep = call.step === 'menu' || call.step === 'hunt' ? call.step : 'start';
    const [read, regionOf] = await Promise.all([deps.reads.read(call.accessNumber), deps.regions()]);
    if (read.failed && !read.snapshot) {
      return { decision: fallbackDecision(), requests: read.requests, stale: false, fallback: 'read_failed' };
    }
    const decision = decideCall(
      {
        caller: normaliseCaller(call.caller),
        contactId: call.contactId,
        step,
        key: call.key,
        state: call.state,
        now: call.now,
      },
      {
        snapshot: read.snapshot,
        account: read.account,
        regionOf,
        ratePerMinute: CONSERVATIVE_RATE_PER_MINUTE,
      },
    );
    return { decision, requests: read.requests, stale: read.stale };
  } catch (error) {
    return { decision: fallbackDecision(), requests: 0, stale: false, fallback: 'error', error };
  }
}
