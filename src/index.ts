/**
 * flowdigest: exact, multi-threaded digests of AWS VPC flow logs.
 * Every public name is re-exported here explicitly.
 */
export { createDigester, digestInputs, toSources } from './engine/digester.js';
export type { Digester, DigestInput } from './engine/digester.js';
export type { DigesterOptions, ResolvedDigesterOptions, DigestRunOptions } from './engine/options.js';
export type { Progress } from './engine/progress.js';
export { Digest, emptyStats, addStats, MAX_SAMPLES } from './digest/digest.js';
export type { DigestRow, DigestStats, SkippedObject, MalformedSample } from './digest/digest.js';
export { writeDigest, digestToString } from './digest/write.js';
export type { DigestFormat } from './digest/write.js';
export { readDigest } from './digest/read.js';
export type { ScanCounters } from './table/counters.js';
export { V2_FIELDS, V2_HEADER, KNOWN_FIELDS } from './format/fields.js';
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
  FlowdigestError, InvalidOptionError, InputError, MalformedRecordError, CorruptObjectError,
  FormatError, DigestParseError, AbortError, WorkerError, S3Error, ConfigError, QueueFullError, MemoryLimitError, PartialFormatError, KernelError,
  errorToData, errorFromData,
} from './errors.js';
export type { ErrorCode, ErrorContext, ErrorData } from './errors.js';
export { applyView } from './graph/views.js';
export { writeGraph, writeView, dotToString, svgToString, GRAPH_FORMATS, GRAPHLIB_MAX_EDGES } from './graph/graph.js';
export { renderSvg } from './graph/svg.js';
export { readGraphInput } from './graph/input.js';
export type { InputFormat, ReadGraphInputOptions } from './graph/input.js';
export { diffDigests, diffInputs } from './graph/diff.js';
export { writeDiff, diffToString, DIFF_FORMATS } from './graph/diff-output.js';
export { parseCidr, parseIp, formatIp, cidrContains, PRIVATE_RANGES } from './graph/cidr.js';
export type { Cidr, IpAddress } from './graph/cidr.js';
export { INTERNET_NODE } from './graph/collapse.js';
export type {
  GraphFormat, ClusterBy, GraphViewOptions, GraphStyleOptions, GraphOptions, GraphView, DiffOptions, DigestDiff, DiffFormat,
} from './graph/types.js';
export { createService, BUNDLED_LOGS, DEFAULT_STORE, DEFAULT_TOPIC, SERVICE_DEFAULTS } from './service/service.js';
export { resolveServeConfig, SETTINGS, parseDuration } from './service/config.js';
export type { ServeConfig, Setting, SettingName } from './service/config.js';
export { digestId, parseWindow, parseRfc3339, WindowError } from './service/ids.js';
export type { DigestWindow, WindowRules } from './service/ids.js';
export { FsStorage } from './service/storage/fs.js';
export { S3Storage } from './service/storage/s3.js';
export { FsMarker } from './service/marker/fs.js';
export { S3Marker } from './service/marker/s3.js';
export { HttpQueuer, QUEUE_EVENT } from './service/queue/http.js';
export type { HttpQueuerOptions } from './service/queue/http.js';
export { createLogger } from './service/logger.js';
export { openapiYaml } from './service/openapi.js';
export type {
  Service, ServiceOptions, Storage, StoredBody, StoredKind, DigestMeta, Marker, MarkerRecord, Queuer, DigestJob, Logger, LogLevel,
} from './service/types.js';
