/**
 * The prompt store's transactions on DynamoDB's own terms: concurrent registrations touching the tenant's
 * count cancel each other (TransactionConflict) rather than queue, and are sent again; a failed condition
 * tells which limit stopped it.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPromptStore } from '../../shared/adapters/dynamo/prompt-store.js';

const documents = mockClient(DynamoDBDocumentClient);
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
const prompt = {
  promptId: 'pr_0123456789abcdef0123456789abcdef',
  tenantId: 'acme',
  name: '欢迎语',
  objectKey: 'prompts/acme/pr_0123456789abcdef0123456789abcdef.wav',
  createdAt: '2026-11-25T02:00:00.000Z',
};

beforeAll(() => {
  process.env.TABLE_ROUTING = 'routing';
});
afterEach(() => documents.reset());
afterAll(() => {
  documents.restore();
  delete process.env.TABLE_ROUTING;
});

describe('DynamoPromptStore.add', () => {
  it('puts the prompt and raises the count under the limit in one transaction; a conflict is sent again', async () => {
    documents.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'TransactionConflict')).resolves({});
    await expect(new DynamoPromptStore().add(prompt, 50)).resolves.toBe('added');
    const sent = documents.commandCalls(TransactWriteCommand);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.args[0].input.TransactItems?.[1]?.Update).toMatchObject({
      TableName: 'routing',
      Key: { pk: 'PROMPTS#acme', sk: 'COUNT' },
      ConditionExpression: 'attribute_not_exists(registered) OR registered < :limit',
      ExpressionAttributeValues: { ':one': 1, ':limit': 50, ':type': 'promptCount' },
    });
  });

  it('tells a full count from a taken id', async () => {
    documents.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));
    await expect(new DynamoPromptStore().add(prompt, 50)).resolves.toBe('limit_reached');
    documents.reset();
    documents.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    await expect(new DynamoPromptStore().add(prompt, 50)).resolves.toBe('exists');
  });
});
