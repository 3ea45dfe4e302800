/**
 * `flowdigest/cluster`: one digest across many processes and machines on BullMQ and Redis.
 * A subpath of its own, so that `import 'flowdigest'` does not load BullMQ.
 */
export { clusterDigest, DEFAULT_EXPIRE_SECONDS, DEFAULT_MERGE_JOBS } from './run.js';
export type { ClusterRunOptions } from './run.js';
export { startWorker } from './work.js';
export type { ClusterWorker, WorkOptions } from './work.js';
export { FsPartialStore, S3PartialStore, storeFor } from './store.js';
export type { PartialStore } from './store.js';
export { QUEUE } from './jobs.js';
