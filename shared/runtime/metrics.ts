import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The one metrics instance of a Lambda container (CloudWatch embedded metric format, namespace from
 * POWERTOOLS_METRICS_NAMESPACE). The handler factories flush it after every invocation.
 */
export const metrics = new Metrics({ defaultDimensions: {} });

/** Counts one occurrence of `name`. */
export const count = (name: string, value = 1): void => {
  metrics.addMetric(name, MetricUnit.Count, value);
};

/** Records a duration in milliseconds. */
export const milliseconds = (name: string, value: number): void => {
  metrics.addMetric(name, MetricUnit.Milliseconds, Math.max(0, value));
};
