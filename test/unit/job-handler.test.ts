import { describe, expect, it } from 'vitest';
import { jobHandler, jobInstant } from '../../shared/runtime/job-handler.js';
import { lambdaContext } from '../support/api-events.js';

describe('scheduled job handlers', () => {
  it('run at the scheduled instant, normalised to UTC, or now when none is given', async () => {
    const seen: string[] = [];
    const handler = jobHandler('test-job', async (at) => {
      seen.push(at);
      return { processed: 1, failed: 0 };
    });
    expect(await handler({ at: '2027-01-01T00:10:00+08:00' }, lambdaContext)).toEqual({
      processed: 1,
      failed: 0,
    });
    expect(seen[0]).toBe('2026-12-31T16:10:00.000Z');
    expect(jobInstant(undefined, () => new Date('2026-11-25T00:00:00Z'))).toBe('2026-11-25T00:00:00.000Z');
  });

  it('refuse a malformed instant instead of silently running for now', async () => {
    let ran = false;
    const handler = jobHandler('test-job', async () => {
      ran = true;
      return {};
    });
    await expect(handler({ at: 'last tuesday' }, lambdaContext)).rejects.toThrow(/ISO-8601/);
    expect(ran).toBe(false);
  });
});
