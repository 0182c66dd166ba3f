import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLocalDocuments } from '../../shared/adapters/local/local-documents.js';
import { S3Documents } from '../../shared/adapters/s3/s3-documents.js';

const NOW = new Date('2026-11-25T02:00:00Z');

describe('S3 documents adapter', () => {
  const s3 = mockClient(S3Client);
  beforeEach(() => s3.reset());
  const client = () =>
    new S3Client({
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });

  it('presigns a PUT that demands SSE-KMS with the documents key', async () => {
    const docs = new S3Documents(client(), {
      bucket: 'docs-bucket',
      kmsKeyId: 'alias/documents',
      now: () => NOW,
    });
    const { url, expiresAt } = await docs.presignUpload('applications/t1/app/doc', 'application/pdf', 1024);
    const parsed = new URL(url);
    expect(parsed.hostname).toContain('docs-bucket');
    expect(parsed.pathname).toBe('/applications/t1/app/doc');
    expect(parsed.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(parsed.searchParams.get('X-Amz-SignedHeaders')).toContain('x-amz-server-side-encryption');
    expect(expiresAt).toBe('2026-11-25T02:15:00.000Z');
  });

  it('presigns short-lived downloads for reviewers', async () => {
    const docs = new S3Documents(client(), { bucket: 'docs-bucket', now: () => NOW });
    const { url, expiresAt } = await docs.presignDownload('applications/t1/app/doc');
    expect(new URL(url).pathname).toBe('/applications/t1/app/doc');
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
    expect(expiresAt).toBe('2026-11-25T02:05:00.000Z');
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
    const docs = createLocalDocuments(dir, { now: () => NOW });
    const { url } = await docs.presignUpload('applications/t1/a/d1', 'application/pdf', 16);
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
    const download = await docs.presignDownload('applications/t1/a/d1');
    const readToken = download.url.split('/').at(-1) as string;
    expect((await docs.read(readToken, NOW)).body?.toString()).toBe('%PDF');
    expect(await docs.receive(readToken, Buffer.from('x'), undefined, NOW)).toMatchObject({ status: 403 });
  });

  it('refuses keys that escape its folder', () => {
    const docs = createLocalDocuments(mkdtempSync(join(tmpdir(), 'docs-')));
    expect(() => docs.pathOf('../../etc/passwd')).toThrow();
  });
});
