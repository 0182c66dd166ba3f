import type { FunctionRow, JobRow } from '../function-catalogue.js';

export const NUMBER_FUNCTIONS: readonly FunctionRow[] = [];
export const NUMBER_JOBS: readonly JobRow[] = [];
