/**
 * AWS Signature Version 4 for JSON-protocol POST requests, on node:crypto alone. Retired by issue 12: the
 * ~140 KB it was written to avoid was @smithy/signature-v4 bundled from its CommonJS build; bundled from
 * its ES modules (mainFields module first, as CDK bundles) it is ~15 KB, and route-call now signs with it
 * (../dynamo/routing-call-reads.ts). Its last user is ../dynamo/json-rpc.ts; delete both together.
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignableRequest {
  readonly host: string;
  readonly path: string;
  /** Headers besides host, x-amz-date and x-amz-security-token (added here); all are signed. */
  readonly headers: Readonly<Record<string, string>>;
  /** The exact bytes sent (a string is hashed as UTF-8). */
  readonly body: string | Buffer;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

const sha256Hex = (data: string | Buffer) =>
  (typeof data === 'string'
    ? createHash('sha256').update(data, 'utf8')
    : createHash('sha256').update(data)
  ).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** 20250101T000000Z */
export function amzDate(at: Date): string {
  const iso = at.toISOString(); // 2025-01-01T00:00:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

export class SigV4Signer {
  private signingKey: { scope: string; secret: string; key: Buffer } | undefined;

  constructor(
    private readonly region: string,
    private readonly service: string,
  ) {}

  /** The request's headers, signed: the given ones plus host, x-amz-date, token and authorization. */
  sign(request: SignableRequest, credentials: AwsCredentials, at = new Date()): Record<string, string> {
    const stamp = amzDate(at);
    const day = stamp.slice(0, 8);
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    headers.host = request.host;
    headers['x-amz-date'] = stamp;
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const names = Object.keys(headers).sort();
    let canonicalHeaders = '';
    for (const name of names)
      canonicalHeaders += `${name}:${(headers[name] as string).trim().replace(/\s+/g, ' ')}\n`;
    const signedHeaders = names.join(';');
    const canonicalRequest = [
      'POST',
      request.path,
      '',
      canonicalHeaders,
      signedHeaders,
      sha256Hex(request.body),
    ].join('\n');
    const stringToSign = [ALGORITHM, stamp, scope, sha256Hex(canonicalRequest)].join('\n');
    const signature = createHmac('sha256', this.keyFor(scope, day, credentials.secretAccessKey))
      .update(stringToSign, 'utf8')
      .digest('hex');
    headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  /** The derived key changes once a day (and with the secret); four HMACs saved on every other call. */
  private keyFor(scope: string, day: string, secret: string): Buffer {
    const cached = this.signingKey;
    if (cached && cached.scope === scope && cached.secret === secret) return cached.key;
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), this.region), this.service), 'aws4_request');
    this.signingKey = { scope, secret, key };
    return key;
  }
}
