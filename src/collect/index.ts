/**
 * flowdigest/collect: an SDK to pull audit logs from SaaS APIs into object storage, by stream
 * (source → destination, with an ID and tags), run from code or from a scheduler's command line.
 */
export { collector } from './collector.js';
export type { Collector, RunOptions, RunReport } from './collector.js';
export type { StreamResult } from './run.js';
export type { Selection } from './select.js';
export { slackAuditLogs } from './sources/slack.js';
export type { SlackAuditLogsOptions } from './sources/slack.js';
export { onePasswordEvents } from './sources/onepassword.js';
export type { OnePasswordEventsOptions, OnePasswordEventType } from './sources/onepassword.js';
export { falconDataReplicator } from './sources/fdr.js';
export type { FalconDataReplicatorOptions } from './sources/fdr.js';
export { fsDestination } from './destinations/fs.js';
export type { FsDestinationOptions } from './destinations/fs.js';
export { s3Destination } from './destinations/s3.js';
export type { S3DestinationOptions } from './destinations/s3.js';
export { gcsDestination } from './destinations/gcs.js';
export type { GcsDestinationOptions } from './destinations/gcs.js';
export { objectName, checkpointName, compactTime } from './names.js';
export { JsonNumber, parseJson, toJsonLine } from './ndjson.js';
export { RetryableError, parseRetryAfter, backoffMs } from './retry.js';
export type { RetryOptions } from './retry.js';
export type { Checkpoint } from './checkpoint.js';
export type {
  Source,
  SourceContext,
  Destination,
  PutOptions,
  StreamDefinition,
  CollectorOptions,
  Window,
  EmittedObject,
  RecordsObject,
  BytesObject,
  RawRecord,
  ObjectMeta,
  Committed,
  JsonValue,
  JsonNumberLike,
  LogFields,
} from './types.js';
export {
  FlowdigestError,
  InvalidStreamError,
  SourceAuthError,
  FetchError,
  AbortError,
  InvalidOptionError,
} from '../errors.js';
