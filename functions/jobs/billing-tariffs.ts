/**
 * Daily tariff job (02:00 Asia/Shanghai): scheduled tariff versions are copied onto their plan's contracts
 * and the tenants concerned are notified once. Safe to run twice, late, or overlapping.
 */
import { billingJobs } from '../../shared/runtime/billing-jobs.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';

export const handler = jobHandler('billing-tariffs', (at) => billingJobs.applyTariffVersions(at));
