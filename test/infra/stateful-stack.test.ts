import { Match } from 'aws-cdk-lib/assertions';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordingRetentionDays } from '../../infra/constructs/recordings-bucket.js';
import { TABLE_LIST } from '../../shared/tables.js';
import { buildTestApp, IMPORTED_INSTANCE_ARN, type TestApp } from './support/hotline-app.js';
import { resources } from './support/template-queries.js';

describe('stateful stack', () => {
  let built: TestApp;
  beforeAll(() => {
    built = buildTestApp();
  });

  it('creates one table per definition in shared/tables.ts, on demand, with PITR and deletion protection, retained', () => {
    const tables = resources(built.statefulTemplate, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(TABLE_LIST.length);
    for (const [, table] of tables) {
      expect(table.Properties?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties?.PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
      expect(table.Properties?.DeletionProtectionEnabled).toBe(true);
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('gives each table its keys, indexes and TTL attribute from its definition', () => {
    const template = built.statefulTemplate.toJSON();
    for (const definition of TABLE_LIST) {
      const id = built.stateful.getLogicalId(
        built.stateful.tables[definition.id].node.defaultChild as CfnTable,
      );
      const props = template.Resources[id].Properties;
      expect(props.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      const indexNames = (props.GlobalSecondaryIndexes ?? []).map((i: { IndexName: string }) => i.IndexName);
      expect(indexNames).toEqual(definition.indexes.map((i) => i.name));
      if (definition.ttlAttribute) {
        expect(props.TimeToLiveSpecification).toEqual({
          AttributeName: definition.ttlAttribute,
          Enabled: true,
        });
      } else {
        expect(props.TimeToLiveSpecification).toBeUndefined();
      }
    }
  });

  it("gives the ops table the undelivered alerts' per-tenant index (gsi2), projecting whole items", () => {
    const template = built.statefulTemplate.toJSON();
    const id = built.stateful.getLogicalId(built.stateful.tables.ops.node.defaultChild as CfnTable);
    const indexes = template.Resources[id].Properties.GlobalSecondaryIndexes;
    expect(indexes.find((i: { IndexName: string }) => i.IndexName === 'gsi2')).toEqual({
      IndexName: 'gsi2',
      KeySchema: [
        { AttributeName: 'gsi2pk', KeyType: 'HASH' },
        { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
  });

  it('encrypts sensitive tables with the customer-managed data key, and only those with it', () => {
    const template = built.statefulTemplate.toJSON();
    const dataKeyId = built.stateful.getLogicalId(built.stateful.dataKey.node.defaultChild as never);
    for (const definition of TABLE_LIST) {
      const id = built.stateful.getLogicalId(
        built.stateful.tables[definition.id].node.defaultChild as CfnTable,
      );
      const sse = template.Resources[id].Properties.SSESpecification;
      if (definition.sensitive) {
        expect(sse).toEqual({
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [dataKeyId, 'Arn'] },
        });
      } else {
        expect(JSON.stringify(sse ?? {})).not.toContain(dataKeyId);
      }
    }
  });

  it('encrypts every table that holds phone numbers with the customer-managed data key (issue 15)', () => {
    const template = built.statefulTemplate.toJSON();
    const dataKeyId = built.stateful.getLogicalId(built.stateful.dataKey.node.defaultChild as never);
    // Numbers (applications, contracts), routing (answer numbers, blacklists, VIPs), ledger (callers of
    // call records), ops (the alert outbox's phones): written out here, not read from the definitions.
    for (const tableId of ['numbers', 'routing', 'ledger', 'ops'] as const) {
      const id = built.stateful.getLogicalId(built.stateful.tables[tableId].node.defaultChild as CfnTable);
      expect(template.Resources[id].Properties.SSESpecification, tableId).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [dataKeyId, 'Arn'] },
      });
    }
    expect(template.Resources[dataKeyId].Properties.EnableKeyRotation).toBe(true);
  });

  it('rotates every KMS key and keeps it on stack deletion', () => {
    const keys = resources(built.statefulTemplate, 'AWS::KMS::Key');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const [, key] of keys) {
      expect(key.Properties?.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
    }
  });

  it('encrypts the contact-record stream with KMS', () => {
    built.statefulTemplate.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
    });
  });

  it('keeps documents private, KMS-encrypted, versioned, TLS-only and access-logged', () => {
    const template = built.statefulTemplate;
    const bucketId = built.stateful.getLogicalId(built.stateful.documentsBucket.node.defaultChild as never);
    const bucket = template.toJSON().Resources[bucketId];
    expect(
      bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
        .SSEAlgorithm,
    ).toBe('aws:kms');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.LoggingConfiguration.DestinationBucketName).toBeDefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('refuses every write to the documents bucket but a presigned POST (whose policy bounds the size)', () => {
    const template = built.statefulTemplate;
    const bucketId = built.stateful.getLogicalId(built.stateful.documentsBucket.node.defaultChild as never);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'WritesOnlyThroughPresignedPost',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
            Condition: { StringNotEquals: { 's3:authType': 'POST' } },
          },
        ]),
      },
    });
  });

  it('encrypts the topics with the messaging key and lets CloudWatch alarms use it', () => {
    const messagingKeyId = built.stateful.getLogicalId(
      built.stateful.messagingKey.node.defaultChild as never,
    );
    const topics = resources(built.statefulTemplate, 'AWS::SNS::Topic');
    expect(topics).toHaveLength(2);
    for (const [, topic] of topics) {
      expect(topic.Properties?.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [messagingKeyId, 'Arn'] });
    }
    built.statefulTemplate.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
  });

  it('creates the Connect instance (inbound calls, flow logs, no Contact Lens) streaming contact records to the stream', () => {
    const template = built.statefulTemplate;
    template.hasResource('AWS::Connect::Instance', {
      DeletionPolicy: 'Retain',
      Properties: {
        IdentityManagementType: 'CONNECT_MANAGED',
        Attributes: Match.objectLike({ InboundCalls: true, ContactflowLogs: true, ContactLens: false }),
      },
    });
    const streamId = built.stateful.getLogicalId(built.stateful.contactRecords.node.defaultChild as never);
    template.hasResourceProperties('AWS::Connect::InstanceStorageConfig', {
      ResourceType: 'CONTACT_TRACE_RECORDS',
      StorageType: 'KINESIS_STREAM',
      KinesisStreamConfig: { StreamArn: { 'Fn::GetAtt': [streamId, 'Arn'] } },
    });
    expect(built.stateful.connectInstanceManaged).toBe(true);
  });

  it('adopts an instance from context: no instance or storage config, the stream ARN is an output', () => {
    const imported = buildTestApp({ connectInstanceArn: IMPORTED_INSTANCE_ARN });
    const template = imported.statefulTemplate;
    template.resourceCountIs('AWS::Connect::Instance', 0);
    template.resourceCountIs('AWS::Connect::InstanceStorageConfig', 0);
    template.hasOutput('ContactRecordStreamArn', { Value: Match.anyValue() });
    template.hasOutput('ConnectInstanceArn', { Value: IMPORTED_INSTANCE_ARN });
    expect(imported.stateful.connectInstanceManaged).toBe(false);
  });

  it('keeps contact records 7 days in the stream (the replay window of the on-failure pointers)', () => {
    built.statefulTemplate.hasResourceProperties('AWS::Kinesis::Stream', { RetentionPeriodHours: 168 });
  });

  it('stores call recordings in a KMS-encrypted bucket, deleted by lifecycle after 730 days by default', () => {
    const template = built.statefulTemplate;
    const keyId = built.stateful.getLogicalId(built.stateful.recordings.key.node.defaultChild as never);
    const bucketId = built.stateful.getLogicalId(built.stateful.recordingsBucket.node.defaultChild as never);
    template.hasResourceProperties('AWS::Connect::InstanceStorageConfig', {
      ResourceType: 'CALL_RECORDINGS',
      StorageType: 'S3',
      S3Config: {
        BucketName: { Ref: bucketId },
        BucketPrefix: 'connect',
        EncryptionConfig: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      },
    });
    const bucket = template.toJSON().Resources[bucketId];
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
      ServerSideEncryptionByDefault: {
        SSEAlgorithm: 'aws:kms',
        KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
      },
    });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toMatchObject({
      BlockPublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 730 }),
    );
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeySpec: 'SYMMETRIC_DEFAULT',
      Description: 'hotline400: call recordings',
    });
  });

  it('takes the recording retention from context, never under the 2 years medical records need', () => {
    const longer = buildTestApp({ recordingRetentionDays: 1825 });
    const bucketId = longer.stateful.getLogicalId(
      longer.stateful.recordingsBucket.node.defaultChild as never,
    );
    expect(
      longer.statefulTemplate.toJSON().Resources[bucketId].Properties.LifecycleConfiguration.Rules,
    ).toContainEqual(expect.objectContaining({ ExpirationInDays: 1825 }));
    expect(() => buildTestApp({ recordingRetentionDays: 365 })).toThrow(/at least 730/);
    expect(recordingRetentionDays()).toBe(730);
    expect(recordingRetentionDays('1095')).toBe(1095);
    expect(() => recordingRetentionDays('two years')).toThrow(/recordingRetentionDays/);
  });

  it('an adopted instance gets the recordings bucket as outputs, not a second storage config', () => {
    const imported = buildTestApp({ connectInstanceArn: IMPORTED_INSTANCE_ARN });
    imported.statefulTemplate.resourceCountIs('AWS::Connect::InstanceStorageConfig', 0);
    imported.statefulTemplate.hasOutput('RecordingsBucketName', { Value: Match.anyValue() });
    imported.statefulTemplate.hasOutput('RecordingsKeyArn', { Value: Match.anyValue() });
  });

  it('fails on a malformed connectInstanceArn', () => {
    expect(() =>
      buildTestApp({ connectInstanceArn: 'arn:aws:connect:ap-southeast-1:123:instance/nope' }),
    ).toThrow(/connectInstanceArn must look like/);
    expect(() => buildTestApp({ connectInstanceArn: 'hotline400' })).toThrow(/connectInstanceArn/);
  });
});
