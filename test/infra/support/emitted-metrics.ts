/**
 * The EMF documents Powertools would write while some code runs, so infra tests match alarms and dashboard
 * widgets to the metrics the code really emits (name, namespace, dimensions), not to retyped strings.
 */
import { vi } from 'vitest';
import { metrics } from '../../../shared/observability.js';

type Props = Record<string, any>;

/**
 * Every EMF document written while `act` runs: single metrics as they publish, and the stored ones at
 * publishStoredMetrics (the tests run with POWERTOOLS_METRICS_DISABLED, so nothing is printed). The spies are
 * removed when it returns.
 */
export async function emittedBy(act: () => unknown): Promise<Props[]> {
  const emitted: Props[] = [];
  const capture = (instance: typeof metrics) => {
    const publish = instance.publishStoredMetrics.bind(instance);
    vi.spyOn(instance, 'publishStoredMetrics').mockImplementation(() => {
      if (instance.hasStoredMetrics()) emitted.push(instance.serializeMetrics() as Props);
      return publish();
    });
  };
  const singleMetric = metrics.singleMetric.bind(metrics);
  vi.spyOn(metrics, 'singleMetric').mockImplementation(() => {
    const single = singleMetric();
    capture(single);
    return single;
  });
  capture(metrics);
  try {
    await act();
  } finally {
    vi.restoreAllMocks();
  }
  return emitted;
}
