/** The composition root of members and the audit trail's reads: the DynamoDB stores and the directory port. */
import { DynamoAuditLog } from '../adapters/dynamo/audit-log.js';
import { DynamoMemberStore } from '../adapters/dynamo/member-store.js';
import { type ListAuditEventsInput, listAuditEvents } from '../app/audit/list-audit-events.js';
import { membersUseCases } from '../app/members/members.js';
import { port } from './ports.js';

export const members = membersUseCases({
  store: new DynamoMemberStore(),
  directory: () => port('directory'),
});

const auditStore = new DynamoAuditLog();

export const audit = {
  list: (input: ListAuditEventsInput) => listAuditEvents({ store: auditStore }, input),
};
