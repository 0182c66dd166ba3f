/**
 * Durable side effects of number transitions (written with the transition through NumberStore.commit),
 * and their progress.
 */
import type { BillingContract } from '../domain/billing/types.js';
import type { OfferEnd } from '../domain/numbers/transfer-offer.js';
import type { Notification } from './notifications.js';

export type EffectPayload =
  | {
      readonly kind: 'settle';
      readonly tenantId: string;
      readonly number: string;
      readonly contractId: string;
    }
  | {
      readonly kind: 'refund_balance';
      readonly tenantId: string;
      readonly number: string;
      readonly refundId: string;
    }
  | { readonly kind: 'release_access_number'; readonly number: string; readonly phoneNumberId: string }
  | { readonly kind: 'notify'; readonly notification: Notification }
  /** Send the number's activation (this generation) to the activation worker. */
  | {
      readonly kind: 'start_activation';
      readonly number: string;
      readonly applicationId: string;
      readonly tenantId: string;
      readonly generation: number;
    }
  /**
   * Withdraw the recipient's qualifications an ended offer left open or approved and unused (those its end
   * left over), each with its notice.
   */
  | {
      readonly kind: 'withdraw_qualifications';
      readonly tenantId: string;
      readonly number: string;
      readonly offerId: string;
      readonly end: OfferEnd;
      /** Accepted: the approval used, which stays approved (absent on effects written before it was named). */
      readonly usedApplicationId?: string;
    }
  | {
      readonly kind: 'clear_routing';
      readonly number: string;
      /** Only what this tenant configured is cleared (a next owner's new configuration stays). */
      readonly previousOwner?: string;
      /** The access number whose call snapshot loses its routing. */
      readonly accessNumber?: string;
    };

export interface PendingEffect {
  readonly effectId: string;
  readonly payload: EffectPayload;
  /** The instant of the transition: ledger entries carry it, however late the effect runs. */
  readonly at: string;
  /** Effects that must be done first. */
  readonly requires?: readonly string[];
}

/** A notice: `notification` handed to the notifications port when the effect runs. */
export function noticeEffect(effectId: string, at: string, notification: Notification): PendingEffect {
  return { effectId, at, payload: { kind: 'notify', notification } };
}

export interface EffectRecord extends PendingEffect {
  readonly status: 'pending' | 'done';
  readonly attempts: number;
  readonly lastError?: string;
  readonly doneAt?: string;
}

export interface NumberEffectStore {
  get(effectId: string): Promise<EffectRecord | undefined>;
  /** Pending effects due at or before `at`, oldest first. */
  due(at: string): Promise<EffectRecord[]>;
  /** Done: off the pending index, kept until `keepUntil` (epoch seconds). */
  markDone(effectId: string, at: string, keepUntil: number): Promise<void>;
  /** Still pending (refused if done meanwhile): due again at `due`. */
  markRetry(
    effectId: string,
    retry: { attempts: number; lastError: string; lastAttemptAt: string; due: string },
  ): Promise<void>;
  /** A contract as billing rates it (undefined if missing or incomplete), and when its service ended. */
  billingContract(
    number: string,
    contractId: string,
    defaultZone: string,
  ): Promise<{ readonly contract: BillingContract; readonly endedAt?: string } | undefined>;
}
