/** Calls a numbers handler with an API Gateway v2 event, as API Gateway would, and parses the answer. */
import type { Context } from 'aws-lambda';
import type { ApiEvent } from '../../shared/http/api-handler.js';
import { apiEvent, type EventOptions, lambdaContext } from '../support/api-events.js';

export type Handler = (event: ApiEvent, context: Context) => Promise<unknown>;

export async function callApi(
  handler: Handler,
  options: EventOptions,
): Promise<{ status: number; body: any }> {
  const res = (await handler(apiEvent(options), lambdaContext as unknown as Context)) as {
    statusCode: number;
    body?: string;
  };
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
}

import {
  addDocument,
  approveApplication,
  createApplication,
  submitApplication,
} from '../../shared/adapters/dynamo/number-applications.js';
import { reserveNumber } from '../../shared/adapters/dynamo/number-inventory.js';
import type { LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import { requiredDocuments } from '../../shared/domain/numbers/applications.js';
import type { NumbersConfig } from '../../shared/domain/numbers/config.js';

/** Takes a number from available to active the way a tenant and an operator would (through the adapters). */
export async function activateNumber(
  number: string,
  tenantId: string,
  at: string,
  config: NumbersConfig,
  documents: LocalDocuments,
  applicantType: 'enterprise' | 'individual' = 'enterprise',
) {
  await reserveNumber(number, tenantId, at, config);
  const app = await createApplication(
    tenantId,
    {
      number,
      applicantType,
      applicantName: `${tenantId} Ltd.`,
      industry: 'retail',
      intendedUsage: 'customer service',
      expectedMonthlyMinutes: 1000,
      planId: 'basic',
    },
    at,
    config,
  );
  for (const kind of requiredDocuments({ applicantType, industry: 'retail', filedByAgent: false })) {
    const doc = await addDocument(
      tenantId,
      app.applicationId,
      { kind, contentType: 'application/pdf', expiresOn: '2031-01-01' },
      at,
    );
    const token = doc.upload.url.split('/').at(-1) as string;
    await documents.receive(token, Buffer.from('%PDF'), undefined, new Date(at));
  }
  await submitApplication(tenantId, app.applicationId, at, config);
  return approveApplication(app.applicationId, 'operator-1', at, config);
}
