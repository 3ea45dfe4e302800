/**
 * Typed errors. Every error flowdigest throws is a {@link FlowdigestError} with a stable `code`
 * (`FD_ERR_*`) that callers match on, plus the context that locates the fault: object key,
 * line number, field, option.
 */

/** Stable error codes. */
export type ErrorCode =
  | 'FD_ERR_INVALID_OPTION'
  | 'FD_ERR_INPUT'
  | 'FD_ERR_MALFORMED_RECORD'
  | 'FD_ERR_CORRUPT_OBJECT'
  | 'FD_ERR_FORMAT'
  | 'FD_ERR_ABORTED'
  | 'FD_ERR_WORKER'
  | 'FD_ERR_DIGEST_PARSE'
  | 'FD_ERR_S3'
  | 'FD_ERR_CONFIG'
  | 'FD_ERR_USAGE'
  | 'FD_ERR_QUEUE_FULL'
  | 'FD_ERR_MEMORY_LIMIT'
  | 'FD_ERR_PARTIAL'
  | 'FD_ERR_AUDIT_SPOOL_FULL'
  | 'FD_ERR_AUDIT_SPOOL'
  | 'FD_ERR_AUDIT_SINK'
  | 'FD_ERR_KERNEL'
  | 'FD_ERR_OUTPUT'
  | 'FD_ERR_STREAM'
  | 'FD_ERR_SOURCE_AUTH'
  | 'FD_ERR_FETCH'
  | 'FD_ERR_HTTP'
  | 'FD_ERR_STOPPING'
  | 'FD_ERR_WINDOW'
  | 'FD_ERR_QUEUE'
  | 'FD_ERR_AUTH'
  | 'FD_ERR_DEPENDENCY'
  | 'FD_ERR_GRAPH_LIMIT';

/** Where an error happened. Every field is optional; set what is known. */
export interface ErrorContext {
  /** Object key or file path. */
  key?: string;
  /** 1-based line number within the object. */
  line?: number;
  /** Field (flow-log field name, option name, or digest column). */
  field?: string;
  /** The option, flag or variable at fault, as the caller spelt it (`--top`, `options.threads`, `PORT`). */
  option?: string;
  /** The value refused, as given (never set for secrets). */
  value?: string;
  /** What is wrong, without the subject: `must be an integer from 1 to 64`. */
  reason?: string;
}

/** Base class: a message, a stable code, and context. */
export class FlowdigestError extends Error {
  readonly code: ErrorCode;
  readonly key?: string;
  readonly line?: number;
  readonly field?: string;
  readonly option?: string;
  readonly value?: string;
  readonly reason?: string;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    if (context.key !== undefined) this.key = context.key;
    if (context.line !== undefined) this.line = context.line;
    if (context.field !== undefined) this.field = context.field;
    if (context.option !== undefined) this.option = context.option;
    if (context.value !== undefined) this.value = context.value;
    if (context.reason !== undefined) this.reason = context.reason;
  }
}

/**
 * `OPTION 'VALUE' REASON`, or `OPTION REASON` without a value, or `'VALUE' REASON` for a value
 * with no option name (an S3 URL): how an option's error reads.
 */
export function optionMessage(option: string, reason: string, value?: string): string {
  return [option, value === undefined ? '' : `'${value}'`, reason].filter((s) => s !== '').join(' ');
}

/** The subject of an option error: the option, the value refused (absent for secrets) and why. */
export interface OptionFault {
  option: string;
  reason: string;
  value?: string;
}

function faultContext(f: OptionFault): ErrorContext {
  return { field: f.option, option: f.option, reason: f.reason, ...(f.value === undefined ? {} : { value: f.value }) };
}

/**
 * An option or argument was wrong (type or range). `option` (and `field`) names it, `reason`
 * says what is wrong and `value` holds what was given, when it may be shown.
 */
export class InvalidOptionError extends FlowdigestError {
  declare readonly option: string;
  declare readonly reason: string;
  constructor(option: string, reason: string, value?: string) {
    super('FD_ERR_INVALID_OPTION', optionMessage(option, reason, value), faultContext({ option, reason, value }));
  }

  /** The same fault under the name the reader typed (a flag or variable for a library option). */
  as(option: string): InvalidOptionError {
    return new InvalidOptionError(option, this.reason, this.value);
  }
}

/**
 * A graph too big to lay out as SVG or HTML (over the edge limit), refused before any layout
 * work starts. `field` is `top`: the option that narrows it.
 */
export class GraphLimitError extends FlowdigestError {
  constructor(message: string) {
    super('FD_ERR_GRAPH_LIMIT', message, { field: 'top' });
  }
}

/**
 * A mistake on the command line: exit code 2, message shown with a pointer to `--help` for
 * `command`. When an option is at fault, `option`, `value` and `reason` say which and why.
 */
export class UsageError extends FlowdigestError {
  constructor(
    message: string,
    readonly command?: string,
    context: ErrorContext = {},
  ) {
    super('FD_ERR_USAGE', message, context);
  }

  /** A usage error for an option's fault, its message composed from the fields. */
  static of(fault: OptionFault, command?: string): UsageError {
    return new UsageError(optionMessage(fault.option, fault.reason, fault.value), command, faultContext(fault));
  }
}

/** An input could not be found or read. */
export class InputError extends FlowdigestError {
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super('FD_ERR_INPUT', message, context, options);
  }
}

/** A record could not be parsed (raised only in strict mode; otherwise counted). */
export class MalformedRecordError extends FlowdigestError {
  constructor(reason: string, context: ErrorContext & { key: string; line: number }) {
    super('FD_ERR_MALFORMED_RECORD', `${context.key}:${context.line}: ${reason}`, context);
  }
}

/** An object is not readable as a (gzip) flow log: truncated or corrupt compression. */
export class CorruptObjectError extends FlowdigestError {
  constructor(key: string, reason: string, options?: { cause?: unknown }) {
    super('FD_ERR_CORRUPT_OBJECT', `${key}: corrupt object: ${reason}`, { key }, options);
  }
}

/** The object's format cannot serve the request (e.g. a time window over logs without `end`). */
export class FormatError extends FlowdigestError {
  constructor(message: string, context: ErrorContext = {}) {
    super('FD_ERR_FORMAT', message, context);
  }
}

/** A digest file (text or NDJSON) given to `merge` could not be read. */
export class DigestParseError extends FlowdigestError {
  constructor(reason: string, context: ErrorContext & { key: string; line: number }) {
    super('FD_ERR_DIGEST_PARSE', `${context.key}:${context.line}: ${reason}`, context);
  }
}

/** The operation was cancelled through its AbortSignal. */
export class AbortError extends FlowdigestError {
  constructor(reason?: unknown) {
    super('FD_ERR_ABORTED', 'The operation was aborted', {}, reason === undefined ? undefined : { cause: reason });
  }
}

/** A worker thread failed outside flowdigest's own checks (a crash or a bug). */
export class WorkerError extends FlowdigestError {
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super('FD_ERR_WORKER', message, context, options);
  }
}

/**
 * An S3 request failed for a reason other than one object being unreadable: a listing (missing
 * bucket, access denied, network after retries) or an upload. `key` is the `s3://bucket/...` URL.
 */
export class S3Error extends FlowdigestError {
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super('FD_ERR_S3', message, context, options);
  }
}

/**
 * The service's configuration is missing, invalid or contradictory. `option` (and `field`) names
 * the variable or flag, `reason` what is wrong, `value` what was given when it may be shown.
 */
export class ConfigError extends FlowdigestError {
  declare readonly option: string;
  declare readonly reason: string;
  constructor(variable: string, reason: string, value?: string) {
    super('FD_ERR_CONFIG', optionMessage(variable, reason, value), faultContext({ option: variable, reason, value }));
  }

  /** An option fault (from a parser or a library's check) under the flag or variable it came from. */
  static of(fault: OptionFault, from: string = fault.option): ConfigError {
    return new ConfigError(from, fault.reason, fault.value);
  }
}

/** A digest queue is full; try again after `retryAfter` seconds. */
export class QueueFullError extends FlowdigestError {
  readonly retryAfter: number;
  constructor(message: string, retryAfter = 5) {
    super('FD_ERR_QUEUE_FULL', message);
    this.retryAfter = retryAfter;
  }
}

/**
 * A digest outgrew the memory allowed for its tables (`maxMemory`, `--max-memory`). `field`
 * names the limit. flowdigest does not spill to disk: raise the limit or narrow the selection.
 */
export class MemoryLimitError extends FlowdigestError {
  constructor(message: string, context: ErrorContext = { field: 'maxMemory' }) {
    super('FD_ERR_MEMORY_LIMIT', message, context);
  }
}

/** The WebAssembly scan kernel was driven outside its contract (a bug, not bad input). `field` names what. */
export class KernelError extends FlowdigestError {
  constructor(message: string, context: ErrorContext = {}) {
    super('FD_ERR_KERNEL', `scan kernel: ${message}`, context);
  }
}

/** A binary partial digest was truncated, of another version, or not a partial at all. `key` names it. */
export class PartialFormatError extends FlowdigestError {
  constructor(message: string, context: ErrorContext = {}) {
    super('FD_ERR_PARTIAL', message, context);
  }
}

/** The audit spool has no room for another event; the caller should answer 503 and retry later. */
export class AuditSpoolFullError extends FlowdigestError {
  constructor(message: string, context: ErrorContext = {}) {
    super('FD_ERR_AUDIT_SPOOL_FULL', message, context);
  }
}

/** The audit spool cannot be used: a corrupt line (`key`, `line`), a lock held by another process, a failed write. */
export class AuditSpoolError extends FlowdigestError {
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super('FD_ERR_AUDIT_SPOOL', message, context, options);
  }
}

/** An audit sink could not deliver a batch; the batch stays in the spool and is retried (not before `retryAfterMs`). */
export class AuditSinkError extends FlowdigestError {
  readonly retryAfterMs?: number;
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown; retryAfterMs?: number }) {
    super('FD_ERR_AUDIT_SINK', message, context, options);
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** An output (`-o PATH`) cannot be written: its directory is missing or read-only, or a write failed (ENOSPC). `key` is the path as given. */
export class OutputError extends FlowdigestError {
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super('FD_ERR_OUTPUT', message, context, options);
  }
}

/** A collection stream is defined wrongly (missing or repeated ID, bad tag, no source). `key` names the stream. */
export class InvalidStreamError extends FlowdigestError {
  constructor(message: string, context: ErrorContext = {}) {
    super('FD_ERR_STREAM', message, context);
  }
}

/** A vendor API refused the credentials (401/403). `key` names the stream, `field` the secret's env variable. Never retried. */
export class SourceAuthError extends FlowdigestError {
  constructor(message: string, context: ErrorContext = {}) {
    super('FD_ERR_SOURCE_AUTH', message, context);
  }
}

/** A collection request failed for good (retries exhausted, or a response the source cannot read). `key` names the stream. */
export class FetchError extends FlowdigestError {
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super('FD_ERR_FETCH', message, context, options);
  }
}

/**
 * A part of flowdigest needs a package that is an optional peer dependency and is not installed
 * (the service's, the cluster's and the collectors'). `packages` lists what is missing, `feature`
 * what needed it; the message gives the `npm i` line.
 */
export class MissingDependencyError extends FlowdigestError {
  readonly packages: readonly string[];
  readonly feature: string;
  constructor(feature: string, packages: readonly string[], install: string) {
    super('FD_ERR_DEPENDENCY', `${feature} needs ${listed(packages)}, not installed: ${install}`, {
      field: packages.join(','),
    });
    this.feature = feature;
    this.packages = packages;
  }
}

function listed(names: readonly string[]): string {
  return names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * An error as plain data. Worker threads send this instead of an Error: Node 20's structured
 * clone drops an Error subclass's class and `code` when it crosses a thread boundary.
 */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  key?: string;
  line?: number;
  field?: string;
  option?: string;
  value?: string;
  /** The reason alone, without the `key:line:` prefix the message carries. */
  reason?: string;
}

/** Flatten any thrown value into {@link ErrorData}. */
export function errorToData(err: unknown): ErrorData {
  if (err instanceof FlowdigestError) {
    const data: ErrorData = { code: err.code, message: err.message };
    if (err.key !== undefined) data.key = err.key;
    if (err.line !== undefined) data.line = err.line;
    if (err.field !== undefined) data.field = err.field;
    if (err.option !== undefined) data.option = err.option;
    if (err.value !== undefined) data.value = err.value;
    if (err.reason !== undefined) data.reason = err.reason;
    return data;
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'FD_ERR_WORKER', message };
}

/** Rebuild the typed error class from {@link ErrorData}. */
export function errorFromData(data: ErrorData): FlowdigestError {
  const ctx: ErrorContext = {};
  if (data.key !== undefined) ctx.key = data.key;
  if (data.line !== undefined) ctx.line = data.line;
  if (data.field !== undefined) ctx.field = data.field;
  if (data.option !== undefined) ctx.option = data.option;
  if (data.value !== undefined) ctx.value = data.value;
  if (data.reason !== undefined) ctx.reason = data.reason;
  const cls = CLASS_BY_CODE[data.code] ?? WorkerError;
  // Subclass constructors take different shapes; build through the base constructor with the
  // subclass as new.target, so `instanceof`, `name` and the verbatim message all hold.
  const code = cls === WorkerError ? 'FD_ERR_WORKER' : data.code;
  return Reflect.construct(FlowdigestError, [code, data.message, ctx], cls) as FlowdigestError;
}

const CLASS_BY_CODE: Record<ErrorCode, new (...args: never[]) => FlowdigestError> = {
  FD_ERR_INVALID_OPTION: InvalidOptionError,
  FD_ERR_INPUT: InputError,
  FD_ERR_MALFORMED_RECORD: MalformedRecordError,
  FD_ERR_CORRUPT_OBJECT: CorruptObjectError,
  FD_ERR_FORMAT: FormatError,
  FD_ERR_ABORTED: AbortError,
  FD_ERR_WORKER: WorkerError,
  FD_ERR_DIGEST_PARSE: DigestParseError,
  FD_ERR_S3: S3Error,
  FD_ERR_CONFIG: ConfigError,
  FD_ERR_USAGE: UsageError,
  FD_ERR_MEMORY_LIMIT: MemoryLimitError,
  // The service's errors (src/service/errors.ts) never cross threads: rebuilt as the base class.
  FD_ERR_HTTP: FlowdigestError,
  FD_ERR_STOPPING: FlowdigestError,
  FD_ERR_WINDOW: FlowdigestError,
  FD_ERR_QUEUE: FlowdigestError,
  FD_ERR_AUTH: FlowdigestError,
  FD_ERR_PARTIAL: PartialFormatError,
  FD_ERR_QUEUE_FULL: QueueFullError,
  FD_ERR_AUDIT_SPOOL_FULL: AuditSpoolFullError,
  FD_ERR_AUDIT_SPOOL: AuditSpoolError,
  FD_ERR_AUDIT_SINK: AuditSinkError,
  FD_ERR_KERNEL: KernelError,
  FD_ERR_OUTPUT: OutputError,
  FD_ERR_STREAM: InvalidStreamError,
  FD_ERR_SOURCE_AUTH: SourceAuthError,
  FD_ERR_FETCH: FetchError,
  FD_ERR_DEPENDENCY: FlowdigestError,
  FD_ERR_GRAPH_LIMIT: GraphLimitError,
};
