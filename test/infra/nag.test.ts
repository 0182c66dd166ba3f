import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS, JOBS } from '../../infra/function-catalogue.js';
import { loadContactFlowBuilder } from '../../infra/stacks/hotline-app.js';
import { ROUTES } from '../../shared/http/routes.js';
import { buildTestApp, IMPORTED_INSTANCE_ARN } from './support/hotline-app.js';
import { nagFindings } from './support/nag-report.js';

describe('cdk-nag AwsSolutions checks', () => {
  it('report a non-compliant resource (the check can fail)', () => {
    const built = buildTestApp({ nag: true });
    new sqs.Queue(built.stateless, 'Careless', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    // A warning-level finding counts too: a stream on a customer-managed key (KDS3).
    new kinesis.Stream(built.stateless, 'Costly', {
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: new kms.Key(built.stateless, 'CostlyKey', { enableKeyRotation: true }),
    });
    const findings = nagFindings(built.app);
    expect(findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS2', 'AwsSolutions-SQS4', 'AwsSolutions-KDS3']),
    );
    expect(findings.find((f) => f.rule === 'AwsSolutions-KDS3')?.severity).toBe('warning');
  });

  it('find nothing unacknowledged with every kind of row and a created Connect instance', () => {
    expect(nagFindings(buildTestApp({ nag: true }).app)).toEqual([]);
  });

  it('find nothing unacknowledged with an adopted Connect instance', () => {
    expect(nagFindings(buildTestApp({ nag: true, connectInstanceArn: IMPORTED_INSTANCE_ARN }).app)).toEqual(
      [],
    );
  });

  it('find nothing unacknowledged with the real registries and contact flow', async () => {
    const buildContactFlow = await loadContactFlowBuilder();
    for (const connectInstanceArn of [undefined, IMPORTED_INSTANCE_ARN]) {
      const built = buildTestApp({
        nag: true,
        routes: ROUTES,
        functions: FUNCTIONS,
        jobs: JOBS,
        buildContactFlow,
        connectInstanceArn,
      });
      expect(nagFindings(built.app)).toEqual([]);
    }
  });
});
