import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LocalTokenIssuer } from '../../infra/local/tokens.js';

describe('local dev tokens', () => {
  it('round-trips claims the way API Gateway hands them over (strings, arrays flattened)', async () => {
    const issuer = new LocalTokenIssuer();
    const claims = await issuer.verify(
      await issuer.issue({ tenantId: 'acme', roles: ['tenant-admin', 'operator'] }),
    );
    expect(claims?.['custom:tenant_id']).toBe('acme');
    expect(claims?.['cognito:groups']).toBe('[tenant-admin operator]');
    expect(typeof claims?.sub).toBe('string');
  });

  it('refuses a token signed with another secret, a tampered one and an expired one', async () => {
    const issuer = new LocalTokenIssuer();
    const other = new LocalTokenIssuer();
    expect(
      await issuer.verify(await other.issue({ tenantId: 'acme', roles: ['tenant-admin'] })),
    ).toBeUndefined();

    const token = await issuer.issue({ tenantId: 'acme', roles: ['tenant-viewer'] });
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()),
        'custom:tenant_id': 'victim',
      }),
    ).toString('base64url');
    expect(await issuer.verify(`${header}.${forged}.${signature}`)).toBeUndefined();

    const secret = new Uint8Array(32).fill(7);
    const fixed = new LocalTokenIssuer(secret);
    const expired = await new SignJWT({ 'cognito:groups': ['tenant-admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('s')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      // Expired long before any day the suite runs on.
      .setExpirationTime(Date.parse('2001-01-01T00:00:00Z') / 1000)
      .sign(secret);
    expect(await fixed.verify(expired)).toBeUndefined();
  });
});
