/**
 * What functions read of the table definitions (./tables.ts) at run time: the environment variable that
 * carries each table's physical name, and the expiry attribute. Apart from the definitions (indexes,
 * descriptions), which only CDK and the local bootstrap need, so a function's bundle carries just these.
 */
import type { TableId } from './tables.js';

export const TABLE_ENV_VARS: Readonly<Record<TableId, string>> = {
  numbers: 'TABLE_NUMBERS',
  routing: 'TABLE_ROUTING',
  ledger: 'TABLE_LEDGER',
  ops: 'TABLE_OPS',
  audit: 'TABLE_AUDIT',
};

/** The epoch-seconds expiry attribute of every table that has one. */
export const TTL_ATTRIBUTE = 'expiresAt';
