/** The cursor key's Secrets Manager adapter: the secret named by its ARN, read as given, refused if short. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { readCursorKeyFromEnv } from '../../shared/adapters/secrets/cursor-key.js';
import { CURSOR_KEY_SECRET_ENV } from '../../shared/ports/paging.js';
import { providerRequestProblems } from '../support/provider-models.js';

const ARN = 'arn:aws:secretsmanager:cn-north-1:123456789012:secret:CursorsSigningKey-AbCdEf';
const secrets = mockClient(SecretsManagerClient);

afterEach(() => {
  secrets.reset();
  delete process.env[CURSOR_KEY_SECRET_ENV];
});

describe('the cursor key from Secrets Manager', () => {
  it('reads the secret its ARN names (SecretId: 1–2048 characters) and uses its 64 characters as the key', async () => {
    // Prepare
    process.env[CURSOR_KEY_SECRET_ENV] = ARN;
    const value = 'k'.repeat(64);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: value });
    // Act
    const port = await readCursorKeyFromEnv(new SecretsManagerClient({ region: 'cn-north-1' }));
    // Assess
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: ARN });
    for (const call of secrets.commandCalls(GetSecretValueCommand))
      expect(providerRequestProblems('GetSecretValue', call.args[0].input)).toEqual([]);
    // The check can fail: an empty id is outside the model.
    expect(providerRequestProblems('GetSecretValue', { SecretId: '' })).not.toEqual([]);
    expect(Buffer.from(port.key).toString('utf8')).toBe(value);
  });

  it('fails fast on a key shorter than 32 bytes, and without the variable', async () => {
    process.env[CURSOR_KEY_SECRET_ENV] = ARN;
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'short' });
    await expect(readCursorKeyFromEnv(new SecretsManagerClient({ region: 'cn-north-1' }))).rejects.toThrow(
      /at least 32/,
    );
    delete process.env[CURSOR_KEY_SECRET_ENV];
    await expect(readCursorKeyFromEnv(new SecretsManagerClient({ region: 'cn-north-1' }))).rejects.toThrow(
      CURSOR_KEY_SECRET_ENV,
    );
  });
});
