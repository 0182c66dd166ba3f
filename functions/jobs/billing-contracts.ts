/**
 * Daily contract-terms job (01:00 Asia/Shanghai): 30-day renewal/ending notices, renewals on the day,
 * endings of contracts that do not renew. Safe to run twice, late, or overlapping.
 */
import { billingJobs } from '../../shared/runtime/billing-jobs.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';

export const handler = jobHandler('billing-contracts', (at) => billingJobs.sweepContractTerms(at));
