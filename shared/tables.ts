/**
 * The one definition of every DynamoDB table. CDK (infra/constructs/data-tables.ts) and the local
 * bootstrap (infra/local/bootstrap.ts) both read it, so the two can never drift.
 *
 * Every key attribute is a string. Items carry a `type` attribute naming what they are.
 */
import { TABLE_ENV_VARS, TTL_ATTRIBUTE } from './table-env.js';

export type TableId = 'numbers' | 'routing' | 'ledger' | 'ops' | 'audit';

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export interface TableDefinition {
  readonly id: TableId;
  /** Environment variable that carries the physical table name into functions. */
  readonly envVar: string;
  readonly partitionKey: 'pk';
  readonly sortKey: 'sk';
  readonly indexes: readonly IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry; DynamoDB deletes lazily, so readers filter on it too. */
  readonly ttlAttribute?: string;
  /**
   * Holds personal or regulated data (phone numbers above all): encrypted with the stack's
   * customer-managed KMS key. Every table holds phone numbers today, so every table is sensitive.
   */
  readonly sensitive: boolean;
  readonly description: string;
}

export const TABLES: Readonly<Record<TableId, TableDefinition>> = {
  numbers: {
    id: 'numbers',
    envVar: TABLE_ENV_VARS.numbers,
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      // Available inventory by segment: gsi1pk = AVAIL#<segment>, gsi1sk = <tierRank>#<number>. Sparse.
      { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
      // A tenant's numbers and applications: gsi2pk = TENANT#<tenantId>#<kind>, gsi2sk = <sortable>.
      { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
      // Timers swept by jobs: gsi3pk = DUE#<timer>, gsi3sk = <ISO instant>#<key>. Sparse.
      { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    ],
    ttlAttribute: TTL_ATTRIBUTE,
    sensitive: true,
    description: 'Number inventory, lifecycle history, reservations, applications, documents, contracts',
  },
  routing: {
    id: 'routing',
    envVar: TABLE_ENV_VARS.routing,
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
    // Answer numbers (private mobiles among them), blacklists and VIP callers.
    sensitive: true,
    description:
      'Routing configurations (versioned), compiled per-call snapshots by access number, applied Connect state',
  },
  ledger: {
    id: 'ledger',
    envVar: TABLE_ENV_VARS.ledger,
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      // An account's ledger by time: gsi1pk = ACCT#<tenantId>, gsi1sk = <ISO instant>#<entryKey>.
      { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
      // A tenant's calls by number and time: gsi2pk = CALLS#<tenantId>#<number>, gsi2sk = <ISO start>#<contactId>.
      { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    ],
    ttlAttribute: TTL_ATTRIBUTE,
    sensitive: true,
    description:
      'Accounts (balance, daily spend, cap), ledger entries (one per idempotency key), call records, statements',
  },
  ops: {
    id: 'ops',
    envVar: TABLE_ENV_VARS.ops,
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      // Sparse: pending alerts (OUTBOX#pending), tariff versions awaiting notices, incidents… and every alert
      // refused for good, across tenants: gsi1pk = UNDELIVERED#all, gsi1sk = <ISO instant>#<alert>.
      { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
      // A tenant's alerts refused for good: gsi2pk = UNDELIVERED#<tenantId>, gsi2sk = <ISO instant>#<alert>.
      { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    ],
    ttlAttribute: TTL_ATTRIBUTE,
    // Alerts waiting in the outbox carry the tenant's alert phones, and notification delivery records their
    // recipients; incidents and job runs name numbers.
    sensitive: true,
    description:
      'Job runs and their progress, service incidents, tariff versions, alert outbox, notification delivery records, rate-limit windows',
  },
  audit: {
    id: 'audit',
    envVar: TABLE_ENV_VARS.audit,
    partitionKey: 'pk',
    sortKey: 'sk',
    // Append-only: pk = AUDIT#<tenant>|AUDIT#platform, sk = <ISO instant>#<request id>.
    indexes: [],
    // Actors' e-mails.
    sensitive: true,
    description: 'Audit trail: one event per write through the API (actor, tenant, route, object, summary)',
  },
};

export const TABLE_LIST: readonly TableDefinition[] = Object.values(TABLES);
