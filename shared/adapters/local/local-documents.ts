/**
 * The documents port locally: files on disk under the runtime's dataDir. A "presigned" URL points at the
 * local control route PUT /local/documents/{token}; the token names the key and carries an expiry and an
 * HMAC, so only URLs this adapter issued are accepted, and only until they expire. Like the versioned S3
 * bucket, every upload is kept as its own version (`<key>.versions/<versionId>`, the current one named in
 * `<key>.version`), so a document frozen at submission reads the same whatever is uploaded later.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import type { DocumentsPort } from '../../ports/documents.js';

export const LOCAL_UPLOAD_SECONDS = 15 * 60;

interface UploadGrant {
  readonly op?: 'put' | 'get';
  readonly key: string;
  readonly contentType: string;
  readonly maxBytes: number;
  readonly expiresAt: string;
  /** Downloads only: the version to read (absent: the current one). */
  readonly versionId?: string;
}

export interface LocalDocuments extends DocumentsPort {
  /** The first `bytes` bytes of the current version, its size and version id (as S3's ranged read). */
  readHead(
    key: string,
    bytes: number,
  ): Promise<{ head: Uint8Array; size: number; version: string } | undefined>;
  /** Stores an upload made to a URL this adapter issued; refuses forged, expired or oversized ones. */
  receive(
    token: string,
    body: Buffer,
    contentType: string | undefined,
    now: Date,
  ): Promise<{ status: number; code?: string }>;
  /** Reads a file through a download URL this adapter issued. */
  read(
    token: string,
    now: Date,
  ): Promise<{ status: number; code?: string; contentType?: string; body?: Buffer }>;
  pathOf(key: string): string;
  /** Deletes the current object, as S3's DeleteObject on a versioned bucket (older versions stay). */
  remove(key: string): Promise<void>;
}

export function createLocalDocuments(
  dataDir: string,
  options: { baseUrl?: () => string } = {},
): LocalDocuments {
  const secret = randomBytes(32);
  const root = join(dataDir, 'documents');
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  const pathOf = (key: string) => {
    const path = normalize(join(root, key));
    if (!path.startsWith(root)) throw new Error('document key escapes the documents folder');
    return path;
  };
  const versionPath = (key: string, versionId: string) => {
    if (!/^[0-9a-f]{32}$/.test(versionId)) throw new Error('not a local version id');
    return join(`${pathOf(key)}.versions`, versionId);
  };
  const currentVersion = async (key: string) =>
    existsSync(`${pathOf(key)}.version`)
      ? (await readFile(`${pathOf(key)}.version`, 'utf8')).trim()
      : undefined;
  const issue = (grant: UploadGrant) => {
    const payload = Buffer.from(JSON.stringify(grant)).toString('base64url');
    return `${payload}.${sign(payload)}`;
  };
  const verify = (token: string): UploadGrant | undefined => {
    const [payload, signature] = token.split('.');
    if (!payload || !signature) return undefined;
    const expected = Buffer.from(sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as UploadGrant;
  };
  return {
    pathOf,
    async presignDownload(key, now, versionId) {
      const expiresAt = new Date(now.getTime() + 5 * 60_000).toISOString();
      const token = issue({
        op: 'get',
        key,
        contentType: '',
        maxBytes: 0,
        expiresAt,
        ...(versionId ? { versionId } : {}),
      });
      return { url: `${options.baseUrl?.() ?? ''}/local/documents/${token}`, expiresAt };
    },
    async read(token, now) {
      const grant = verify(token);
      if (grant?.op !== 'get') return { status: 403, code: 'invalid_download_url' };
      if (Date.parse(grant.expiresAt) <= now.getTime()) return { status: 403, code: 'download_url_expired' };
      const path = grant.versionId ? versionPath(grant.key, grant.versionId) : pathOf(grant.key);
      if (!existsSync(path)) return { status: 404, code: 'document_not_found' };
      return { status: 200, body: await readFile(path) };
    },
    async presignUpload(key, contentType, maxBytes, now) {
      const grant: UploadGrant = {
        key,
        contentType,
        maxBytes,
        expiresAt: new Date(now.getTime() + LOCAL_UPLOAD_SECONDS * 1000).toISOString(),
      };
      const token = issue({ op: 'put', ...grant });
      return {
        method: 'PUT' as const,
        url: `${options.baseUrl?.() ?? ''}/local/documents/${token}`,
        expiresAt: grant.expiresAt,
      };
    },
    async exists(key) {
      return existsSync(pathOf(key));
    },
    async remove(key) {
      await rm(pathOf(key), { force: true });
      await rm(`${pathOf(key)}.version`, { force: true });
    },
    async readHead(key, bytes) {
      if (!existsSync(pathOf(key))) return undefined;
      const body = await readFile(pathOf(key));
      return {
        head: new Uint8Array(body.subarray(0, bytes)),
        size: body.length,
        version: (await currentVersion(key)) ?? '',
      };
    },
    async describe(key) {
      let versionId = await currentVersion(key);
      if (!versionId && existsSync(pathOf(key))) {
        // A file stored before versions were kept becomes its own first version.
        versionId = randomBytes(16).toString('hex');
        await mkdir(`${pathOf(key)}.versions`, { recursive: true });
        await writeFile(versionPath(key, versionId), await readFile(pathOf(key)));
        await writeFile(`${pathOf(key)}.version`, versionId);
      }
      if (!versionId) return undefined;
      const body = await readFile(versionPath(key, versionId));
      return { versionId, sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length };
    },
    async receive(token, body, contentType, now) {
      const grant = verify(token);
      if (!grant || grant.op === 'get') return { status: 403, code: 'invalid_upload_url' };
      if (Date.parse(grant.expiresAt) <= now.getTime()) return { status: 403, code: 'upload_url_expired' };
      if (contentType !== undefined && contentType.split(';')[0]?.trim() !== grant.contentType) {
        return { status: 403, code: 'content_type_mismatch' };
      }
      if (body.length === 0) return { status: 400, code: 'empty_upload' };
      if (body.length > grant.maxBytes) return { status: 413, code: 'upload_too_large' };
      const path = pathOf(grant.key);
      const versionId = randomBytes(16).toString('hex');
      await mkdir(`${path}.versions`, { recursive: true });
      await writeFile(versionPath(grant.key, versionId), body);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
      await writeFile(`${path}.version`, versionId);
      return { status: 200 };
    },
  };
}
