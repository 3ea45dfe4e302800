/**
 * `flowdigest/service`: the digest service as a library. `createService(options)` builds it
 * from its modules (storage, markers, queue, auditor: each replaceable); `service.listen()`
 * serves it, or mount `service.handler` (or the fastify instance, `service.app`) in your own
 * server.
 */
export {
  createService,
  BUNDLED_LOGS,
  DEFAULT_STORE,
  DEFAULT_TOPIC,
  SERVICE_DEFAULTS,
  defaultMarkers,
} from './service.js';
export { resolveServeConfig, SETTINGS, parseDuration } from './config.js';
export { SERVE_OPTIONS, SERVICE_LIBRARY_OPTIONS, DEFAULT_PORT, DEFAULT_HOST } from './settings.js';
export { parseSize } from '../util/size.js';
export type { ServeConfig, Setting, SettingName } from './config.js';
export { digestId, ID_PATTERN } from './ids.js';
export { parseWindow, parseRfc3339, WindowError } from './window.js';
export type { DigestWindow, WindowRules } from './window.js';
export { HttpError, StoppingError, QueueError, AuthError, statusOf } from './errors.js';
export type { AuthFailure } from './errors.js';
export { SCOPES, tokenSha256, checkTokens, readTokensFile } from './auth/tokens.js';
export { FsStorage } from './storage/fs.js';
export { S3Storage } from './storage/s3.js';
export { FsMarker } from './marker/fs.js';
export { S3Marker } from './marker/s3.js';
export { RedisMarker } from './marker/redis.js';
export { HttpQueuer, QUEUE_EVENT, parseQueueEndpoint } from './queue/http.js';
export type { HttpQueuerOptions } from './queue/http.js';
export type { EnqueueContext } from './queue/types.js';
export { createLogger, LOG_LEVELS } from './logger.js';
export { openapiYaml } from './openapi.js';
export type {
  Service,
  ServiceOptions,
  Storage,
  StoredBody,
  StoredKind,
  DigestMeta,
  Marker,
  MarkerRecord,
  Queuer,
  DigestJob,
  Logger,
  LogLevel,
  Scope,
  TokenSpec,
  FailureLimits,
} from './types.js';
