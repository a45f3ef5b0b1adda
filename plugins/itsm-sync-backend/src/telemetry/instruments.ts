import { toError } from '@backstage/errors';
import {
  context,
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
} from '@opentelemetry/api';

const tracer = trace.getTracer('itsm-sync');
const meter = metrics.getMeter('itsm-sync');

/** OpenTelemetry counters and histograms of the sync engine (no-ops without an SDK). */
export const syncInstruments = {
  outbound: meter.createCounter('itsm_sync.outbound.operations', {
    description:
      'Outbound deliveries by outcome (success, retry, rate_limited, dead_letter)',
  }),
  inbound: meter.createCounter('itsm_sync.inbound.operations', {
    description:
      'Inbound webhook changes by outcome (applied, ignored, duplicate, rejected, failed)',
  }),
  conflicts: meter.createCounter('itsm_sync.conflicts', {
    description: 'Conflicts detected, by strategy outcome',
  }),
  webhookRefusals: meter.createCounter('itsm_sync.webhook.refusals', {
    description:
      'Requests to the unauthenticated webhook routes refused, by route (delivery, signature_test) and reason (unauthenticated, rate_limited)',
  }),
  deliveryDuration: meter.createHistogram('itsm_sync.outbound.duration', {
    description: 'Vendor call duration of outbound deliveries',
    unit: 'ms',
  }),
  propagationDelay: meter.createHistogram(
    'itsm_sync.outbound.propagation_delay',
    {
      description:
        'Time from an accepted platform change to its delivery to the vendor',
      unit: 'ms',
    },
  ),
};

/** Span attributes (docs/sync-semantics.md#opentelemetry) plus the messaging conventions. */
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
        span.recordException(toError(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: toError(error).message,
        });
        throw error;
      } finally {
        span.end();
      }
    },
  );
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
        span.recordException(toError(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: toError(error).message,
        });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

export { SpanKind };
