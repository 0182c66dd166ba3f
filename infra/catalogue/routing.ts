import type { FunctionRow, JobRow } from '../function-catalogue.js';

export const ROUTING_FUNCTIONS: readonly FunctionRow[] = [];
export const ROUTING_JOBS: readonly JobRow[] = [];
