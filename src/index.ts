/**
 * flowdigest: exact, multi-threaded digests of AWS VPC flow logs.
 * Every public name is re-exported here explicitly.
 */
export { createDigester, digestInputs, toSources } from './engine/digester.js';
export type { Digester, DigestInput } from './engine/digester.js';
export type { DigesterOptions, ResolvedDigesterOptions, DigestRunOptions } from './engine/options.js';
export type { Progress } from './engine/progress.js';
export { Digest, emptyStats, addStats, MAX_SAMPLES } from './digest/digest.js';
export type { DigestRow, DigestStats, PacketsLost, SkippedObject, MalformedSample } from './digest/digest.js';
export { writeDigest, digestToString } from './digest/write.js';
export type { DigestFormat } from './digest/write.js';
export { readDigest } from './digest/read.js';
export type { ScanCounters } from './table/counters.js';
export { V2_FIELDS, V2_HEADER, KNOWN_FIELDS, FIELD_PRESETS, TGW_FIELDS, PACKETS_LOST_FIELDS } from './format/fields.js';
export type { PacketsLostField } from './format/fields.js';
export { parseFieldList } from './format/field-list.js';
export { parseHeader, layoutFromFields, DEFAULT_LAYOUT } from './format/layout.js';
export type { Layout } from './format/layout.js';
export { FileSource } from './sources/files.js';
export { StreamSource } from './sources/stream.js';
export type { ObjectRef, ObjectSource, ListContext, ListSelection } from './sources/source.js';
export { S3Source } from './sources/s3/source.js';
export type { S3SourceOptions, S3ListStats } from './sources/s3/source.js';
export { createS3Client, s3ClientConfig } from './sources/s3/client.js';
export type { S3ClientOptions } from './sources/s3/client.js';
export { uploadToS3 } from './sources/s3/upload.js';
export type { S3UploadOptions } from './sources/s3/upload.js';
export { parseS3Url, isS3Url } from './sources/s3/url.js';
export type { S3Url } from './sources/s3/url.js';
export { FILE_SPAN_MS, SLACK_MS } from './sources/s3/plan.js';
export { parseFlowLogKey } from './sources/aws-key.js';
export type { FlowLogKey, KeyRejection } from './sources/aws-key.js';
export { prefetch } from './prefetch/prefetch.js';
export type { Prefetched, PrefetchOptions } from './prefetch/prefetch.js';
export { ByteBudget } from './prefetch/byte-budget.js';
export {
  FlowdigestError,
  InvalidOptionError,
  InputError,
  MalformedRecordError,
  CorruptObjectError,
  FormatError,
  DigestParseError,
  AbortError,
  WorkerError,
  S3Error,
  ConfigError,
  QueueFullError,
  MemoryLimitError,
  PartialFormatError,
  KernelError,
  MissingDependencyError,
  GraphLimitError,
  errorToData,
  errorFromData,
} from './errors.js';
export type { ErrorCode, ErrorContext, ErrorData } from './errors.js';
// The rest of the API lives in subpaths, so `import 'flowdigest'` loads neither graphlib, the wasm
// Graphviz nor fastify: flowdigest/graph, flowdigest/service, flowdigest/audit, flowdigest/collect,
// flowdigest/cluster.
export { parseRfc3339 } from './util/time.js';
export { parseSize } from './util/size.js';
export { parseDuration, formatDuration } from './util/duration.js';
