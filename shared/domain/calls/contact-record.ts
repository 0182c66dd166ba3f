/**
 * Amazon Connect contact records, parsed defensively: records arrive with nulls everywhere, unknown
 * fields, CHAT/TASK contacts and transfer segments, and sometimes not as JSON at all. Parsing never
 * throws: it answers a normalised contact, a contact to ignore (nothing to rate), or a reason to reject.
 */
export interface NormalizedContact {
  readonly contactId: string;
  readonly lastUpdatedAt: string;
  readonly lastUpdateMs: number;
  /** The access number the caller dialled (SystemEndpoint); null on some transfer segments. */
  readonly accessNumber: string | undefined;
  readonly caller: string | undefined;
  /** The external answer number, or the agent's user name when a Connect agent answered. */
  readonly answeredBy: string | undefined;
  readonly answerNumber: string | undefined;
  readonly startedAt: string;
  readonly startedMs: number;
  readonly answeredMs: number | undefined;
  readonly endedMs: number;
  readonly recordingSeconds: number;
  readonly recordingRef: string | undefined;
  readonly ivr: boolean;
  /** The first contact of a transfer chain, when this record is a later segment. */
  readonly initialContactId: string | undefined;
  readonly disconnectReason: string | undefined;
}

export type ParsedRecord =
  | { readonly kind: 'call'; readonly contact: NormalizedContact }
  | { readonly kind: 'ignored'; readonly contactId: string; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function instant(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.length < 10 || v.length > 40) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

function endpointAddress(v: unknown): string | undefined {
  return isObject(v) ? str(v.Address) : undefined;
}

const CONTACT_ID = /^[A-Za-z0-9-]{1,128}$/;

const utf8 = new TextDecoder();

/** The raw bytes (UTF-8), JSON text or value of one stream record → a normalised contact. */
export function parseContactRecord(raw: unknown): ParsedRecord {
  let record: unknown = raw;
  const text = raw instanceof Uint8Array ? utf8.decode(raw) : raw;
  if (typeof text === 'string') {
    try {
      record = JSON.parse(text);
    } catch {
      return { kind: 'rejected', reason: 'malformed JSON' };
    }
  }
  if (!isObject(record)) return { kind: 'rejected', reason: 'record is not a JSON object' };
  const contactId = str(record.ContactId);
  if (!contactId || !CONTACT_ID.test(contactId))
    return { kind: 'rejected', reason: 'missing or invalid ContactId' };
  const lastUpdateMs = instant(record.LastUpdateTimestamp);
  if (lastUpdateMs === undefined)
    return { kind: 'rejected', reason: 'missing or invalid LastUpdateTimestamp' };
  const channel = str(record.Channel);
  if (channel !== 'VOICE')
    return { kind: 'ignored', contactId, reason: `channel ${channel ?? '(none)'} is not rated` };
  if (str(record.InitiationMethod) === 'OUTBOUND')
    return { kind: 'ignored', contactId, reason: 'outbound contact' };
  const startedMs = instant(record.InitiationTimestamp) ?? instant(record.ConnectedToSystemTimestamp);
  const endedMs = instant(record.DisconnectTimestamp);
  if (startedMs === undefined) return { kind: 'rejected', reason: 'missing or invalid InitiationTimestamp' };
  if (endedMs === undefined) return { kind: 'rejected', reason: 'missing or invalid DisconnectTimestamp' };
  if (endedMs < startedMs)
    return { kind: 'rejected', reason: 'DisconnectTimestamp is before InitiationTimestamp' };

  const agent = isObject(record.Agent) ? record.Agent : undefined;
  const transferTo = endpointAddress(record.TransferredToEndpoint);
  const transferredMs = transferTo ? instant(record.TransferCompletedTimestamp) : undefined;
  const agentMs = agent ? instant(agent.ConnectedToAgentTimestamp) : undefined;
  // Answered when the forward completed or an agent picked up; an answer outside the call is ignored.
  const answerCandidate = transferredMs ?? agentMs;
  const answeredMs =
    answerCandidate !== undefined && answerCandidate >= startedMs && answerCandidate <= endedMs
      ? answerCandidate
      : undefined;

  let recordingSeconds = 0;
  let recordingRef: string | undefined;
  if (Array.isArray(record.Recordings)) {
    for (const r of record.Recordings) {
      if (!isObject(r)) continue;
      recordingRef ??= str(r.Location);
      const start = instant(r.StartTimestamp);
      const stop = instant(r.StopTimestamp);
      if (start !== undefined && stop !== undefined && stop > start)
        recordingSeconds += Math.floor((stop - start) / 1000);
    }
  }
  if (isObject(record.Recording)) {
    recordingRef ??= str(record.Recording.Location);
    if (recordingSeconds === 0 && recordingRef && answeredMs !== undefined) {
      recordingSeconds = Math.floor((endedMs - answeredMs) / 1000);
    }
  }
  const attributes = isObject(record.Attributes) ? record.Attributes : {};
  return {
    kind: 'call',
    contact: {
      contactId,
      lastUpdatedAt: new Date(lastUpdateMs).toISOString(),
      lastUpdateMs,
      accessNumber: endpointAddress(record.SystemEndpoint),
      caller: endpointAddress(record.CustomerEndpoint),
      answeredBy:
        answeredMs === undefined ? undefined : (transferTo ?? (agent ? str(agent.Username) : undefined)),
      answerNumber: answeredMs === undefined ? undefined : transferTo,
      startedAt: new Date(startedMs).toISOString(),
      startedMs,
      answeredMs,
      endedMs,
      recordingSeconds,
      recordingRef,
      ivr: str(attributes.ivrPath) !== undefined,
      initialContactId: str(record.InitialContactId) ?? str(record.PreviousContactId),
      disconnectReason: str(record.DisconnectReason),
    },
  };
}

/** A stream batch parsed: the newest record of each contact, and what could not be rated. */
export interface ParsedBatch {
  readonly newest: NormalizedContact[];
  readonly rejected: { readonly id: string; readonly reason: string }[];
  readonly ignored: number;
  /** Every delivery of each contact (the stream's record ids): a contact that fails fails all of them. */
  readonly idsByContact: ReadonlyMap<string, readonly string[]>;
}

/** The records of one stream batch (id: the stream's record id; data: its bytes or value). */
export function parseContactBatch(
  records: readonly { readonly id: string; readonly data: unknown }[],
): ParsedBatch {
  const rejected: { id: string; reason: string }[] = [];
  const parsed: { contact: NormalizedContact; id: string }[] = [];
  const idsByContact = new Map<string, string[]>();
  let ignored = 0;
  for (const record of records) {
    const result = parseContactRecord(record.data);
    if (result.kind === 'rejected') rejected.push({ id: record.id, reason: result.reason });
    else if (result.kind === 'ignored') ignored++;
    else {
      parsed.push({ contact: result.contact, id: record.id });
      const ids = idsByContact.get(result.contact.contactId);
      if (ids) ids.push(record.id);
      else idsByContact.set(result.contact.contactId, [record.id]);
    }
  }
  return { newest: newestPerContact(parsed).map((p) => p.contact), rejected, ignored, idsByContact };
}

/**
 * Connect delivers at least once and again on every change: within a batch keep only the newest record
 * of each contact (ties: the later delivery).
 */
export function newestPerContact<T extends { contact: NormalizedContact }>(items: readonly T[]): T[] {
  const newest = new Map<string, T>();
  for (const item of items) {
    const seen = newest.get(item.contact.contactId);
    if (!seen || item.contact.lastUpdateMs >= seen.contact.lastUpdateMs)
      newest.set(item.contact.contactId, item);
  }
  return [...newest.values()];
}
