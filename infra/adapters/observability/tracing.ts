import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export type TracingOptions = Readonly<{
  /** OTLP/HTTP base URL (`/v1/traces` is appended); default OTEL_EXPORTER_OTLP_ENDPOINT; unset: spans are not exported. */
  otlpEndpoint?: string | undefined;
  /** `service.name` of the exported spans; default OTEL_SERVICE_NAME or `mpac-ledger`. */
  serviceName?: string;
}>;

let provider: BasicTracerProvider | undefined;

/**
 * Installs the OpenTelemetry context manager, W3C `traceparent` propagation and a tracer
 * provider, once per process, so spans have real ids that logs and event metadata carry. With an
 * OTLP endpoint, spans are batched (OTEL_BSP_* settings) and exported over OTLP/HTTP (JSON).
 * Returns whether spans are exported.
 *
 * @example installTracing({ otlpEndpoint: 'http://127.0.0.1:4318' }) // spans go to http://127.0.0.1:4318/v1/traces
 */
export function installTracing(options: TracingOptions = {}): boolean {
  const endpoint = options.otlpEndpoint ?? nonEmpty(process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (provider !== undefined) return endpoint !== undefined;
  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const spanProcessors: SpanProcessor[] = [];
  if (endpoint !== undefined) spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` })));
  const serviceName = options.serviceName ?? nonEmpty(process.env.OTEL_SERVICE_NAME) ?? 'mpac-ledger';
  provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName }), spanProcessors });
  trace.setGlobalTracerProvider(provider);
  return endpoint !== undefined;
}

/** Sends the spans still buffered (tests, shutdown). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

/** Flushes and stops the exporter (graceful shutdown). */
export async function shutdownTracing(): Promise<void> {
  await provider?.shutdown();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export const tracer = () => trace.getTracer('mpac-ledger');
