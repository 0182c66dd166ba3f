/**
 * The Connect functions' hand-written logs and metrics (shared/runtime/call-telemetry.ts) against what
 * Powertools writes for the same calls: same log keys and values, same EMF documents, so queries, the
 * dashboard and the alarms read both alike. Only the instants differ: ours come from the clock in force.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handler as routeCallHandler } from '../../functions/connect/route-call.js';
import {
  CallLogger,
  CallMetrics,
  configuredLogLevel,
  type LineWriter,
  MetricUnit,
} from '../../shared/runtime/call-telemetry.js';
import { callLogger, callMetrics } from '../../shared/runtime/connect-handler.js';

const NOW = new Date('2027-03-01T01:02:03.456Z');
const TRACE_ID = '1-5759e988-bd862e3fe1be46a994272793';
const CONTEXT = {
  functionName: 'hotline400-routeCall',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:111122223333:function:hotline400-routeCall',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
} as unknown as Context;

type Line = { stream: 'stdout' | 'stderr'; body: Record<string, unknown> };

function recorder(): { lines: Line[]; write: LineWriter } {
  const lines: Line[] = [];
  return { lines, write: (line, stream) => lines.push({ stream, body: JSON.parse(line) }) };
}

/** What Powertools writes to stdout and stderr while `act` runs. */
function powertoolsOutput(act: () => void): Line[] {
  const lines: Line[] = [];
  for (const stream of ['stdout', 'stderr'] as const)
    vi.spyOn(process[stream], 'write').mockImplementation((chunk) => {
      for (const text of String(chunk).split('\n').filter(Boolean))
        lines.push({ stream, body: JSON.parse(text) });
      return true;
    });
  try {
    act();
  } finally {
    vi.restoreAllMocks();
  }
  return lines;
}

const withoutInstants = ({ stream, body }: Line) => {
  const { timestamp: _, _aws, ...rest } = body as { timestamp?: string; _aws?: { Timestamp: number } };
  return { stream, body: _aws ? { ...rest, _aws: { ..._aws, Timestamp: 0 } } : rest };
};

describe('call telemetry writes what Powertools writes', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('logs the same keys, levels and streams, with the invocation and an error as Powertools shapes them', () => {
    vi.stubEnv('_X_AMZN_TRACE_ID', `Root=${TRACE_ID};Parent=53995c3f42cd8ad8;Sampled=1`);
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    const cause = new Error('socket hang up');
    const error = Object.assign(new Error('routing read failed', { cause }), { code: 'ECONNRESET' });
    const calls = (log: Pick<CallLogger, 'info' | 'warn' | 'error'>) => {
      log.info('call routed', { contactId: 'c-1', requests: 1, stale: false });
      log.warn('routing read failed with nothing cached', { accessNumber: '+864001234567' });
      log.error('routing failed; answering the fallback', { error });
    };

    const ours = recorder();
    const logger = new CallLogger({
      service: 'hotline400',
      level: 'INFO',
      write: ours.write,
      now: () => NOW,
      initializationType: 'on-demand',
    });
    const powertools = new Logger({ serviceName: 'hotline400', logLevel: 'INFO' });
    for (const invocation of [1, 2]) {
      logger.begin(CONTEXT);
      calls(logger);
      const theirs = powertoolsOutput(() => {
        powertools.addContext(CONTEXT);
        calls(powertools as unknown as CallLogger);
      });
      const mine = ours.lines.splice(0);
      expect(mine.map(withoutInstants), `invocation ${invocation}`).toEqual(theirs.map(withoutInstants));
      expect(mine.map((line) => line.stream)).toEqual(['stdout', 'stderr', 'stderr']);
      expect(mine[0]?.body).toMatchObject({
        level: 'INFO',
        message: 'call routed',
        timestamp: '2027-03-01T01:02:03.456Z',
        service: 'hotline400',
        cold_start: invocation === 1,
        function_request_id: 'req-1',
        xray_trace_id: TRACE_ID,
        contactId: 'c-1',
      });
      expect(mine[2]?.body.error).toMatchObject({
        name: 'Error',
        message: 'routing read failed',
        code: 'ECONNRESET',
        location: expect.stringMatching(/\S+:\d+$/),
        cause: { message: 'socket hang up' },
      });
    }
  });

  it('writes nothing below its level; Lambda’s own log level wins over POWERTOOLS_LOG_LEVEL', () => {
    const ours = recorder();
    const logger = new CallLogger({ service: 's', level: 'WARN', write: ours.write, now: () => NOW });
    logger.begin(undefined);
    logger.info('hidden');
    logger.warn('shown');
    expect(ours.lines.map(({ body }) => body.message)).toEqual(['shown']);
    expect(ours.lines[0]?.body).not.toHaveProperty('function_request_id');
    expect(ours.lines[0]?.body.cold_start).toBe(false);
    expect(configuredLogLevel({ POWERTOOLS_LOG_LEVEL: 'DEBUG' })).toBe('DEBUG');
    expect(configuredLogLevel({ POWERTOOLS_LOG_LEVEL: 'DEBUG', AWS_LAMBDA_LOG_LEVEL: 'fatal' })).toBe(
      'CRITICAL',
    );
    const silent = recorder();
    const quiet = new CallLogger({ service: 's', level: 'SILENT', write: silent.write, now: () => NOW });
    quiet.error('never');
    expect(silent.lines).toEqual([]);
  });

  it('publishes the same EMF documents: the invocation’s metrics with its dimensions, and a single metric on the service alone', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const ours = recorder();
    const metrics = new CallMetrics({
      namespace: 'hotline400',
      service: 'hotline400',
      write: ours.write,
      now: () => NOW,
    });
    const powertools = new Metrics({ namespace: 'hotline400', serviceName: 'hotline400' });
    const theirs = powertoolsOutput(() => {
      powertools.singleMetric().addMetric('CallLimitArmFailures', MetricUnit.Count, 1);
      powertools.addDimension('action', 'transfer');
      powertools.addDimension('reason', 'none');
      powertools.addMetric('CallDecision', MetricUnit.Count, 1);
      powertools.publishStoredMetrics();
    });
    metrics.single('CallLimitArmFailures', MetricUnit.Count, 1);
    metrics.addDimension('action', 'transfer');
    metrics.addDimension('reason', 'none');
    metrics.addMetric('CallDecision', MetricUnit.Count, 1);
    metrics.publish();
    expect(theirs).toHaveLength(2);
    expect(ours.lines.map(withoutInstants)).toEqual(theirs.map(withoutInstants));
    expect(ours.lines[1]?.body).toEqual({
      _aws: {
        Timestamp: NOW.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: 'hotline400',
            Dimensions: [['service', 'action', 'reason']],
            Metrics: [{ Name: 'CallDecision', Unit: 'Count' }],
          },
        ],
      },
      service: 'hotline400',
      action: 'transfer',
      reason: 'none',
      CallDecision: 1,
    });
    // Published once: the next invocation starts with no dimensions and no metrics.
    metrics.publish();
    expect(ours.lines).toHaveLength(2);
  });

  it('writes no metric when disabled (tests, the local runtime)', () => {
    const ours = recorder();
    const metrics = new CallMetrics({
      namespace: 'n',
      service: 's',
      disabled: true,
      write: ours.write,
      now: () => NOW,
    });
    metrics.addMetric('CallDecision', MetricUnit.Count, 1);
    metrics.single('X', MetricUnit.Count, 1);
    metrics.publish();
    expect(ours.lines).toEqual([]);
  });

  it('the routing handler counts its decision with action and reason, and publishes at the end of the call', async () => {
    const added: unknown[] = [];
    vi.spyOn(callMetrics, 'addDimension').mockImplementation((...args) => void added.push(args));
    vi.spyOn(callMetrics, 'addMetric').mockImplementation((...args) => void added.push(args));
    const publish = vi.spyOn(callMetrics, 'publish');
    const begin = vi.spyOn(callLogger, 'begin');
    try {
      // A malformed event: the handler answers the fallback decision, and still counts it.
      const decision = await routeCallHandler(undefined as never, CONTEXT);
      expect(decision.action).toBeTruthy();
      expect(begin).toHaveBeenCalledWith(CONTEXT);
      expect(added).toEqual([
        ['action', decision.action],
        ['reason', decision.reason || 'none'],
        ['CallDecision', 'Count', 1],
      ]);
      expect(publish).toHaveBeenCalledTimes(1);
    } finally {
      vi.restoreAllMocks();
    }
  });
});
