/**
 * Call recordings: where a contact record's recording location points (the handbook's fixture), the
 * presigned S3 download (a model-valid GetObject, five minutes, signed at the given instant, only for the
 * recordings bucket) and the use case's one 404 for every call that is not the tenant's recorded call.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createLocalRecordings } from '../../shared/adapters/local/local-recordings.js';
import { RECORDING_URL_SECONDS, S3Recordings } from '../../shared/adapters/s3/s3-recordings.js';
import { getCallRecording } from '../../shared/app/calls/get-recording.js';
import type { CallRecord } from '../../shared/domain/calls/call-record.js';
import { recordingObject } from '../../shared/domain/calls/recording.js';
import { DomainError } from '../../shared/domain/errors.js';
import { fixture } from '../integration/ingest-fixtures.js';
import { providerRequestProblems } from '../support/provider-models.js';

const BUCKET = 'connect-recordings-111122223333';
const KEY =
  'connect/hotline/CallRecordings/2026/11/24/5d8e1a7c-3f0b-4c2e-9a61-7c1d2b3e4f50_20261124T02:15_UTC.wav';
const NOW = new Date('2026-11-24T03:10:00.000Z');

describe('the recording a contact record names', () => {
  it("reads the bucket and key from the fixture's Recordings[].Location", () => {
    const update = fixture('ctr-forwarded-call-update.json') as { Recordings: { Location: string }[] };
    expect(recordingObject(update.Recordings[0]?.Location)).toEqual({ bucket: BUCKET, key: KEY });
  });

  it('names nothing for a null, keyless or malformed location', () => {
    for (const location of [undefined, '', BUCKET, `${BUCKET}/`, 'Not_A_Bucket/key.wav', 'ab/key.wav'])
      expect(recordingObject(location)).toBeUndefined();
  });
});

describe('the S3 recordings adapter', () => {
  function adapter() {
    const client = new S3Client({
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const requests: { operation: string; input: unknown }[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        requests.push({ operation: String(context.commandName).replace(/Command$/, ''), input: args.input });
        return next(args);
      },
      { step: 'initialize', name: 'captureRequests' },
    );
    return { recordings: new S3Recordings(client, BUCKET), requests };
  }

  it('signs a model-valid GetObject of the recording for five minutes from now', async () => {
    const { recordings, requests } = adapter();
    const link = await recordings.presignDownload({ bucket: BUCKET, key: KEY }, NOW);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.operation).toBe('GetObject');
    expect(providerRequestProblems('GetObject', requests[0]?.input)).toEqual([]);
    expect(requests[0]?.input).toMatchObject({ Bucket: BUCKET, Key: KEY });

    expect(RECORDING_URL_SECONDS).toBe(300);
    expect(link?.expiresAt).toBe('2026-11-24T03:15:00.000Z');
    const url = new URL(link?.url ?? '');
    expect(url.protocol).toBe('https:');
    expect(url.hostname).toBe(`${BUCKET}.s3.ap-southeast-1.amazonaws.com`);
    expect(decodeURIComponent(url.pathname)).toBe(`/${KEY}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261124T031000Z');
    expect(url.searchParams.get('X-Amz-Credential')).toBe(
      'AKIDEXAMPLE/20261124/ap-southeast-1/s3/aws4_request',
    );
    expect(url.searchParams.get('response-content-disposition')).toBe(
      'attachment; filename="5d8e1a7c-3f0b-4c2e-9a61-7c1d2b3e4f50_20261124T02:15_UTC.wav"',
    );
  });

  it('signs nothing for an object outside the recordings bucket', async () => {
    const { recordings, requests } = adapter();
    await expect(
      recordings.presignDownload({ bucket: 'someone-elses-bucket', key: KEY }, NOW),
    ).resolves.toBeUndefined();
    expect(requests).toHaveLength(0);
  });
});

describe('getting a call recording', () => {
  const call = (over: Partial<CallRecord>) =>
    ({ contactId: 'c-1', tenantId: 'acme', recordingRef: `${BUCKET}/${KEY}`, ...over }) as CallRecord;
  const calls = new Map<string, CallRecord>([
    ['recorded', call({ contactId: 'recorded' })],
    ['unrecorded', call({ contactId: 'unrecorded', recordingRef: undefined })],
    ['elsewhere', call({ contactId: 'elsewhere', recordingRef: `other-bucket/${KEY}` })],
  ]);
  const deps = () => {
    const local = createLocalRecordings();
    return {
      local,
      calls: { find: async (id: string) => calls.get(id) },
      recordings: async () => ({
        presignDownload: async (r: { bucket: string; key: string }, now: Date) =>
          r.bucket === BUCKET ? local.presignDownload(r, now) : undefined,
      }),
    };
  };

  it("links the tenant's own recorded call", async () => {
    const d = deps();
    const link = await getCallRecording(d, { tenantId: 'acme', contactId: 'recorded', now: NOW });
    expect(link).toMatchObject({ contactId: 'recorded', expiresAt: '2026-11-24T03:15:00.000Z' });
    expect(d.local.issued).toEqual([expect.objectContaining({ bucket: BUCKET, key: KEY })]);
  });

  it("answers the same 404 for another tenant's call, no recording, a foreign bucket and an unknown id", async () => {
    const cases = [
      { tenantId: 'beta', contactId: 'recorded' },
      { tenantId: 'acme', contactId: 'unrecorded' },
      { tenantId: 'acme', contactId: 'elsewhere' },
      { tenantId: 'acme', contactId: 'unknown' },
    ];
    for (const c of cases) {
      const d = deps();
      const error = await getCallRecording(d, { ...c, now: NOW }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ kind: 'not_found', code: 'recording_not_found' });
      expect(d.local.issued).toEqual([]);
    }
  });
});
