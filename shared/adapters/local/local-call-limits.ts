/**
 * Connect has no local emulator, so nothing can be stopped locally: this CallLimitsPort records the stops
 * that would be armed (GET /local/connect lists them under `callLimits`), with the port's rules: the
 * earliest stop per contact wins, and a stop already due is recorded as stopped at once.
 */
import type { ArmCallLimitRequest, ArmedCallLimit, CallLimitsPort } from '../../ports/call-limits.js';

export interface LocalCallLimit {
  readonly contactId: string;
  readonly instanceId: string;
  readonly stopAt: string;
  /** When it was first armed. */
  readonly armedAt: string;
  /** How many times the flow armed it (once per transfer or queue attempt). */
  readonly arms: number;
  /** Set when a stop was armed after its instant: the contact would be stopped at this instant. */
  readonly stoppedAt?: string;
}

export class LocalCallLimits implements CallLimitsPort {
  private readonly byContact = new Map<string, LocalCallLimit>();

  get armed(): LocalCallLimit[] {
    return [...this.byContact.values()];
  }

  find(contactId: string): LocalCallLimit | undefined {
    return this.byContact.get(contactId);
  }

  async arm(request: ArmCallLimitRequest, now: Date): Promise<ArmedCallLimit> {
    const stopMs = Date.parse(request.stopAt);
    if (!request.contactId || Number.isNaN(stopMs)) throw new Error('a contact id and an ISO stopAt');
    const known = this.byContact.get(request.contactId);
    const earliest = known && Date.parse(known.stopAt) <= stopMs ? known.stopAt : request.stopAt;
    const immediate = Date.parse(earliest) <= now.getTime();
    this.byContact.set(request.contactId, {
      contactId: request.contactId,
      instanceId: request.instanceId,
      stopAt: earliest,
      armedAt: known?.armedAt ?? now.toISOString(),
      arms: (known?.arms ?? 0) + 1,
      ...(known?.stoppedAt
        ? { stoppedAt: known.stoppedAt }
        : immediate
          ? { stoppedAt: now.toISOString() }
          : {}),
    });
    return { contactId: request.contactId, stopAt: earliest, immediate };
  }
}
