import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

let installed = false;

/**
 * Installs the OpenTelemetry context manager, W3C `traceparent` propagation and a tracer
 * provider, once per process, so spans have real ids that logs and event metadata carry.
 * Exporting spans (OTLP) is not wired yet; spans are created and propagated, not shipped.
 */
export function installTracing(): void {
  if (installed) return;
  installed = true;
  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider());
}

export const tracer = () => trace.getTracer('mpac-ledger');
