/**
 * A parked contact re-enters the charging path as the contact record it parses back from: for the handbook's
 * records and for generated ones (forwarded, agent-answered, missed, recorded, IVR, transfer segments),
 * parsing `contactRecordOf(c)` gives `c` again, field for field.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../infra/function-catalogue.js';
import { parseContactRecord } from '../../shared/domain/calls/contact-record.js';
import { contactRecordOf } from '../../shared/domain/calls/parked-records.js';
import { routeById } from '../../shared/http/routes.js';
import { fixture } from '../integration/ingest-fixtures.js';

const contactOf = (record: unknown) => {
  const parsed = parseContactRecord(JSON.stringify(record));
  if (parsed.kind !== 'call') throw new Error(`not a call: ${JSON.stringify(parsed)}`);
  return parsed.contact;
};

const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.parse('2027-01-06T03:00:00Z');

const generatedRecord = fc
  .record({
    id: fc.stringMatching(/^[A-Za-z0-9-]{1,40}$/),
    startOffset: fc.integer({ min: 0, max: 10_000_000 }),
    ringMs: fc.integer({ min: 0, max: 60_000 }),
    talkMs: fc.integer({ min: 0, max: 3_600_000 }),
    answer: fc.constantFrom('forward', 'agent', 'agent-anonymous', 'none', 'forward-unanswered'),
    recording: fc.constantFrom('none', 'timed', 'location', 'both', 'legacy'),
    ivr: fc.boolean(),
    initial: fc.option(fc.stringMatching(/^[a-f0-9-]{8,36}$/), { nil: undefined }),
    caller: fc.option(fc.constantFrom('+862161234567', '+8613800000000'), { nil: undefined }),
    access: fc.option(fc.constantFrom('+6532000031', '+6531580001'), { nil: undefined }),
    reason: fc.option(fc.constantFrom('CUSTOMER_DISCONNECT', 'AGENT_DISCONNECT'), { nil: undefined }),
  })
  .map((g) => {
    const start = T0 + g.startOffset;
    const answered = start + g.ringMs;
    const end = answered + g.talkMs;
    const record: Record<string, unknown> = {
      ContactId: g.id,
      Channel: 'VOICE',
      InitiationMethod: g.initial ? 'TRANSFER' : 'INBOUND',
      InitiationTimestamp: iso(start),
      DisconnectTimestamp: iso(end),
      LastUpdateTimestamp: iso(end + 30_000),
      ...(g.access ? { SystemEndpoint: { Address: g.access, Type: 'TELEPHONE_NUMBER' } } : {}),
      ...(g.caller ? { CustomerEndpoint: { Address: g.caller, Type: 'TELEPHONE_NUMBER' } } : {}),
      ...(g.initial ? { InitialContactId: g.initial, PreviousContactId: g.initial } : {}),
      ...(g.reason ? { DisconnectReason: g.reason } : {}),
      ...(g.ivr ? { Attributes: { ivrPath: '1>2' } } : {}),
    };
    if (g.answer === 'forward' || g.answer === 'forward-unanswered') {
      record.TransferredToEndpoint = { Address: '+861058881234', Type: 'TELEPHONE_NUMBER' };
      if (g.answer === 'forward') record.TransferCompletedTimestamp = iso(answered);
    }
    if (g.answer === 'agent') record.Agent = { ConnectedToAgentTimestamp: iso(answered), Username: 'li.wei' };
    if (g.answer === 'agent-anonymous') record.Agent = { ConnectedToAgentTimestamp: iso(answered) };
    if (g.recording === 'timed' || g.recording === 'both')
      record.Recordings = [
        {
          ...(g.recording === 'both' ? { Location: `bucket/connect/${g.id}.wav` } : {}),
          StartTimestamp: iso(answered),
          StopTimestamp: iso(end),
        },
      ];
    if (g.recording === 'location') record.Recordings = [{ Location: `bucket/connect/${g.id}.wav` }];
    if (g.recording === 'legacy') record.Recording = { Location: `bucket/connect/${g.id}.wav` };
    return record;
  });

describe('contactRecordOf', () => {
  it('parses back to the same contact for the handbook records', () => {
    for (const name of [
      'ctr-forwarded-call.json',
      'ctr-forwarded-call-update.json',
      'ctr-agent-answered.json',
      'ctr-abandoned-in-queue.json',
    ]) {
      const contact = contactOf(fixture(name));
      expect(contactOf(contactRecordOf(contact)), name).toEqual(contact);
    }
  });

  it('property: parses back to the same contact for generated records', () => {
    fc.assert(
      fc.property(generatedRecord, (record) => {
        const contact = contactOf(record);
        expect(contactOf(contactRecordOf(contact))).toEqual(contact);
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});

describe('the charge route runs the charging path', () => {
  it('has every table, capability and asset the contact-record consumer has (rows drift apart otherwise)', () => {
    const ingest = FUNCTIONS.find((f) => f.id === 'ctrIngest');
    const route = routeById('resolveParkedCall');
    expect(ingest).toBeDefined();
    for (const [table, access] of Object.entries(ingest?.tables ?? {}))
      expect(route.tables[table as keyof typeof route.tables], table).toBe(access);
    expect(route.capabilities ?? []).toEqual(expect.arrayContaining([...(ingest?.capabilities ?? [])]));
    expect(route.assets ?? []).toEqual(expect.arrayContaining([...(ingest?.assets ?? [])]));
  });
});
