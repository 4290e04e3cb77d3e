// Outlier detection: passive ejection of endpoints that keep failing.
import { duration } from '@tidegate/envoy-api';
import type { Backend } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';

/** Cluster fields: `outlier_detection` with the settings given (Envoy defaults for the rest). */
export function outlierDetectionFields(b: Backend): EnvoyObject {
  const od = b.outlierDetection;
  if (!od) return {};
  const out: EnvoyObject = {};
  if (od.consecutive5xx !== undefined) out.consecutive_5xx = { value: od.consecutive5xx };
  if (od.intervalMs !== undefined) out.interval = duration(od.intervalMs);
  if (od.baseEjectionTimeMs !== undefined) out.base_ejection_time = duration(od.baseEjectionTimeMs);
  if (od.maxEjectionPercent !== undefined) out.max_ejection_percent = { value: od.maxEjectionPercent };
  return { outlier_detection: out };
}
