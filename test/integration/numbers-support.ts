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

import type { LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import { addDocument as addDocumentCase } from '../../shared/app/numbers/add-document.js';
import { approveApplication as approveCase } from '../../shared/app/numbers/approve-application.js';
import { createApplication as createCase } from '../../shared/app/numbers/create-application.js';
import { importNumbers as importCase } from '../../shared/app/numbers/import-numbers.js';
import { rejectApplication as rejectCase } from '../../shared/app/numbers/reject-application.js';
import { requestTransfer as requestTransferCase } from '../../shared/app/numbers/request-transfer.js';
import { reserveNumber as reserveCase } from '../../shared/app/numbers/reserve-number.js';
import {
  type SearchQuery,
  searchAvailableNumbers,
} from '../../shared/app/numbers/search-available-numbers.js';
import { submitApplication as submitCase } from '../../shared/app/numbers/submit-application.js';
import type { ApplicationInput } from '../../shared/domain/numbers/application.js';
import { type Rejection, requiredDocuments } from '../../shared/domain/numbers/applications.js';
import type { NumbersConfig } from '../../shared/domain/numbers/config.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { clock } from '../../shared/runtime/ports.js';
import { useInlineActivations } from '../support/inline-workers.js';

// The use cases as the tests drive them: with the stores and ports in force and the given configuration.
const deps = (config?: NumbersConfig) => numbersDeps(config ? { config } : {});

// Approvals activate their number at once, at the approval's instant (handlers': the clock in force).
let approvingAt: string | undefined;
useInlineActivations(() => approvingAt ?? clock().now().toISOString());
export const importNumbers = (raw: readonly string[], at: string, config: NumbersConfig) =>
  importCase(deps(config), raw, at);
export const reserveNumber = (number: string, tenantId: string, at: string, config: NumbersConfig) =>
  reserveCase(deps(config), number, tenantId, at);
export const searchAvailable = (query: SearchQuery, at: string, config: NumbersConfig) =>
  searchAvailableNumbers(deps(config), query, at);
export const createApplication = (
  tenantId: string,
  input: ApplicationInput,
  at: string,
  config: NumbersConfig,
) => createCase(deps(config), tenantId, input, at);
export const addDocument = (
  tenantId: string,
  applicationId: string,
  request: Parameters<typeof addDocumentCase>[3],
  at: string,
) => addDocumentCase(deps(), tenantId, applicationId, request, at);
export const submitApplication = (
  tenantId: string,
  applicationId: string,
  at: string,
  config: NumbersConfig,
) => submitCase(deps(config), tenantId, applicationId, at);
export async function approveApplication(
  applicationId: string,
  operator: string,
  at: string,
  config: NumbersConfig,
) {
  approvingAt = at;
  try {
    return await approveCase(deps(config), applicationId, operator, at);
  } finally {
    approvingAt = undefined;
  }
}
export const rejectApplication = (
  applicationId: string,
  rejection: Rejection,
  operator: string,
  at: string,
  config: NumbersConfig,
) => rejectCase(deps(config), applicationId, rejection, operator, at);
export const requestTransfer = (
  number: string,
  tenantId: string,
  toTenantId: string,
  at: string,
  config: NumbersConfig,
) => requestTransferCase(deps(config), number, tenantId, toTenantId, at);

/** Takes a number from available to active the way a tenant and an operator would (through the use cases). */
export async function activateNumber(
  number: string,
  tenantId: string,
  at: string,
  config: NumbersConfig,
  documents: LocalDocuments,
  applicantType: 'enterprise' | 'individual' = 'enterprise',
) {
  const app = await submitNumberApplication(number, tenantId, at, config, documents, applicantType);
  return approveApplication(app.applicationId, 'operator-1', at, config);
}

/** Reserves a number, applies for it with every required document, and submits the application to review. */
export async function submitNumberApplication(
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
  return app;
}
