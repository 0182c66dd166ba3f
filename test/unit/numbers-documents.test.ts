import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLocalDocuments } from '../../shared/adapters/local/local-documents.js';
import { S3Documents } from '../../shared/adapters/s3/s3-documents.js';

const NOW = new Date('2026-11-25T02:00:00Z');

describe('S3 documents adapter', () => {
  const s3 = mockClient(S3Client);
  beforeEach(() => s3.reset());
  afterEach(() => vi.useRealTimers());
  const client = () =>
    new S3Client({
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });

  it('presigns a POST whose signed policy fixes key, type, encryption and a size range', async () => {
    // @aws-sdk/s3-presigned-post signs at the SDK's clock: fixed here, never the real one.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const docs = new S3Documents(client(), {
      bucket: 'docs-bucket',
      kmsKeyId: 'alias/documents',
    });
    const form = await docs.presignUpload('applications/t1/app/doc', 'application/pdf', 10_485_760, NOW);
    expect(form.method).toBe('POST');
    expect(form.url).toBe('https://docs-bucket.s3.ap-southeast-1.amazonaws.com/');
    expect(form.expiresAt).toBe('2026-11-25T02:10:00.000Z');
    const fields = form.fields ?? {};
    expect(fields).toMatchObject({
      key: 'applications/t1/app/doc',
      'Content-Type': 'application/pdf',
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': 'alias/documents',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261125/ap-southeast-1/s3/aws4_request',
      'X-Amz-Date': '20261125T020000Z',
    });
    const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8'));
    expect(policy.expiration).toBe('2026-11-25T02:10:00Z');
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: 'docs-bucket' },
        { key: 'applications/t1/app/doc' },
        { 'Content-Type': 'application/pdf' },
        { 'x-amz-server-side-encryption': 'aws:kms' },
        ['content-length-range', 1, 10_485_760],
      ]),
    );
    // Every field the client sends is pinned by the policy (S3 refuses fields the policy does not cover).
    for (const [name, value] of Object.entries(fields)) {
      if (name === 'Policy' || name === 'X-Amz-Signature') continue;
      expect(policy.conditions).toContainEqual({ [name]: value });
    }
    // SigV4 for POST: HMAC-SHA256 of the base64 policy with the derived signing key, computed here by hand.
    const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
    const signingKey = ['20261125', 'ap-southeast-1', 's3', 'aws4_request'].reduce<Buffer | string>(
      (key, part) => hmac(key, part),
      'AWS4secret',
    );
    expect(fields['X-Amz-Signature']).toBe(hmac(signingKey, fields.Policy ?? '').toString('hex'));
    expect(fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(s3.calls()).toHaveLength(0);
  });

  it('the prompts bucket pins SSE-S3 (no KMS key id) and the prompt size bound, and names S3 URIs for Connect', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const prompts = new S3Documents(client(), { bucket: 'prompts-bucket', encryption: 'AES256' });
    const key = 'prompts/t1/pr_0123456789abcdef0123456789abcdef.wav';
    const form = await prompts.presignUpload(key, 'audio/wav', 2_404_096, NOW);
    const fields = form.fields ?? {};
    expect(fields).toMatchObject({
      key,
      'Content-Type': 'audio/wav',
      'x-amz-server-side-encryption': 'AES256',
    });
    expect(fields).not.toHaveProperty('x-amz-server-side-encryption-aws-kms-key-id');
    const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { key },
        { 'Content-Type': 'audio/wav' },
        { 'x-amz-server-side-encryption': 'AES256' },
        ['content-length-range', 1, 2_404_096],
      ]),
    );
    expect(prompts.s3Uri(key)).toBe(`s3://prompts-bucket/${key}`);
  });

  it('presigns short-lived downloads for reviewers, of one version when asked', async () => {
    // getSignedUrl signs at the SDK's clock: fixed here, never the real one.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const docs = new S3Documents(client(), { bucket: 'docs-bucket' });
    const { url, expiresAt } = await docs.presignDownload('applications/t1/app/doc', NOW);
    expect(new URL(url).pathname).toBe('/applications/t1/app/doc');
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
    expect(new URL(url).searchParams.get('X-Amz-Date')).toBe('20261125T020000Z');
    expect(new URL(url).searchParams.has('versionId')).toBe(false);
    expect(expiresAt).toBe('2026-11-25T02:05:00.000Z');
    const pinned = await docs.presignDownload('applications/t1/app/doc', NOW, 'v-3HL4kqtJlcpXroDTDmJ');
    expect(new URL(pinned.url).searchParams.get('versionId')).toBe('v-3HL4kqtJlcpXroDTDmJ');
  });

  it('reads a prompt’s head with a ranged GetObject: its bytes, the whole size and the version', async () => {
    s3.on(GetObjectCommand, { Key: 'prompts/t1/p.wav' }).resolves({
      VersionId: 'v-3',
      ContentRange: 'bytes 0-3/8044',
      Body: Readable.from([Buffer.from('RI'), Buffer.from('FF')]) as never,
    });
    s3.on(GetObjectCommand, { Key: 'prompts/t1/none.wav' }).rejects(
      new NoSuchKey({ message: 'no such key', $metadata: { httpStatusCode: 404 } }),
    );
    const prompts = new S3Documents(client(), { bucket: 'prompts-bucket', encryption: 'AES256' });
    const read = await prompts.readHead('prompts/t1/p.wav', 4);
    expect(read).toEqual({ head: new Uint8Array(Buffer.from('RIFF')), size: 8044, version: 'v-3' });
    expect(await prompts.readHead('prompts/t1/none.wav', 4)).toBeUndefined();
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'prompts-bucket',
      Key: 'prompts/t1/p.wav',
      Range: 'bytes=0-3',
    });
  });

  it('describes the current version by reading and hashing its bytes', async () => {
    s3.on(GetObjectCommand, { Key: 'there' }).resolves({
      VersionId: 'v-1',
      Body: Readable.from([Buffer.from('%PDF-'), Buffer.from('1.7')]) as never,
    });
    s3.on(GetObjectCommand, { Key: 'missing' }).rejects(
      new NoSuchKey({ message: 'no such key', $metadata: { httpStatusCode: 404 } }),
    );
    s3.on(GetObjectCommand, { Key: 'unversioned' }).resolves({
      VersionId: 'null',
      Body: Readable.from([Buffer.from('x')]) as never,
    });
    const docs = new S3Documents(client(), { bucket: 'docs-bucket' });
    expect(await docs.describe('there')).toEqual({
      versionId: 'v-1',
      // sha256("%PDF-1.7")
      sha256: createHash('sha256').update('%PDF-1.7').digest('hex'),
      bytes: 8,
    });
    expect(await docs.describe('missing')).toBeUndefined();
    await expect(docs.describe('unversioned')).rejects.toThrow('not versioned');
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'docs-bucket', Key: 'there' });
    // The S3 model: Bucket and Key are required, a key is 1 to 1,024 bytes (UTF-8); no other member is sent.
    for (const call of s3.calls()) {
      const input = call.args[0].input as Record<string, unknown>;
      expect(Object.keys(input).sort()).toEqual(['Bucket', 'Key']);
      expect(Buffer.byteLength(String(input.Key))).toBeGreaterThanOrEqual(1);
      expect(Buffer.byteLength(String(input.Key))).toBeLessThanOrEqual(1024);
    }
  });

  it('answers whether an object arrived', async () => {
    s3.on(HeadObjectCommand, { Key: 'there' }).resolves({ ContentLength: 10 });
    s3.on(HeadObjectCommand, { Key: 'missing' }).rejects(
      new NotFound({ message: 'not found', $metadata: { httpStatusCode: 404 } }),
    );
    const docs = new S3Documents(client(), { bucket: 'docs-bucket' });
    expect(await docs.exists('there')).toBe(true);
    expect(await docs.exists('missing')).toBe(false);
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: 'docs-bucket', Key: 'there' });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('lets other S3 errors through', async () => {
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(new S3Documents(client(), { bucket: 'b' }).exists('k')).rejects.toThrow('denied');
  });
});

describe('local documents adapter', () => {
  it('stores an upload made to a URL it issued, and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-'));
    const docs = createLocalDocuments(dir);
    const { url } = await docs.presignUpload('applications/t1/a/d1', 'application/pdf', 16, NOW);
    const token = url.split('/').at(-1) as string;
    expect(await docs.exists('applications/t1/a/d1')).toBe(false);
    expect(await docs.receive(`${token.slice(0, -2)}xx`, Buffer.from('x'), undefined, NOW)).toMatchObject({
      status: 403,
    });
    expect(await docs.receive(token, Buffer.from('x'), 'image/png', NOW)).toMatchObject({
      code: 'content_type_mismatch',
    });
    expect(await docs.receive(token, Buffer.alloc(17), undefined, NOW)).toMatchObject({ status: 413 });
    expect(
      await docs.receive(token, Buffer.from('x'), undefined, new Date(NOW.getTime() + 16 * 60_000)),
    ).toMatchObject({
      code: 'upload_url_expired',
    });
    expect(await docs.receive(token, Buffer.from('%PDF'), 'application/pdf', NOW)).toEqual({ status: 200 });
    expect(await docs.exists('applications/t1/a/d1')).toBe(true);
    expect(readFileSync(docs.pathOf('applications/t1/a/d1'), 'utf8')).toBe('%PDF');
    // An upload URL is no download URL, and the other way round.
    expect(await docs.read(token, NOW)).toMatchObject({ status: 403 });
    const download = await docs.presignDownload('applications/t1/a/d1', NOW);
    const readToken = download.url.split('/').at(-1) as string;
    expect((await docs.read(readToken, NOW)).body?.toString()).toBe('%PDF');
    expect(await docs.receive(readToken, Buffer.from('x'), undefined, NOW)).toMatchObject({ status: 403 });
  });

  it('keeps every upload as a version: a described version reads the same after a later upload', async () => {
    const docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'docs-')));
    const { method, url } = await docs.presignUpload('applications/t1/a/d2', 'image/png', 16, NOW);
    expect(method).toBe('PUT');
    const token = url.split('/').at(-1) as string;
    expect(await docs.describe('applications/t1/a/d2')).toBeUndefined();
    await docs.receive(token, Buffer.from('first'), 'image/png', NOW);
    const first = await docs.describe('applications/t1/a/d2');
    expect(first).toEqual({
      versionId: expect.stringMatching(/^[0-9a-f]{32}$/),
      sha256: createHash('sha256').update('first').digest('hex'),
      bytes: 5,
    });
    await docs.receive(token, Buffer.from('second'), 'image/png', NOW);
    expect((await docs.describe('applications/t1/a/d2'))?.versionId).not.toBe(first?.versionId);
    const pinned = await docs.presignDownload('applications/t1/a/d2', NOW, first?.versionId);
    expect((await docs.read(pinned.url.split('/').at(-1) as string, NOW)).body?.toString()).toBe('first');
    const current = await docs.presignDownload('applications/t1/a/d2', NOW);
    expect((await docs.read(current.url.split('/').at(-1) as string, NOW)).body?.toString()).toBe('second');
  });

  it('refuses keys that escape its folder', () => {
    const docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'docs-')));
    expect(() => docs.pathOf('../../etc/passwd')).toThrow();
  });
});
