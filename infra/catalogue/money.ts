import type { FunctionRow, JobRow } from '../function-catalogue.js';

export const MONEY_FUNCTIONS: readonly FunctionRow[] = [];
export const MONEY_JOBS: readonly JobRow[] = [];
