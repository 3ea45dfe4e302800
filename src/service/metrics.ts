/**
 * The service's metrics on prom-client, in a registry of its own (two services in one process
 * do not share series), with prom-client's default process metrics. Label values come from
 * fixed sets (route names, status codes, job results), never from request paths or
 * parameters, so the series count stays bounded.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const JOB_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** Values read when the registry is scraped. */
export interface MetricSources {
  jobsQueued(): number;
  jobsRunning(): number;
  /** Busy share of the pool's thread time since it started, 0..1. */
  poolUtilization(): number;
  poolThreads(): number;
}

/** The service's metrics. */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly at = [this.registry];
  readonly requests = new Counter({
    name: 'flowdigest_http_requests_total',
    help: 'HTTP requests answered, by route, method and status (status "aborted": the client left before the answer ended).',
    labelNames: ['route', 'method', 'status'],
    registers: this.at,
  });
  readonly requestSeconds = new Histogram({
    name: 'flowdigest_http_request_duration_seconds',
    help: 'Time to answer an HTTP request (until the response ends), by route.',
    labelNames: ['route'],
    buckets: LATENCY_BUCKETS,
    registers: this.at,
  });
  readonly authFailures = new Counter({
    name: 'flowdigest_auth_failures_total',
    help: 'Requests refused by authentication, by reason: missing, unknown (token), scope, rate_limited.',
    labelNames: ['reason'],
    registers: this.at,
  });
  readonly jobs = new Counter({
    name: 'flowdigest_jobs_total',
    help: 'Digest jobs finished, by result: completed, skipped (already stored), failed, aborted, released (queued at shutdown).',
    labelNames: ['result'],
    registers: this.at,
  });
  readonly jobsRejected = new Counter({
    name: 'flowdigest_jobs_rejected_total',
    help: 'Jobs refused because the queue was full (answered 503).',
    registers: this.at,
  });
  readonly digestSeconds = new Histogram({
    name: 'flowdigest_digest_duration_seconds',
    help: 'Time to digest and store one window.',
    buckets: JOB_BUCKETS,
    registers: this.at,
  });
  readonly objects = new Counter({
    name: 'flowdigest_digest_objects_total',
    help: 'Flow-log objects read by completed jobs.',
    registers: this.at,
  });
  readonly storedBytes = new Counter({
    name: 'flowdigest_digest_stored_bytes_total',
    help: 'Stored (compressed) bytes of the objects read by completed jobs.',
    registers: this.at,
  });
  readonly bytes = new Counter({
    name: 'flowdigest_digest_bytes_total',
    help: 'Uncompressed bytes of flow-log lines processed by completed jobs.',
    registers: this.at,
  });
  readonly records = new Counter({
    name: 'flowdigest_digest_records_total',
    help: 'Flow records processed by completed jobs, by outcome: digested, nodata, skipdata, malformed, filtered.',
    labelNames: ['outcome'],
    registers: this.at,
  });
  readonly markersSwept = new Counter({
    name: 'flowdigest_markers_expired_total',
    help: 'Stale markers removed by the sweep.',
    registers: this.at,
  });
  readonly digestsExpired = new Counter({
    name: 'flowdigest_digests_expired_total',
    help: 'Stored digests deleted by the retention sweep (--retention).',
    registers: this.at,
  });
  readonly temporariesRemoved = new Counter({
    name: 'flowdigest_temporary_files_removed_total',
    help: 'Temporary files of interrupted writes (.tmp-*) removed at start-up.',
    registers: this.at,
  });

  /** `more`: other registries scraped with this one (the auditor's), whose names must not clash. */
  constructor(private readonly more: readonly Registry[] = []) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'process_max_resident_memory_bytes',
      help: 'Peak resident set size.',
      registers: this.at,
      collect() {
        this.set(process.resourceUsage().maxRSS * 1024);
      },
    });
  }

  /**
   * The gauges read at each scrape from the job runner and the pool. Apart from the constructor
   * because the runner counts its jobs on these metrics: it is built after them.
   */
  watch(sources: MetricSources): void {
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: this.at,
        collect() {
          this.set(read());
        },
      });
    gauge('flowdigest_jobs_queued', 'Jobs waiting to run in this process.', sources.jobsQueued);
    gauge('flowdigest_jobs_running', 'Jobs digesting in this process.', sources.jobsRunning);
    gauge(
      'flowdigest_pool_utilization',
      "Share of the worker threads' time spent busy since the pool started (0-1).",
      sources.poolUtilization,
    );
    gauge('flowdigest_pool_threads', 'Worker threads of the shared pool.', sources.poolThreads);
  }

  /** The exposition text. */
  render(): Promise<string> {
    return this.more.length === 0 ? this.registry.metrics() : Registry.merge([this.registry, ...this.more]).metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
