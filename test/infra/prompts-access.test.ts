/**
 * The prompts bucket with the real registries: private, versioned, TLS only, SSE-S3 (Amazon Connect reads
 * it), written only through presigned POSTs, readable by Connect under `prompts/` for this account only; only
 * the prompt routes, the routing apply worker and the holiday recompile reach it.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROMPTS_PREFIX } from '../../infra/constructs/prompts-bucket.js';
import { FUNCTIONS, JOBS } from '../../infra/function-catalogue.js';
import { ROUTES } from '../../shared/http/routes.js';
import { buildTestApp, type TestApp } from './support/hotline-app.js';
import { actionsOf, functionProperties, statementsOf } from './support/template-queries.js';

const USERS = new Set([
  'registerPrompt',
  'getPrompt',
  'deletePrompt',
  'routingApplyWorker',
  'holidayRecompile',
]);

describe('prompts bucket', () => {
  let built: TestApp;
  let bucketId: string;
  beforeAll(() => {
    built = buildTestApp({ routes: ROUTES, functions: FUNCTIONS, jobs: JOBS });
    bucketId = built.stateful.getLogicalId(built.stateful.promptsBucket.node.defaultChild as never);
  });

  it('is private, versioned, SSE-S3, access-logged and retained; deleted prompts leave nothing behind after 90 days', () => {
    const bucket = built.statefulTemplate.toJSON().Resources[bucketId];
    expect(
      bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
        .SSEAlgorithm,
    ).toBe('AES256');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.LoggingConfiguration.DestinationBucketName).toBeDefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
    // A deleted prompt's versions go after 90 days, and then its delete marker.
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual({
      Id: 'expire-old-versions',
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: 90 },
      ExpiredObjectDeleteMarker: true,
    });
  });

  it('refuses every write but a presigned POST; Connect reads prompts/ for this account only; TLS only', () => {
    built.statefulTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Sid: 'WritesOnlyThroughPresignedPost',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
            Condition: { StringNotEquals: { 's3:authType': 'POST' } },
          },
          {
            Sid: 'ConnectReadsPrompts',
            Effect: 'Allow',
            Principal: { Service: 'connect.amazonaws.com' },
            Action: 's3:GetObject',
            Resource: {
              'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${PROMPTS_PREFIX}/*`]],
            },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
  });

  it('only the prompt routes, the apply worker and the holiday recompile have it (PROMPTS_BUCKET and grants)', () => {
    for (const [id, f] of built.stateless.functions) {
      const variables = (functionProperties(built, f).Environment?.Variables ?? {}) as Record<
        string,
        unknown
      >;
      const touching = statementsOf(built, f).filter((s) => JSON.stringify(s.Resource).includes(bucketId));
      expect('PROMPTS_BUCKET' in variables, id).toBe(USERS.has(id));
      expect(touching.length > 0, id).toBe(USERS.has(id));
    }
  });

  it('only registerPrompt may write (to sign upload forms), only deletePrompt delete; the others get objects under prompts/, nothing more', () => {
    for (const id of USERS) {
      const f = built.stateless.functions.get(id);
      if (!f) throw new Error(`no function ${id}`);
      const actions = statementsOf(built, f)
        .filter((s) => JSON.stringify(s.Resource).includes(bucketId))
        .flatMap(actionsOf);
      if (id === 'registerPrompt') expect(actions).toContain('s3:PutObject');
      else {
        expect(actions, id).toEqual(
          id === 'deletePrompt' ? ['s3:GetObject', 's3:DeleteObject'] : ['s3:GetObject'],
        );
        const statement = statementsOf(built, f).find((s) => JSON.stringify(s.Resource).includes(bucketId));
        expect(JSON.stringify(statement?.Resource)).toContain(`/${PROMPTS_PREFIX}/*`);
      }
    }
  });
});
