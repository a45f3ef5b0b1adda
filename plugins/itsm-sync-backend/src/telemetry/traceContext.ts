import { context, propagation } from '@opentelemetry/api';

/** The active trace context as W3C headers, stored on outbox rows so a change can be followed to the vendor. */
export function captureTraceContext(): Record<string, string> | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length ? carrier : null;
}

/** The context stored on an outbox row, to parent the delivery span. */
export function restoreTraceContext(carrier: Record<string, string> | null) {
  return carrier
    ? propagation.extract(context.active(), carrier)
    : context.active();
}
