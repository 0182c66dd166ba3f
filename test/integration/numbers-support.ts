/** Calls a numbers handler with an API Gateway v2 event, as API Gateway would, and parses the answer. */
import type { Context } from 'aws-lambda';
import type { ApiEvent } from '../../shared/http/api-handler.js';
import { apiEvent, type EventOptions, lambdaContext } from '../support/api-events.js';

export type Handler = (event: ApiEvent, context: Context) => Promise<unknown>;

export async function callApi(
  handler: Handler,
  options: EventOptions,
): Promise<{ status: number; body: any }> {
  const event = apiEvent(options);
  // The work a request queues runs at the request's instant (inline, as on `npm start`), never the host's.
  const previous = approvingAt;
  approvingAt = new Date(event.requestContext.timeEpoch).toISOString();
  try {
    const res = (await handler(event, lambdaContext as unknown as Context)) as {
      statusCode: number;
      body?: string;
    };
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  } finally {
    approvingAt = previous;
  }
}

import type { LocalDocuments } from '../../shared/adapters/local/local-documents.js';
import { LocalPaymentProviders } from '../../shared/adapters/payments/local-provider.js';
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
import { approvalFees } from '../../shared/domain/numbers/opening-fee.js';
import type { NotifyingChannel } from '../../shared/domain/payments/payments.js';
import { numbersDeps } from '../../shared/runtime/numbers.js';
import { payments, usePayments } from '../../shared/runtime/payments.js';
import { clock } from '../../shared/runtime/ports.js';
import { useInlineActivations } from '../support/inline-workers.js';

// The use cases as the tests drive them: with the stores and ports in force and the given configuration.
const deps = (config?: NumbersConfig) => numbersDeps(config ? { config } : {});

// Approvals activate their number at once, at the approval's instant (a handler's: its request's).
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

/** The payment providers tests pay through (the local ones, with keys generated here); installed by payIn. */
export const providers = new LocalPaymentProviders();
let paidOrders = 0;

/**
 * Pays money in as a tenant would: a payment order, paid by the provider's signed notification through the
 * same verification as in AWS. Answers the order.
 */
export async function payIn(
  tenantId: string,
  amount: number,
  at: string,
  channel: NotifyingChannel = 'alipay',
) {
  usePayments(providers);
  paidOrders += 1;
  const now = new Date(at);
  const { order } = await payments.createOrder({
    tenantId,
    by: `${tenantId}-admin`,
    amount,
    channel,
    idempotencyKey: `pay-in-${tenantId}-${paidOrders}`,
    now,
  });
  const { request } = providers.paymentNotification(order, { at: now });
  const handled = await payments.notification(channel, request, now);
  if (handled.outcome !== 'credited') throw new Error(`payment ${order.orderId} was ${handled.outcome}`);
  return order;
}

/** The opening fee of a number (selection fee + first top-up): what a tenant pays in before approval. */
export async function openingFeeOf(number: string, config: NumbersConfig): Promise<number> {
  const item = await numbersDeps({ config }).numbers.get(number);
  return approvalFees({ selectionFee: item?.selectionFee ?? 0, firstTopUp: config.firstTopUp }).openingFee;
}

/**
 * Takes a number from available to active the way a tenant and an operator would (through the use cases):
 * the tenant pays the opening fee in first (`payFirst` false when the test funds the tenant itself).
 */
export async function activateNumber(
  number: string,
  tenantId: string,
  at: string,
  config: NumbersConfig,
  documents: LocalDocuments,
  applicantType: 'enterprise' | 'individual' = 'enterprise',
  payFirst = true,
) {
  const app = await submitNumberApplication(number, tenantId, at, config, documents, applicantType);
  if (payFirst) await payIn(tenantId, await openingFeeOf(number, config), at);
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
  return applyWithDocuments(number, tenantId, at, config, documents, applicantType);
}

/**
 * A transfer recipient qualifies for the number offered to it like a new applicant: an application with
 * every required document, submitted, and approved by an operator. Answers the approved application.
 */
export async function qualifyForTransfer(
  number: string,
  tenantId: string,
  at: string,
  config: NumbersConfig,
  documents: LocalDocuments,
  applicantType: 'enterprise' | 'individual' = 'enterprise',
) {
  const app = await applyWithDocuments(number, tenantId, at, config, documents, applicantType);
  return approveApplication(app.applicationId, 'operator-1', at, config);
}

/** Applies for a number with every required document and submits the application to review. */
export async function applyWithDocuments(
  number: string,
  tenantId: string,
  at: string,
  config: NumbersConfig,
  documents: LocalDocuments,
  applicantType: 'enterprise' | 'individual',
) {
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
