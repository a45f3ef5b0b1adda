import {
  context as otelContext,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { randomBytes } from 'node:crypto';

/** A finished span as the tests read it. */
export interface RecordedSpan {
  name: string;
  attributes: Attributes;
  status?: number;
}

/**
 * The smallest TracerProvider that records ended spans with their attributes, for tests
 * of which spans the sync paths make (no SDK is installed; in production an SDK such as
 * NodeSDK is registered instead, see docs/sync-semantics.md#opentelemetry).
 */
export class RecordingTracerProvider implements TracerProvider {
  readonly spans: RecordedSpan[] = [];

  getTracer(): Tracer {
    const record = (span: RecordedSpan) => this.spans.push(span);
    const startSpan = (name: string, options: SpanOptions = {}): Span => {
      const recorded: RecordedSpan = {
        name,
        attributes: { ...options.attributes },
      };
      const spanContext: SpanContext = {
        traceId: randomBytes(16).toString('hex'),
        spanId: randomBytes(8).toString('hex'),
        traceFlags: 1,
      };
      const span: Span = {
        spanContext: () => spanContext,
        setAttribute: (key, value) => {
          if (value !== undefined) recorded.attributes[key] = value;
          return span;
        },
        setAttributes: attributes => {
          Object.assign(recorded.attributes, attributes);
          return span;
        },
        addEvent: () => span,
        addLink: () => span,
        addLinks: () => span,
        setStatus: status => {
          recorded.status = status.code;
          return span;
        },
        updateName: newName => {
          recorded.name = newName;
          return span;
        },
        end: () => record(recorded),
        isRecording: () => true,
        recordException: () => {},
      };
      return span;
    };
    const startActiveSpan = (name: string, ...rest: unknown[]) => {
      const fn = rest[rest.length - 1] as (span: Span) => unknown;
      const options = (rest.length > 1 ? rest[0] : {}) as SpanOptions;
      const parent = (
        rest.length > 2 ? rest[1] : otelContext.active()
      ) as Context;
      const span = startSpan(name, options);
      return otelContext.with(trace.setSpan(parent, span), () => fn(span));
    };
    return { startSpan, startActiveSpan } as Tracer;
  }
}
