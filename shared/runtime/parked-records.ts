/**
 * The composition root of the parked-records review (operators): the DynamoDB parked-record store, the call
 * lookup, and the charging path of stream records (./ingest.ts) for a record an operator charges, fed the
 * contact record the parked contact parses back from, so it is rated and charged as ingest would.
 */
import { DynamoCalls } from '../adapters/dynamo/call-queries.js';
import { DynamoParkedRecords } from '../adapters/dynamo/parked-records.js';
import { getParkedRecord } from '../app/calls/get-parked-record.js';
import { listParkedRecords, type ParkedRecordsQuery } from '../app/calls/list-parked-records.js';
import { type ResolveParkedCommand, resolveParkedRecord } from '../app/calls/resolve-parked-record.js';
import { contactRecordOf } from '../domain/calls/parked-records.js';
import { ingest } from './ingest.js';

const parked = new DynamoParkedRecords();
const calls = new DynamoCalls();

export const parkedRecords = {
  list: (query: ParkedRecordsQuery) => listParkedRecords({ parked }, query),
  get: (contactId: string) => getParkedRecord({ parked }, contactId),
  resolve: (command: ResolveParkedCommand) =>
    resolveParkedRecord(
      {
        parked,
        calls,
        charge: (contact) =>
          ingest.ingestContactRecords([
            { id: `parked:${contact.contactId}`, data: JSON.stringify(contactRecordOf(contact)) },
          ]),
      },
      command,
    ),
};
