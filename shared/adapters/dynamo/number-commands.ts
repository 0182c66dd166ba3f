/** Tenant-initiated lifecycle commands (suspend, resume, cancel, transfer) and what each answers. */
import { tableName } from '../../config.js';
import { addMonths, localDateOf } from '../../domain/billing/calendar.js';
import { invalid } from '../../domain/errors.js';
import { type ApplicantType, restrictionsFor } from '../../domain/numbers/applications.js';
import type { NumbersConfig } from '../../domain/numbers/config.js';
import type { LifecycleCommand } from '../../domain/numbers/lifecycle.js';
import { requireOwnApplication } from './number-applications.js';
import { getContractItem, getNumberItem, type NumberItem, type TransactItem } from './number-items.js';
import { runCommand } from './number-lifecycle.js';
import { numberView } from './number-views.js';

type OwnerCommand = Extract<LifecycleCommand, { tenantId: string }>['type'];

export async function ownerCommand(
  number: string,
  type: Exclude<OwnerCommand, 'apply' | 'request_transfer'>,
  tenantId: string,
  at: string,
  config: NumbersConfig,
) {
  const { item } = await runCommand(number, { type, tenantId } as LifecycleCommand, {
    at,
    actor: tenantId,
    config,
  });
  return numberView(item, at);
}

export async function requestTransfer(
  number: string,
  tenantId: string,
  toTenantId: string,
  at: string,
  config: NumbersConfig,
) {
  const { item } = await runCommand(
    number,
    { type: 'request_transfer', tenantId, toTenantId },
    { at, actor: tenantId, config },
    {
      // The offer reaches the recipient durably: recorded with the transition, retried if SNS fails.
      effects: (_current, next) => [
        {
          effectId: `${number}#v${String(next.version).padStart(8, '0')}#offer`,
          at,
          payload: {
            kind: 'notify',
            notification: {
              tenantId: toTenantId,
              kind: 'number_lifecycle',
              subject: `Transfer of ${number} offered to you`,
              text: `The owner of 400 number ${number} offers to transfer it to you. Accept (stating your applicant type) or decline at POST /v1/numbers/${number}/transfer/decision.`,
              dedupeKey: `transfer#${number}#${next.version}`,
            },
          },
        },
      ],
    },
  );
  return numberView(item, at);
}

const successorId = (item: NumberItem) => `${(item.contractId as string).split('~')[0]}~${item.version + 1}`;

/** The new owner's contract: the same plan and terms, starting today, written with the transfer. */
async function successorContract(
  item: NumberItem,
  old: Record<string, unknown> | undefined,
  newTenant: string,
  qualification: Qualification,
  at: string,
  config: NumbersConfig,
) {
  if (!item.contractId || !old) return [];
  const contractId = successorId(item);
  const zone = (old.timeZone as string | undefined) ?? config.timeZone;
  const termStart = localDateOf(at, zone);
  const termMonths = Number(old.termMonths ?? config.minimumContractMonths);
  const termEnd = addMonths(termStart, termMonths);
  const { serviceTo: _s, endedAt: _e, renewedAt: _r, ...terms } = old;
  const contract = {
    ...terms,
    sk: `CONTRACT#${contractId}`,
    contractId,
    tenantId: newTenant,
    transferredFrom: item.tenantId,
    applicantType: qualification.applicantType,
    ...(qualification.applicationId ? { qualificationApplicationId: qualification.applicationId } : {}),
    termStart,
    termEnd,
    serviceFrom: termStart,
    suspensions: [],
    status: 'active',
    createdAt: at,
    version: 1,
    gsi2pk: `TENANT#${newTenant}#contracts`,
    gsi2sk: `${termStart}#${item.number}`,
    gsi3pk: 'DUE#contract-term',
    gsi3sk: `${termEnd}#${item.number}#${contractId}`,
  };
  return [
    {
      Put: {
        TableName: tableName('numbers'),
        Item: contract,
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ] as TransactItem[];
}

export interface TransferAcceptance {
  readonly applicantType?: ApplicantType;
  readonly qualificationApplicationId?: string;
}

interface Qualification {
  readonly applicantType: ApplicantType;
  readonly applicationId?: string;
}

/**
 * Who the new owner is, for its restrictions: an approved application of its own (its reviewed applicant
 * type), or the type it states. Both given must agree; neither is a 400.
 */
async function qualificationOf(tenantId: string, acceptance: TransferAcceptance): Promise<Qualification> {
  const { applicantType, qualificationApplicationId } = acceptance;
  if (qualificationApplicationId) {
    const app = await requireOwnApplication(tenantId, qualificationApplicationId).catch(() => {
      throw invalid(
        'qualification_not_found',
        'no such application among yours',
        'qualificationApplicationId',
      );
    });
    if (app.status !== 'approved') {
      throw invalid(
        'qualification_not_approved',
        `the application is ${app.status}; name an approved one or state applicantType`,
        'qualificationApplicationId',
      );
    }
    if (applicantType && applicantType !== app.applicantType) {
      throw invalid(
        'applicant_type_mismatch',
        `the approved application is for an applicant of type ${app.applicantType}`,
        'applicantType',
      );
    }
    return { applicantType: app.applicantType, applicationId: app.applicationId };
  }
  if (!applicantType) {
    throw invalid(
      'applicant_type_required',
      'accepting a transfer needs your applicantType or an approved qualificationApplicationId',
      'applicantType',
    );
  }
  return { applicantType };
}

export async function decideTransfer(
  number: string,
  tenantId: string,
  decision: 'accept' | 'decline',
  at: string,
  config: NumbersConfig,
  acceptance: TransferAcceptance = {},
) {
  if (decision === 'decline') {
    const { item } = await runCommand(
      number,
      { type: 'abandon_transfer', tenantId },
      { at, actor: tenantId, config },
    );
    return { number, status: item.status, transferred: false };
  }
  const qualification = await qualificationOf(tenantId, acceptance);
  const contracts = new Map<string, Record<string, unknown> | undefined>();
  const oldContract = async (current: Pick<NumberItem, 'number' | 'contractId'>) => {
    if (!current.contractId) return undefined;
    if (!contracts.has(current.contractId))
      contracts.set(current.contractId, await getContractItem(current.number, current.contractId));
    return contracts.get(current.contractId);
  };
  // Numbers activated before the item carried planId take it from the contract now.
  const before = await getNumberItem(number);
  const contractPlan = before ? (await oldContract(before))?.planId : undefined;
  const { item } = await runCommand(
    number,
    { type: 'accept_transfer', tenantId },
    { at, actor: tenantId, config, note: `applicantType=${qualification.applicantType}` },
    {
      // The new owner's restrictions follow from its own applicant type, never the old owner's; the plan
      // carries on with the contract.
      extra: (current) => ({
        restrictions: restrictionsFor(qualification.applicantType),
        ...(current.contractId ? { contractId: successorId(current) } : {}),
        ...(!current.planId && typeof contractPlan === 'string' ? { planId: contractPlan } : {}),
      }),
      extraWrites: async (current) =>
        successorContract(current, await oldContract(current), tenantId, qualification, at, config),
    },
  );
  return { ...numberView(item, at), transferred: true };
}
