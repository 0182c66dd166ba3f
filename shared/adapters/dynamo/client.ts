/**
 * One DynamoDB document client per process, built on first use and traced. The endpoint comes from
 * the SDK's own AWS_ENDPOINT_URL_DYNAMODB variable, which the local runtime points at its engine.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../../tracing.js';

let documentClient: DynamoDBDocumentClient | undefined;
let injected = false;

export function dynamo(): DynamoDBDocumentClient {
  // Traced with Powertools (X-Ray subsegments per request in Lambda; a no-op locally and in tests).
  documentClient ??= DynamoDBDocumentClient.from(
    tracer.captureAWSv3Client(new DynamoDBClient({ maxAttempts: 4 })),
    {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
      unmarshallOptions: { wrapNumbers: false },
    },
  );
  return documentClient;
}

/** Tests and the local runtime may swap the client (for example, to count requests). */
export function setDynamo(client: DynamoDBDocumentClient | undefined): void {
  documentClient = client;
  injected = client !== undefined;
}

/** Whether a test or the local runtime swapped the client in (then every path must go through it). */
export function dynamoInjected(): boolean {
  return injected;
}

/** A write refused by its condition (ConditionalCheckFailedException), as the SDK and the local engine name it. */
export const isConditionFailure = (error: unknown): boolean =>
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

/**
 * Why each action of a cancelled transaction failed (`ConditionalCheckFailed`, `TransactionConflict`, or
 * undefined for an action that did not), in TransactItems order; undefined when the error is no cancellation.
 */
export const cancellationReasons = (error: unknown): readonly (string | undefined)[] | undefined =>
  (error as Error | undefined)?.name === 'TransactionCanceledException'
    ? ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code)
    : undefined;
