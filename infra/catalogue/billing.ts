import type { FunctionRow, JobRow } from '../function-catalogue.js';

export const BILLING_FUNCTIONS: readonly FunctionRow[] = [];
export const BILLING_JOBS: readonly JobRow[] = [];
