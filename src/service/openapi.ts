/**
 * The OpenAPI document, generated from the route schemas by @fastify/swagger. `npm run api:yaml`
 * writes src/service/api.yaml with it (a service with the default options, never listening);
 * test/service-openapi.test.ts checks that file against the live document and the document
 * against live answers.
 */
import { createService } from './service.js';
import type { ServiceOptions } from './types.js';

/** The document of a service with `options` (defaults: what api.yaml holds), as YAML. */
export async function openapiYaml(options: ServiceOptions = {}): Promise<string> {
  const service = createService({ logger: 'silent', digester: { threads: 1 }, ...options });
  try {
    return `# Generated from the route schemas by \`npm run api:yaml\`; test/service-openapi.test.ts keeps it equal to the live document.\n${await service.openapiYaml()}`;
  } finally {
    await service.close(0);
  }
}
