/**
 * The per-call use case (shared/app/routing/route-call.ts) with in-memory ports: its variations, without
 * a database. The reader's own faults are tested on the real path in test/integration/routing-route-call-faults.
 */
import { describe, expect, it } from 'vitest';
import { routeCall } from '../../shared/app/routing/route-call.js';
import type { CallRead, CallReads } from '../../shared/ports/routing.js';
import { HEALTHY_ACCOUNT, snapshotOf, testRegionOf, WED_10AM } from './routing-fixtures.js';

const CALL = {
  accessNumber: '+6531580001',
  caller: '+862161234567',
  contactId: 'c-1',
  step: 'start',
  key: '',
  state: '',
  now: WED_10AM,
};

const reads = (read: Partial<CallRead>): CallReads => ({
  read: async () => ({
    snapshot: undefined,
    account: undefined,
    requests: 1,
    timedOut: false,
    failed: false,
    stale: false,
    ...read,
  }),
});
const regions = async () => testRegionOf;

describe('routeCall', () => {
  it('decides from the snapshot and account it read', async () => {
    const routed = await routeCall(
      { reads: reads({ snapshot: snapshotOf(), account: HEALTHY_ACCOUNT }), regions },
      CALL,
    );
    expect(routed.decision).toMatchObject({ action: 'menu', menuId: 'main', tenantId: 'acme' });
    expect(routed).toMatchObject({ requests: 1, stale: false });
    expect(routed.fallback).toBeUndefined();
  });

  it('answers the fallback when the read failed with nothing cached, and says why', async () => {
    const routed = await routeCall({ reads: reads({ failed: true, timedOut: true }), regions }, CALL);
    expect(routed.decision).toMatchObject({ action: 'message', reason: 'service_busy', fallback: 'true' });
    expect(routed.fallback).toBe('read_failed');
  });

  it('routes from stale entries when the read failed but the number was cached', async () => {
    const routed = await routeCall(
      {
        reads: reads({ failed: true, stale: true, snapshot: snapshotOf(), account: HEALTHY_ACCOUNT }),
        regions,
      },
      CALL,
    );
    expect(routed.decision).toMatchObject({ action: 'menu' });
    expect(routed.stale).toBe(true);
  });

  it('answers an unknown number when the read succeeded and found nothing', async () => {
    const routed = await routeCall({ reads: reads({}), regions }, CALL);
    expect(routed.decision).toMatchObject({ action: 'message', reason: 'unknown_number' });
  });

  it('never throws: a failing port becomes the fallback', async () => {
    const broken: CallReads = {
      read: async () => {
        throw new Error('boom');
      },
    };
    const routed = await routeCall({ reads: broken, regions }, CALL);
    expect(routed.decision).toMatchObject({ reason: 'service_busy', fallback: 'true' });
    expect(routed.fallback).toBe('error');
  });
});
