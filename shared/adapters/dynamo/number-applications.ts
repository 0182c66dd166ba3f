/**
 * Applications, their documents, operator review, the contract an approval creates and the activation
 * that follows. Every state change of an application commits together with the number's lifecycle
 * transition (one transaction, both under their versions).
 *
 *   application  numbers `APP#<id>` / `APPLICATION`  (gsi2 by tenant, gsi1 `REVIEW#pending` while submitted)
 *   document     numbers `APP#<id>` / `DOC#<documentId>` (the object key never leaves the server)
 *   contract     numbers `NUM#<number>` / `CONTRACT#<contractId>` (gsi2 by tenant, gsi3 by term end)
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../../config.js';
import { addMonths, localDateOf } from '../../domain/billing/calendar.js';
import { conflict, DomainError, invalid, notFound } from '../../domain/errors.js';
import type { LedgerPort } from '../../domain/ledger/types.js';
import {
  type ApplicantType,
  type ApplicationStatus,
  contractTerms,
  type DocumentKind,
  type Industry,
  missingItems,
  type Rejection,
  restrictionsFor,
  validateRejection,
} from '../../domain/numbers/applications.js';
import type { NumbersConfig } from '../../domain/numbers/config.js';
import { logger } from '../../observability.js';
import type { Page } from '../../ports/paging.js';
import { port } from '../../runtime/ports.js';
import { dynamo } from './client.js';
import { ledgerStore } from './ledger-store.js';
import { holdConsumedWrite, holdExtendedWrite } from './number-inventory.js';
import { dueBefore, failedConditions, getNumberItem, type TransactItem, transact } from './number-items.js';
import { runCommand } from './number-lifecycle.js';
import { queryPage } from './paging.js';

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export interface ApplicationInput {
  readonly number: string;
  readonly applicantType: ApplicantType;
  readonly applicantName: string;
  readonly industry: Industry;
  readonly intendedUsage: string;
  readonly expectedMonthlyMinutes: number;
  readonly planId: string;
  readonly termMonths?: number;
  readonly autoRenew?: boolean;
  readonly filedByAgent?: boolean;
}

export interface ApplicationEvent {
  readonly at: string;
  readonly event: 'created' | 'submitted' | 'rejected' | 'resubmitted' | 'approved' | 'withdrawn';
  readonly by: string;
  readonly reasons?: readonly string[];
  readonly text?: string;
}

export interface ApplicationItem {
  readonly pk: string;
  readonly sk: 'APPLICATION';
  readonly type: 'application';
  readonly applicationId: string;
  readonly tenantId: string;
  readonly number: string;
  readonly segment: string;
  readonly status: ApplicationStatus;
  readonly applicantType: ApplicantType;
  readonly applicantName: string;
  readonly industry: Industry;
  readonly intendedUsage: string;
  readonly expectedMonthlyMinutes: number;
  readonly planId: string;
  readonly termMonths: number;
  readonly autoRenew: boolean;
  readonly filedByAgent: boolean;
  readonly selectionFee: number;
  readonly createdAt: string;
  readonly submittedAt?: string;
  readonly decidedAt?: string;
  readonly lastRejection?: Rejection & { readonly at: string };
  readonly contractId?: string;
  readonly events: readonly ApplicationEvent[];
  readonly version: number;
  readonly draftExpiresAt?: string;
  readonly gsi1pk?: string;
  readonly gsi1sk?: string;
  readonly gsi3pk?: string;
  readonly gsi3sk?: string;
  readonly gsi2pk: string;
  readonly gsi2sk: string;
}

interface DocumentItem {
  readonly pk: string;
  readonly sk: string;
  readonly type: 'application_document';
  readonly documentId: string;
  readonly applicationId: string;
  readonly kind: DocumentKind;
  readonly contentType: string;
  readonly objectKey: string;
  readonly expiresOn?: string;
  readonly uploaded?: boolean;
  readonly createdAt: string;
}

const appKey = (id: string) => ({ pk: `APP#${id}`, sk: 'APPLICATION' as const });
const PENDING = 'REVIEW#pending';
const APPLICATION_ID = /^app_[0-9a-f-]{36}$/;

function appPut(next: ApplicationItem, expectedVersion: number | undefined): TransactItem {
  return {
    Put: {
      TableName: tableName('numbers'),
      Item: next,
      ...(expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': expectedVersion },
          }),
    },
  };
}

function withStatus(
  app: ApplicationItem,
  status: ApplicationStatus,
  event: ApplicationEvent,
  changes: Partial<ApplicationItem> = {},
  fixWithinDays?: number,
) {
  // Leaving draft ends the draft timer; only a submitted application waits in the review queue.
  const { gsi1pk: _p, gsi1sk: _s, gsi3pk: _tp, gsi3sk: _ts, draftExpiresAt: _d, ...rest } = app;
  const next: ApplicationItem = {
    ...rest,
    ...changes,
    status,
    events: [...app.events, event],
    version: app.version + 1,
    ...(status === 'submitted' ? { gsi1pk: PENDING, gsi1sk: `${event.at}#${app.applicationId}` } : {}),
    ...(status === 'rejected' && fixWithinDays !== undefined
      ? reworkTimer(app.applicationId, event.at, fixWithinDays)
      : {}),
  };
  return next;
}

/** A rejected application waits for its fix as long as a draft waits for its documents, then expires. */
function reworkTimer(applicationId: string, at: string, days: number) {
  const draftExpiresAt = new Date(Date.parse(at) + days * 86_400_000).toISOString();
  return { draftExpiresAt, gsi3pk: 'DUE#draft', gsi3sk: `${draftExpiresAt}#${applicationId}` };
}

export async function getApplicationItem(applicationId: string): Promise<ApplicationItem | undefined> {
  if (!APPLICATION_ID.test(applicationId)) return undefined;
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName('numbers'), Key: appKey(applicationId), ConsistentRead: true }),
  );
  return result.Item as ApplicationItem | undefined;
}

/** The tenant's own application, or a 404 that says nothing about anyone else's. */
export async function requireOwnApplication(
  tenantId: string,
  applicationId: string,
): Promise<ApplicationItem> {
  const app = await getApplicationItem(applicationId);
  if (!app || app.tenantId !== tenantId)
    throw notFound('application_not_found', 'no such application among yours');
  return app;
}

async function documentsOf(applicationId: string): Promise<DocumentItem[]> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: tableName('numbers'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
      ExpressionAttributeValues: { ':pk': `APP#${applicationId}`, ':d': 'DOC#' },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []) as DocumentItem[];
}

/** What a tenant (or operator) sees: never object keys or URLs. */
export function applicationView(app: ApplicationItem, documents: readonly DocumentItem[] = []) {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _a,
    gsi1sk: _b,
    gsi2pk: _c,
    gsi2sk: _d,
    gsi3pk: _e,
    gsi3sk: _f,
    type: _t,
    ...rest
  } = app;
  return {
    ...rest,
    documents: documents.map((d) => ({
      documentId: d.documentId,
      kind: d.kind,
      contentType: d.contentType,
      ...(d.expiresOn ? { expiresOn: d.expiresOn } : {}),
      uploaded: d.uploaded === true,
      createdAt: d.createdAt,
    })),
  };
}

// ---------------------------------------------------------------- tenant side

export async function createApplication(
  tenantId: string,
  input: ApplicationInput,
  at: string,
  config: NumbersConfig,
) {
  const number = await getNumberItem(input.number);
  if (!number) throw notFound('number_not_found', 'no such number among yours');
  const termMonths = input.termMonths ?? config.minimumContractMonths;
  contractTerms(
    number.segment,
    input.planId,
    termMonths,
    input.autoRenew ?? true,
    number.selectionFee,
    config,
  );
  const applicationId = `app_${randomUUID()}`;
  const draftExpiresAt = new Date(Date.parse(at) + config.draftApplicationDays * 86_400_000).toISOString();
  const app: ApplicationItem = {
    ...appKey(applicationId),
    type: 'application',
    applicationId,
    tenantId,
    number: input.number,
    segment: number.segment,
    status: 'draft',
    applicantType: input.applicantType,
    applicantName: input.applicantName,
    industry: input.industry,
    intendedUsage: input.intendedUsage,
    expectedMonthlyMinutes: input.expectedMonthlyMinutes,
    planId: input.planId,
    termMonths,
    autoRenew: input.autoRenew ?? true,
    filedByAgent: input.filedByAgent ?? false,
    selectionFee: number.selectionFee,
    createdAt: at,
    events: [{ at, event: 'created', by: tenantId }],
    version: 1,
    draftExpiresAt,
    gsi2pk: `TENANT#${tenantId}#applications`,
    gsi2sk: `${at}#${applicationId}`,
    gsi3pk: 'DUE#draft',
    gsi3sk: `${draftExpiresAt}#${applicationId}`,
  };
  // The hold becomes a draft application: the number leaves the pool; it keeps counting as one of the
  // tenant's holds until submitted (or the draft expires).
  await runCommand(
    input.number,
    { type: 'apply', tenantId, applicationId },
    { at, actor: tenantId, config },
    {
      extraWrites: async () => [
        appPut(app, undefined),
        await holdExtendedWrite(tenantId, input.number, draftExpiresAt, at),
      ],
    },
  );
  return applicationView(app);
}

export interface DocumentRequest {
  readonly kind: DocumentKind;
  readonly contentType: string;
  readonly expiresOn?: string;
}

export async function addDocument(
  tenantId: string,
  applicationId: string,
  request: DocumentRequest,
  at: string,
) {
  const app = await requireOwnApplication(tenantId, applicationId);
  if (app.status !== 'draft' && app.status !== 'rejected') {
    throw conflict(
      'application_locked',
      `documents can be added to a draft or rejected application, not a ${app.status} one`,
    );
  }
  const documentId = `doc_${randomUUID()}`;
  const objectKey = `applications/${tenantId}/${applicationId}/${documentId}`;
  const doc: DocumentItem = {
    pk: `APP#${applicationId}`,
    sk: `DOC#${documentId}`,
    type: 'application_document',
    documentId,
    applicationId,
    kind: request.kind,
    contentType: request.contentType,
    objectKey,
    ...(request.expiresOn ? { expiresOn: request.expiresOn } : {}),
    createdAt: at,
  };
  await dynamo().send(new PutCommand({ TableName: tableName('numbers'), Item: doc }));
  const upload = await (await port('documents')).presignUpload(
    objectKey,
    request.contentType,
    MAX_DOCUMENT_BYTES,
  );
  return {
    documentId,
    kind: request.kind,
    upload: {
      method: 'PUT',
      url: upload.url,
      expiresAt: upload.expiresAt,
      contentType: request.contentType,
      maxBytes: MAX_DOCUMENT_BYTES,
    },
  };
}

/** Checks every required document arrived (and licences are in date) or refuses listing what is missing. */
async function requireComplete(app: ApplicationItem, at: string, config: NumbersConfig): Promise<void> {
  const docs = await documentsOf(app.applicationId);
  const documents = await port('documents');
  const filed = await Promise.all(
    docs.map(async (d) => ({
      kind: d.kind,
      uploaded: d.uploaded === true || (await documents.exists(d.objectKey)),
      ...(d.expiresOn ? { expiresOn: d.expiresOn } : {}),
    })),
  );
  const missing = missingItems(app, filed, localDateOf(at, config.timeZone));
  if (missing.length > 0) {
    throw invalid(
      'application_incomplete',
      `the application is missing ${missing.map((m) => m.item).join(', ')}`,
      'documents',
      {
        missing,
      },
    );
  }
}

export async function submitApplication(
  tenantId: string,
  applicationId: string,
  at: string,
  config: NumbersConfig,
) {
  const app = await requireOwnApplication(tenantId, applicationId);
  if (app.status !== 'draft')
    throw conflict('invalid_transition', `a ${app.status} application cannot be submitted`);
  await requireComplete(app, at, config);
  const next = withStatus(app, 'submitted', { at, event: 'submitted', by: tenantId }, { submittedAt: at });
  try {
    // Submitted: in the operators' hands now, so it stops counting as one of the tenant's holds.
    await transact([appPut(next, app.version), await holdConsumedWrite(tenantId, app.number, at)]);
  } catch (error) {
    if (failedConditions(error)) {
      throw conflict('concurrent_update', 'the application changed meanwhile; read it again');
    }
    throw error;
  }
  return applicationView(next);
}

export async function resubmitApplication(
  tenantId: string,
  applicationId: string,
  changes: Partial<
    Pick<ApplicationItem, 'intendedUsage' | 'industry' | 'expectedMonthlyMinutes' | 'applicantName'>
  >,
  at: string,
  config: NumbersConfig,
) {
  const app = await requireOwnApplication(tenantId, applicationId);
  if (app.status !== 'rejected')
    throw conflict('invalid_transition', `a ${app.status} application cannot be resubmitted`);
  const updated = { ...app, ...changes };
  await requireComplete(updated, at, config);
  const next = withStatus(
    updated,
    'submitted',
    { at, event: 'resubmitted', by: tenantId },
    { submittedAt: at },
  );
  await runCommand(
    app.number,
    { type: 'resubmit', tenantId },
    { at, actor: tenantId, config },
    {
      extraWrites: () => [appPut(next, app.version)],
    },
  );
  return applicationView(next);
}

/** The tenant gives up a draft or rejected application; the number goes back to the pool. */
export async function withdrawApplication(
  tenantId: string,
  applicationId: string,
  at: string,
  config: NumbersConfig,
) {
  const app = await requireOwnApplication(tenantId, applicationId);
  if (app.status !== 'draft' && app.status !== 'rejected') {
    throw conflict('invalid_transition', `a ${app.status} application cannot be withdrawn`);
  }
  return applicationView(await withdraw(app, tenantId, at, config));
}

async function withdraw(app: ApplicationItem, actor: string, at: string, config: NumbersConfig) {
  const next = withStatus(app, 'withdrawn', { at, event: 'withdrawn', by: actor });
  await runCommand(
    app.number,
    { type: 'withdraw_application', tenantId: app.tenantId },
    { at, actor, config },
    {
      extraWrites: async () => [
        appPut(next, app.version),
        await holdConsumedWrite(app.tenantId, app.number, at),
      ],
    },
  );
  return next;
}

/** Job: drafts never submitted (or rejections never fixed) in their window are withdrawn; the numbers return to the pool. */
export async function expireDrafts(at: string, config: NumbersConfig) {
  let processed = 0;
  let skipped = 0;
  for await (const item of dueBefore('DUE#draft', at)) {
    const due = item as unknown as ApplicationItem;
    const app = await getApplicationItem(due.applicationId);
    if (app?.status !== 'draft' && app?.status !== 'rejected') {
      skipped += 1;
      continue;
    }
    try {
      await withdraw(app, 'job:number-draft-expiry', at, config);
      processed += 1;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      skipped += 1;
    }
  }
  return { job: 'number-draft-expiry', at, processed, skipped, failed: 0 };
}

export async function getApplication(tenantId: string, applicationId: string) {
  const app = await requireOwnApplication(tenantId, applicationId);
  return applicationView(app, await documentsOf(applicationId));
}

export async function listApplications(
  tenantId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<unknown>> {
  const partition = `TENANT#${tenantId}#applications`;
  const page = await queryPage<ApplicationItem>(
    {
      TableName: tableName('numbers'),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
    },
    { partitionKey: 'gsi2pk', partition, limit, cursor },
  );
  return { ...page, items: page.items.map((a) => applicationView(a)) };
}

// ---------------------------------------------------------------- operator side

export async function listPendingApplications(
  limit: number,
  cursor: string | undefined,
): Promise<Page<unknown>> {
  const page = await queryPage<ApplicationItem>(
    {
      TableName: tableName('numbers'),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': PENDING },
    },
    { partitionKey: 'gsi1pk', partition: PENDING, limit, cursor },
  );
  const items = await Promise.all(
    page.items.map(async (a) => applicationView(a, await documentsOf(a.applicationId))),
  );
  return { ...page, items };
}

/** One application as a reviewer sees it: documents with short-lived download URLs (this route only). */
export async function getApplicationForReview(applicationId: string) {
  const app = await getApplicationItem(applicationId);
  if (!app) throw notFound('application_not_found', 'no such application');
  const docs = await documentsOf(applicationId);
  const documents = await port('documents');
  const view = applicationView(app, docs);
  const links = await Promise.all(
    docs.map(async (d) =>
      documents.presignDownload && (d.uploaded === true || (await documents.exists(d.objectKey)))
        ? await documents.presignDownload(d.objectKey)
        : undefined,
    ),
  );
  return {
    ...view,
    documents: view.documents.map((d, i) => (links[i] ? { ...d, download: links[i] } : d)),
  };
}

export type Decision = { readonly decision: 'approve' } | ({ readonly decision: 'reject' } & Rejection);

export async function rejectApplication(
  applicationId: string,
  rejection: Rejection,
  operator: string,
  at: string,
  config: NumbersConfig,
) {
  validateRejection(rejection);
  const app = await getApplicationItem(applicationId);
  if (!app) throw notFound('application_not_found', 'no such application');
  if (app.status !== 'submitted')
    throw conflict('invalid_transition', `a ${app.status} application cannot be rejected`);
  const next = withStatus(
    app,
    'rejected',
    {
      at,
      event: 'rejected',
      by: operator,
      reasons: rejection.reasons,
      ...(rejection.text ? { text: rejection.text } : {}),
    },
    { decidedAt: at, lastRejection: { ...rejection, at } },
    config.draftApplicationDays,
  );
  await runCommand(
    app.number,
    { type: 'reject' },
    { at, actor: operator, config, note: rejection.reasons.join(',') },
    {
      extraWrites: () => [appPut(next, app.version)],
      // The reasons reach the tenant durably (recorded with the decision, retried if SNS fails).
      effects: (_item, numberNext) => [
        {
          effectId: `${app.number}#v${String(numberNext.version).padStart(8, '0')}#decision`,
          at,
          payload: {
            kind: 'notify',
            notification: {
              tenantId: app.tenantId,
              kind: 'application_decided',
              subject: `Application for ${app.number} needs changes`,
              text: `Your application for ${app.number} was not approved: ${rejection.reasons.join(', ')}${rejection.text ? ` (${rejection.text})` : ''}. Fix it and resubmit.`,
              dedupeKey: `application#${applicationId}#${next.version}`,
            },
          },
        },
      ],
    },
  );
  return applicationView(next);
}

export const contractIdOf = (applicationId: string) => `ct_${applicationId.slice('app_'.length)}`;

function contractItem(app: ApplicationItem, at: string, config: NumbersConfig) {
  const terms = contractTerms(
    app.segment as never,
    app.planId,
    app.termMonths,
    app.autoRenew,
    app.selectionFee,
    config,
  );
  const contractId = contractIdOf(app.applicationId);
  const termStart = localDateOf(at, config.timeZone);
  const termEnd = addMonths(termStart, terms.termMonths);
  return {
    pk: `NUM#${app.number}`,
    sk: `CONTRACT#${contractId}`,
    type: 'contract',
    contractId,
    applicationId: app.applicationId,
    tenantId: app.tenantId,
    number: app.number,
    planId: terms.plan.id,
    planName: terms.plan.name,
    includedMinutes: terms.plan.includedMinutes,
    monthlyRent: terms.monthlyRent,
    minimumSpend: terms.minimumMonthlySpend,
    retentionFee: terms.retentionFeePerMonth,
    termMonths: terms.termMonths,
    termStart,
    termEnd,
    serviceFrom: termStart,
    autoRenew: terms.autoRenew,
    noticeDays: terms.noticeDays,
    selectionFee: terms.selectionFee,
    firstTopUp: terms.firstTopUp,
    openingFee: terms.openingFee,
    timeZone: config.timeZone,
    suspensions: [],
    status: 'active',
    createdAt: at,
    version: 1,
    gsi2pk: `TENANT#${app.tenantId}#contracts`,
    gsi2sk: `${termStart}#${app.number}`,
    gsi3pk: 'DUE#contract-term',
    gsi3sk: `${termEnd}#${app.number}#${contractId}`,
  };
}

/**
 * Approves: application and number move to approved and the contract is written, in one transaction;
 * then the opening fee is posted (one ledger key per application, so a second approval charges nothing)
 * and the number is bound in Connect and activated. Approving an approved application resumes whatever
 * step did not finish and answers the same, so a double submit is harmless.
 */
export async function approveApplication(
  applicationId: string,
  operator: string,
  at: string,
  config: NumbersConfig,
  ledger: LedgerPort = ledgerStore(),
) {
  let app = await getApplicationItem(applicationId);
  if (!app) throw notFound('application_not_found', 'no such application');
  if (app.status !== 'submitted' && app.status !== 'approved') {
    throw conflict('invalid_transition', `a ${app.status} application cannot be approved`);
  }
  if (app.status === 'submitted') {
    const contract = contractItem(app, at, config);
    const next = withStatus(
      app,
      'approved',
      { at, event: 'approved', by: operator },
      { decidedAt: at, contractId: contract.contractId },
    );
    try {
      await runCommand(
        app.number,
        { type: 'approve' },
        { at, actor: operator, config },
        {
          extra: {
            contractId: contract.contractId,
            restrictions: restrictionsFor(app.applicantType),
            planId: contract.planId,
          },
          extraWrites: () => [
            appPut(next, app?.version),
            {
              Put: {
                TableName: tableName('numbers'),
                Item: contract,
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        },
      );
      app = next;
    } catch (error) {
      // A parallel approval got there first: carry on from what it wrote.
      const now = await getApplicationItem(applicationId);
      if (now?.status !== 'approved') throw error;
      app = now;
    }
  }
  const contract = await dynamo().send(
    new GetCommand({
      TableName: tableName('numbers'),
      Key: { pk: `NUM#${app.number}`, sk: `CONTRACT#${app.contractId}` },
      ConsistentRead: true,
    }),
  );
  const openingFee = Number(contract.Item?.openingFee ?? app.selectionFee + config.firstTopUp);
  const firstTopUp = Number(contract.Item?.firstTopUp ?? config.firstTopUp);
  await ledger.post([
    {
      tenantId: app.tenantId,
      key: `opening#${applicationId}`,
      kind: 'opening_fee',
      amount: -openingFee,
      at,
      description: `Opening fee for ${app.number}: selection fee ${openingFee - firstTopUp} + first top-up ${firstTopUp}`,
      number: app.number,
    },
    {
      tenantId: app.tenantId,
      key: `opening#${applicationId}#top_up`,
      kind: 'top_up',
      amount: firstTopUp,
      at,
      description: `First top-up included in the opening fee for ${app.number}`,
      number: app.number,
    },
  ]);
  const activated = await activateNumber(app, operator, at, config);
  return { ...applicationView(app), numberStatus: activated.status, accessNumber: activated.accessNumber };
}

/** Claims an access number through the telephony port (same token, same claim) and activates the number. */
async function activateNumber(app: ApplicationItem, operator: string, at: string, config: NumbersConfig) {
  const number = await getNumberItem(app.number);
  if (!number) throw notFound('number_not_found', 'no such number');
  if (number.status !== 'approved') return { status: number.status, accessNumber: number.accessNumber };
  const telephony = await port('telephony');
  let claimed: { accessNumber: string; phoneNumberId: string };
  try {
    claimed = await telephony.claimAccessNumber({
      number400: app.number,
      countryCode: 'SG',
      type: 'DID',
      idempotencyToken: app.applicationId,
    });
    const flowId = telephony.contactFlowId?.();
    if (flowId) await telephony.associateFlow(claimed.phoneNumberId, flowId);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    logger.error('binding the number in Connect failed', { number: app.number, error: error as Error });
    // Approved and charged already; the same claim token makes a retry safe.
    throw new DomainError(
      'unavailable',
      'telephony_unavailable',
      'the application is approved but binding the number in Connect failed; approve it again to retry',
    );
  }
  try {
    const { item } = await runCommand(
      app.number,
      { type: 'activate', accessNumber: claimed.accessNumber },
      { at, actor: operator, config },
      {
        // planId again from the contract: numbers approved before the number item carried it get it now.
        extra: (current) => ({
          phoneNumberId: claimed.phoneNumberId,
          ...(current.planId ? {} : { planId: app.planId }),
        }),
        // The approval notice goes with the activation, durably (retried if SNS fails).
        effects: (_item, next) => [
          {
            effectId: `${app.number}#v${String(next.version).padStart(8, '0')}#decision`,
            at,
            payload: {
              kind: 'notify',
              notification: {
                tenantId: app.tenantId,
                kind: 'application_decided',
                subject: `Application for ${app.number} approved`,
                text: `Your application for ${app.number} was approved; the number is active.`,
                dedupeKey: `application#${app.applicationId}#approved`,
              },
            },
          },
        ],
      },
    );
    return { status: item.status, accessNumber: item.accessNumber };
  } catch (error) {
    const now = await getNumberItem(app.number);
    if (now?.status === 'active') return { status: now.status, accessNumber: now.accessNumber };
    throw error;
  }
}
