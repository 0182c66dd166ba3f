/** The stored call record: one item per contact, which is also the call's ledger entry (key call#<ContactId>). */
export interface CallRecord {
  readonly contactId: string;
  readonly tenantId: string;
  /** The 400 number called. */
  readonly number: string;
  readonly accessNumber: string;
  readonly caller?: string;
  readonly callerRegion?: string;
  readonly answeredBy?: string;
  readonly answerNumber?: string;
  readonly startedAt: string;
  readonly answeredAt?: string;
  readonly endedAt: string;
  /** Local day (business zone) of the start; spend and reports count on this day. */
  readonly day: string;
  /** Seconds from answer to disconnect (0 when missed). */
  readonly durationSeconds: number;
  readonly billedSeconds: number;
  readonly includedSecondsUsed: number;
  /**
   * The allowance bucket the included seconds came from (shared/domain/ledger/allowances.ts):
   * `<YYYY-MM>#number#<400 number>` or `<YYYY-MM>#pool#<plan>`; absent when the plan includes no minutes.
   */
  readonly allowanceKey?: string;
  /** Fen charged for the call in total (after adjustments); ≥ 0. */
  readonly amount: number;
  readonly missed: boolean;
  readonly local: boolean;
  readonly ivr: boolean;
  readonly recordingRef?: string;
  readonly recordingSeconds: number;
  readonly segment: string;
  readonly plan: string;
  readonly tariffVersion: string;
  /** The contact record's LastUpdateTimestamp this item reflects; older deliveries are stale. */
  readonly lastUpdatedAt: string;
  readonly initialContactId?: string;
}

export const callLedgerKey = (contactId: string) => `call#${contactId}`;
export const callAdjustmentKey = (contactId: string, lastUpdatedAt: string) =>
  `call#${contactId}#${lastUpdatedAt}`;
/** The adjustment of a call re-settled because its bucket's allocation changed (bucket version: unique). */
export const allowanceAdjustmentKey = (contactId: string, bucketKey: string, bucketVersion: number) =>
  `call#${contactId}#allowance#${bucketKey}#v${bucketVersion}`;

/** The text of a call's ledger entry, fixed when it is first posted. */
export const callEntryText = (r: Pick<CallRecord, 'caller' | 'billedSeconds'>) =>
  `call from ${r.caller ?? 'unknown'} (${r.billedSeconds}s billed)`;
