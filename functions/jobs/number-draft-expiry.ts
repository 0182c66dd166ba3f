/** Job number-draft-expiry: withdraws draft applications never submitted in time; their numbers return to the pool. Safe to run twice. */
import { expireDrafts } from '../../shared/adapters/dynamo/number-applications.js';
import { numbersConfig } from '../../shared/domain/numbers/config.js';
import { jobHandler } from '../../shared/runtime/job-handler.js';

export const handler = jobHandler('number-draft-expiry', (at) => expireDrafts(at, numbersConfig()));
