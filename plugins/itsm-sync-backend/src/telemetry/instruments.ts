import { toError } from '@backstage/errors';
import {
  context,
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

const tracer = trace.getTracer('itsm-sync');
const meter = metrics.getMeter('itsm-sync');

/**
 * Metric attributes without what names one incident or ticket: those belong on spans;
 * on a metric each value would be a time series of its own, without bound.
 */
function metricAttributes(attributes?: Attributes): Attributes | undefined {
  if (!attributes) return attributes;
  const {
    'sync.incident_id': _incident,
    'sync.external_id': _ticket,
    ...rest
  } = attributes;
  return rest;
}

/** A counter that keeps per-incident ids off its attributes. */
function counter(name: string, description: string) {
  const instrument = meter.createCounter(name, { description });
  return {
    add: (value: number, attributes?: Attributes) =>
      instrument.add(value, metricAttributes(attributes)),
  };
}

/** A histogram in ms that keeps per-incident ids off its attributes. */
function histogram(name: string, description: string) {
  const instrument = meter.createHistogram(name, { description, unit: 'ms' });
  return {
    record: (value: number, attributes?: Attributes) =>
      instrument.record(value, metricAttributes(attributes)),
  };
}

/**
 * OpenTelemetry counters and histograms of the sync engine (no-ops without an SDK). Their
 * attributes never carry incident or ticket ids, whatever a caller passes.
 */
export const syncInstruments = {
  outbound: counter(
    'itsm_sync.outbound.operations',
    'Outbound deliveries by outcome (success, retry, rate_limited, dead_letter)',
  ),
  inbound: counter(
    'itsm_sync.inbound.operations',
    'Inbound webhook changes by outcome (applied, ignored, duplicate, rejected, failed)',
  ),
  conflicts: counter(
    'itsm_sync.conflicts',
    'Conflicts detected, by strategy outcome',
  ),
  webhookRefusals: counter(
    'itsm_sync.webhook.refusals',
    'Requests to the unauthenticated webhook routes refused, by route (delivery, signature_test) and reason (unauthenticated, rate_limited)',
  ),
  deliveryDuration: histogram(
    'itsm_sync.outbound.duration',
    'Vendor call duration of outbound deliveries',
  ),
  propagationDelay: histogram(
    'itsm_sync.outbound.propagation_delay',
    'Time from an accepted platform change to its delivery to the vendor',
  ),
};

/** Span attributes (docs/sync-semantics.md#opentelemetry) plus the messaging conventions; metrics drop the incident and ticket ids. */
export function syncAttributes(a: {
  integrationId: string;
  integrationType: string;
  /** `both` for work that may go either way (a reconcile run or heal). */
  direction: 'outbound' | 'inbound' | 'both';
  incidentId?: string;
  externalId?: string | null;
  operation: 'create' | 'send' | 'receive' | 'process' | 'settle';
}): Attributes {
  return {
    'messaging.system': 'itsm-sync',
    'messaging.operation.type': a.operation,
    'messaging.destination.name': a.integrationType,
    'sync.integration_id': a.integrationId,
    'sync.integration_type': a.integrationType,
    'sync.direction': a.direction,
    ...(a.incidentId ? { 'sync.incident_id': a.incidentId } : {}),
    ...(a.externalId ? { 'sync.external_id': a.externalId } : {}),
  };
}

/** Runs `fn` in a span; records the error and rethrows. */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  kind: SpanKind,
  parent: Context | undefined,
  fn: (setAttributes: (a: Attributes) => void) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(
    name,
    { attributes, kind },
    parent ?? context.active(),
    async span => {
      try {
        const result = await fn(a => span.setAttributes(a));
        span.setStatus({ code: SpanStatusCode.OK });
        return result;
      } catch (error) {
        recordFailure(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Marks a span failed with the error (its message, never a vendor body: errors carry none). */
function recordFailure(span: Span, error: unknown) {
  const e = toError(error);
  span.recordException(e);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
}

/** Runs synchronous `fn` in a span (a decision inside a batch); records the error and rethrows. */
export function inSyncSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (setAttributes: (a: Attributes) => void) => T,
): T {
  return tracer.startActiveSpan(
    name,
    { attributes, kind: SpanKind.INTERNAL },
    span => {
      try {
        const result = fn(a => span.setAttributes(a));
        span.setStatus({ code: SpanStatusCode.OK });
        return result;
      } catch (error) {
        recordFailure(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

export { SpanKind };
