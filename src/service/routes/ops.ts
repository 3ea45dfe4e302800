/** `/healthz`, `/metrics` (Prometheus text) and `/openapi.yaml`. */
import { type Route, sendJson } from '../http.js';
import { openapiYaml } from '../openapi.js';
import type { ServiceState } from '../state.js';

export function opsRoutes(state: ServiceState, stopping: () => boolean): Route[] {
  let yaml: string | undefined;
  return [
    {
      name: 'healthz', method: 'GET', path: '/healthz', auth: false,
      handle: async (ctx) => {
        const body = { status: stopping() ? 'stopping' : 'ok', jobs_running: state.runner.runningCount, jobs_queued: state.runner.queuedCount };
        sendJson(ctx.res, stopping() ? 503 : 200, body);
      },
    },
    {
      name: 'metrics', method: 'GET', path: '/metrics', auth: true,
      handle: async (ctx) => {
        const text = state.metrics.registry.render();
        ctx.res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
        ctx.res.end(text);
      },
    },
    {
      name: 'openapi', method: 'GET', path: '/openapi.yaml', auth: false,
      handle: async (ctx) => {
        yaml ??= openapiYaml();
        ctx.res.writeHead(200, { 'content-type': 'application/yaml; charset=utf-8', 'content-length': Buffer.byteLength(yaml) });
        ctx.res.end(yaml);
      },
    },
  ];
}
