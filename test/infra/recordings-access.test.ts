/**
 * The recording route with the real registries: its function reads objects of the recordings bucket under
 * Connect's prefix (s3:GetObject only: no listing, no writes) and decrypts with the recordings key, and no
 * other function touches the recordings bucket.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RECORDINGS_PREFIX } from '../../infra/constructs/recordings-bucket.js';
import { FUNCTIONS, JOBS } from '../../infra/function-catalogue.js';
import { ROUTES } from '../../shared/http/routes.js';
import { buildTestApp, type TestApp } from './support/hotline-app.js';
import { actionsOf, functionProperties, statementsOf } from './support/template-queries.js';

describe('recording downloads', () => {
  let built: TestApp;
  let bucketId: string;
  let keyId: string;
  beforeAll(() => {
    built = buildTestApp({ routes: ROUTES, functions: FUNCTIONS, jobs: JOBS });
    bucketId = built.stateful.getLogicalId(built.stateful.recordings.bucket.node.defaultChild as never);
    keyId = built.stateful.getLogicalId(built.stateful.recordings.key.node.defaultChild as never);
  });
  const fn = (id: string) => {
    const found = built.stateless.functions.get(id);
    if (!found) throw new Error(`no function ${id}`);
    return found;
  };

  it('lets getCallRecording get recordings under the prefix and decrypt them, nothing more', () => {
    const recording = fn('getCallRecording');
    const variables = functionProperties(built, recording).Environment.Variables as Record<string, unknown>;
    expect(JSON.stringify(variables.RECORDINGS_BUCKET)).toContain(bucketId);
    const onRecordings = statementsOf(built, recording).filter((s) =>
      [bucketId, keyId].some((id) => JSON.stringify(s.Resource).includes(id)),
    );
    const s3 = onRecordings.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3.flatMap(actionsOf)).toEqual(['s3:GetObject']);
    expect(JSON.stringify(s3[0]?.Resource)).toContain(`/${RECORDINGS_PREFIX}/*`);
    const kms = onRecordings.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(kms.flatMap(actionsOf)).toEqual(['kms:Decrypt']);
  });

  it('gives no other function access to the recordings bucket or key', () => {
    for (const [id, f] of built.stateless.functions) {
      if (id === 'getCallRecording') continue;
      const touching = statementsOf(built, f).filter((s) =>
        [bucketId, keyId].some((logical) => JSON.stringify(s.Resource).includes(logical)),
      );
      expect(touching, id).toEqual([]);
    }
  });
});
