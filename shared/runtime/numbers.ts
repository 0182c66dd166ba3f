/**
 * The composition root of numbers: the use cases of shared/app/numbers built on the DynamoDB stores, the
 * ledger store, the ports in force (`port(...)`, built on first use) and the numbers configuration.
 * Handlers, jobs and the local runtime call the use cases through here; `numbersDeps` lets a test swap one
 * dependency (say, a ledger that fails) and call a use case directly.
 */
import { randomUUID } from 'node:crypto';
import { dynamoActivationStore } from '../adapters/dynamo/activation-store.js';
import { dynamoApplicationStore } from '../adapters/dynamo/number-application-store.js';
import { dynamoNumberEffectStore } from '../adapters/dynamo/number-effect-store.js';
import { dynamoArrearsStore, dynamoNumberStore } from '../adapters/dynamo/number-store.js';
import { dynamoPrepaidFunds } from '../adapters/dynamo/prepaid-funds.js';
import { dynamoRoutingHandOver } from '../adapters/dynamo/routing-hand-over.js';
import { dynamoTenantDirectory } from '../adapters/dynamo/tenant-directory.js';
import * as activateNumberCase from '../app/numbers/activate-number.js';
import * as addDocumentCase from '../app/numbers/add-document.js';
import * as approveApplicationCase from '../app/numbers/approve-application.js';
import * as completeCancellationsCase from '../app/numbers/complete-cancellations.js';
import * as createApplicationCase from '../app/numbers/create-application.js';
import * as decideApplicationCase from '../app/numbers/decide-application.js';
import * as decideTransferCase from '../app/numbers/decide-transfer.js';
import type { NumbersDeps } from '../app/numbers/deps.js';
import * as expireDraftsCase from '../app/numbers/expire-drafts.js';
import * as expireHoldsCase from '../app/numbers/expire-holds.js';
import * as expireRetentionCase from '../app/numbers/expire-retention.js';
import * as getApplicationCase from '../app/numbers/get-application.js';
import * as getApplicationForReviewCase from '../app/numbers/get-application-for-review.js';
import * as getMyNumberCase from '../app/numbers/get-my-number.js';
import * as importNumbersCase from '../app/numbers/import-numbers.js';
import * as listApplicationsCase from '../app/numbers/list-applications.js';
import * as listMyNumbersCase from '../app/numbers/list-my-numbers.js';
import * as listPendingApplicationsCase from '../app/numbers/list-pending-applications.js';
import * as rejectApplicationCase from '../app/numbers/reject-application.js';
import * as releaseQuarantineCase from '../app/numbers/release-quarantine.js';
import * as releaseReservationCase from '../app/numbers/release-reservation.js';
import * as requestCancellationCase from '../app/numbers/request-cancellation.js';
import * as requestTransferCase from '../app/numbers/request-transfer.js';
import * as reserveNumberCase from '../app/numbers/reserve-number.js';
import * as restoreAfterPaymentCase from '../app/numbers/restore-after-payment.js';
import * as resubmitApplicationCase from '../app/numbers/resubmit-application.js';
import * as resumeNumberCase from '../app/numbers/resume-number.js';
import * as retryNumberEffectsCase from '../app/numbers/retry-number-effects.js';
import * as runLifecycleCommandCase from '../app/numbers/run-lifecycle-command.js';
import * as searchAvailableNumbersCase from '../app/numbers/search-available-numbers.js';
import * as submitApplicationCase from '../app/numbers/submit-application.js';
import * as suspendNumberCase from '../app/numbers/suspend-number.js';
import * as sweepArrearsCase from '../app/numbers/sweep-arrears.js';
import * as withdrawApplicationCase from '../app/numbers/withdraw-application.js';
import * as withdrawCancellationCase from '../app/numbers/withdraw-cancellation.js';
import { numbersConfig } from '../domain/numbers/config.js';
import type { LifecycleCommand } from '../domain/numbers/lifecycle.js';
import { logger } from '../observability.js';
import type { BalanceRefunds } from '../ports/balance-refunds.js';
import { ledger } from './ledger.js';
import { clock, port } from './ports.js';
import { numbersConfigAt, refusalRateAt } from './tariffs.js';
import { workQueue } from './work-queues.js';

/**
 * Refunds at cancellation through the payments area. Imported when first used: payments' root imports
 * this one (a credit restores numbers), and a static import both ways would be a cycle. A function built
 * without the payment providers (every API route but the payment ones: infra/bundling.ts portsOf) leaves
 * the refund to the number-effects job, which has them: the refund effect fails here and stays pending.
 */
const balanceRefunds: BalanceRefunds =
  process.env.HOTLINE_PORT_PAYMENTS !== 'false'
    ? {
        async refundAll({ tenantId, requestId, by, now }) {
          const { payments } = await import('./payments.js');
          const { refunds } = await payments.requestRefund({
            tenantId,
            requestId,
            by,
            now,
            amount: 'all_refundable',
          });
          return { refunded: refunds.reduce((sum, r) => sum + r.amount, 0) };
        },
      }
    : {
        async refundAll() {
          throw new Error('refunds run in the number-effects job (payments are not bundled here)');
        },
      };

/** The dependencies in force now (ports and configuration are looked up on every call: tests swap them). */
export function numbersDeps(overrides: Partial<NumbersDeps> = {}): NumbersDeps {
  return {
    numbers: dynamoNumberStore(),
    applications: dynamoApplicationStore(),
    effects: dynamoNumberEffectStore(),
    activations: dynamoActivationStore(),
    activationQueue: () => workQueue('numberActivations'),
    arrears: dynamoArrearsStore(),
    routingHandOver: dynamoRoutingHandOver(),
    tenants: dynamoTenantDirectory(),
    ledger: ledger(),
    funds: dynamoPrepaidFunds(),
    refusalRateAt,
    refunds: balanceRefunds,
    telephony: () => port('telephony'),
    notifications: () => port('notifications'),
    documents: () => port('documents'),
    config: numbersConfig(),
    newId: randomUUID,
    log: { error: (message, attributes) => logger.error(message, { ...attributes }) },
    ...overrides,
  };
}

type Rest<F> = F extends (deps: NumbersDeps, ...args: infer A) => infer R ? (...args: A) => R : never;

/** A use case bound to the dependencies in force when it is called. */
const bound = <F extends (deps: NumbersDeps, ...args: never[]) => unknown>(useCase: F): Rest<F> =>
  ((...args: never[]) => useCase(numbersDeps(), ...args)) as Rest<F>;

/**
 * A quoting or contracting use case bound to the dependencies in force, with the configuration in force now
 * (numbersConfigAt: the tariff, rents and minimum spends of the stored versions in force, and later ones).
 */
const priced = <F extends (deps: NumbersDeps, ...args: never[]) => Promise<unknown>>(useCase: F): Rest<F> =>
  (async (...args: never[]) =>
    useCase(numbersDeps({ config: await numbersConfigAt(clock().now()) }), ...args)) as Rest<F>;

export const searchAvailableNumbers = /* @__PURE__ */ priced(
  searchAvailableNumbersCase.searchAvailableNumbers,
);
export const importNumbers = /* @__PURE__ */ bound(importNumbersCase.importNumbers);
export const seedNumbers = /* @__PURE__ */ bound(importNumbersCase.seedNumbers);
export const reserveNumber = /* @__PURE__ */ bound(reserveNumberCase.reserveNumber);
export const releaseReservation = /* @__PURE__ */ bound(releaseReservationCase.releaseReservation);

export const createApplication = /* @__PURE__ */ priced(createApplicationCase.createApplication);
export const addDocument = /* @__PURE__ */ bound(addDocumentCase.addDocument);
export const submitApplication = /* @__PURE__ */ bound(submitApplicationCase.submitApplication);
export const resubmitApplication = /* @__PURE__ */ bound(resubmitApplicationCase.resubmitApplication);
export const withdrawApplication = /* @__PURE__ */ bound(withdrawApplicationCase.withdrawApplication);
export const getApplication = /* @__PURE__ */ priced(getApplicationCase.getApplication);
export const listApplications = /* @__PURE__ */ bound(listApplicationsCase.listApplications);
export const listPendingApplications = /* @__PURE__ */ bound(
  listPendingApplicationsCase.listPendingApplications,
);
export const getApplicationForReview = /* @__PURE__ */ bound(
  getApplicationForReviewCase.getApplicationForReview,
);
// The contract is priced by the configuration in force at approval: the quote the tenant saw is what it says.
export const approveApplication = /* @__PURE__ */ priced(approveApplicationCase.approveApplication);
export const rejectApplication = /* @__PURE__ */ bound(rejectApplicationCase.rejectApplication);
export const decideApplication = /* @__PURE__ */ priced(decideApplicationCase.decideApplication);

export const listMyNumbers = /* @__PURE__ */ bound(listMyNumbersCase.listMyNumbers);
export const getMyNumber = /* @__PURE__ */ bound(getMyNumberCase.getMyNumber);
export const suspendNumber = /* @__PURE__ */ bound(suspendNumberCase.suspendNumber);
export const resumeNumber = /* @__PURE__ */ bound(resumeNumberCase.resumeNumber);
export const requestCancellation = /* @__PURE__ */ bound(requestCancellationCase.requestCancellation);
export const withdrawCancellation = /* @__PURE__ */ bound(withdrawCancellationCase.withdrawCancellation);
export const requestTransfer = /* @__PURE__ */ bound(requestTransferCase.requestTransfer);
export const decideTransfer = /* @__PURE__ */ bound(decideTransferCase.decideTransfer);

export const expireHolds = /* @__PURE__ */ bound(expireHoldsCase.expireHolds);
export const expireDrafts = /* @__PURE__ */ bound(expireDraftsCase.expireDrafts);
export const expireRetention = /* @__PURE__ */ bound(expireRetentionCase.expireRetention);
export const completeCancellations = /* @__PURE__ */ bound(completeCancellationsCase.completeCancellations);
export const releaseQuarantine = /* @__PURE__ */ bound(releaseQuarantineCase.releaseQuarantine);
export const sweepArrears = /* @__PURE__ */ bound(sweepArrearsCase.sweepArrears);
export const retryNumberEffects = /* @__PURE__ */ bound(retryNumberEffectsCase.retryNumberEffects);
export const activateNumber = /* @__PURE__ */ bound(activateNumberCase.activateNumber);

/**
 * The lifecycle command runner in the shape other areas call it (billing's contract-terms sweep):
 * `ctx.config` is accepted and used in place of the configuration in force.
 */
export function runCommand(
  number: string,
  command: LifecycleCommand,
  ctx: runLifecycleCommandCase.CommandContext & { readonly config?: NumbersDeps['config'] },
) {
  const { config, ...context } = ctx;
  return runLifecycleCommandCase
    .runLifecycleCommand(numbersDeps(config ? { config } : {}), number, command, context)
    .then(({ number: item, transition }) => ({ item, transition }));
}

/** The old shape of restoreAfterPayment (account top-up): the tenant, the instant, a configuration. */
export function restoreAfterPayment(tenantId: string, at: string, config?: NumbersDeps['config']) {
  return restoreAfterPaymentCase.restoreAfterPayment(numbersDeps(config ? { config } : {}), tenantId, at);
}
