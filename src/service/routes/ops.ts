/** `/healthz`, `/metrics` (Prometheus text, prom-client) and `/openapi.yaml` (generated from the route schemas). */
import type { FastifyInstance } from 'fastify';
import { COMMON, json, ref, scoped, security, text } from '../schemas.js';
import type { ServiceState } from '../state.js';

export function opsRoutes(
  app: FastifyInstance,
  state: ServiceState,
  o: { stopping: () => boolean; yaml: () => string },
): void {
  app.route({
    method: 'GET',
    url: '/healthz',
    config: { name: 'healthz' },
    schema: {
      operationId: 'health',
      summary: 'Liveness; 503 once stopping (while running jobs finish). Needs no token.',
      security: [],
      response: { 200: json(ref('Health'), 'Serving.'), 503: json(ref('Health'), 'Stopping.') },
    },
    handler: async (_request, reply) => {
      const stopping = o.stopping();
      return reply
        .code(stopping ? 503 : 200)
        .header('cache-control', 'no-store')
        .send({
          status: stopping ? 'stopping' : 'ok',
          jobs_running: state.runner.runningCount,
          jobs_queued: state.runner.queuedCount,
        });
    },
  });

  const metrics = security('metrics');
  app.route({
    method: 'GET',
    url: '/metrics',
    config: { name: 'metrics', scope: 'metrics' },
    schema: {
      operationId: 'metrics',
      summary:
        'Prometheus metrics: requests by route and status, authentication failures, jobs, digest seconds, bytes and records, pool utilization, process metrics.',
      description: metrics.note,
      security: metrics.security,
      response: scoped('metrics', { 200: text(['text/plain'], 'Prometheus text format 0.0.4.'), 503: COMMON[503] }),
    },
    handler: async (_request, reply) => {
      const body = await state.metrics.render();
      return reply.type(state.metrics.contentType).header('cache-control', 'no-store').send(body);
    },
  });

  let yaml: string | undefined;
  app.route({
    method: 'GET',
    url: '/openapi.yaml',
    config: { name: 'openapi' },
    schema: {
      operationId: 'openapi',
      summary: 'This document. Needs no token.',
      security: [],
      response: { 200: text(['application/yaml'], 'OpenAPI 3.0 YAML.'), 503: COMMON[503] },
    },
    handler: async (_request, reply) => {
      yaml ??= o.yaml();
      return reply.type('application/yaml; charset=utf-8').send(yaml);
    },
  });
}
