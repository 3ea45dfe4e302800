/**
 * Metrics in the Prometheus text exposition format (version 0.0.4), kept in plain maps. Label
 * values come from fixed sets (route names, status codes, job results), never from request
 * paths or parameters, so the series count stays bounded.
 */

type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
}

/** A counter with labels. */
export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const cur = this.values.get(key);
    if (cur === undefined) this.values.set(key, { labels, value: by });
    else cur.value += by;
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels))?.value ?? 0;
  }
  lines(): string[] {
    return [...this.values.values()].map(({ labels, value }) => `${this.name}${labelText(labels)} ${num(value)}`);
  }
}

/** A histogram with fixed buckets (seconds). */
export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly buckets: readonly number[]) {}
  observe(value: number, labels: Labels = {}): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (s === undefined) { s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }; this.series.set(key, s); }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) s.counts[i]++;
    s.sum += value;
    s.count++;
  }
  lines(): string[] {
    const out: string[] = [];
    for (const s of this.series.values()) {
      this.buckets.forEach((le, i) => out.push(`${this.name}_bucket${labelText({ ...s.labels, le: num(le) })} ${s.counts[i]}`));
      out.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      out.push(`${this.name}_sum${labelText(s.labels)} ${num(s.sum)}`);
      out.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return out;
  }
}

/** A registry: counters, histograms, and gauges read when scraped. */
export class Registry {
  private readonly families: Family[] = [];

  counter(name: string, help: string): Counter {
    const c = new Counter(name);
    this.families.push({ name, help, type: 'counter', render: () => c.lines() });
    return c;
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    const h = new Histogram(name, buckets);
    this.families.push({ name, help, type: 'histogram', render: () => h.lines() });
    return h;
  }

  /** A gauge whose value(s) `read` returns at scrape time. */
  gauge(name: string, help: string, read: () => number | { labels: Labels; value: number }[]): void {
    this.families.push({
      name, help, type: 'gauge', render: () => {
        const v = read();
        return typeof v === 'number' ? [`${name} ${num(v)}`] : v.map((s) => `${name}${labelText(s.labels)} ${num(s.value)}`);
      },
    });
  }

  /** The exposition text. */
  render(): string {
    const out: string[] = [];
    for (const f of this.families) {
      out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.render());
    }
    return `${out.join('\n')}\n`;
  }
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const JOB_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** The service's metrics. */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly requests = this.registry.counter('flowdigest_http_requests_total', 'HTTP requests answered, by route, method and status.');
  readonly requestSeconds = this.registry.histogram('flowdigest_http_request_duration_seconds', 'Time to answer an HTTP request (until the response ends), by route.', LATENCY_BUCKETS);
  readonly jobs = this.registry.counter('flowdigest_jobs_total', 'Digest jobs finished, by result: completed, skipped (already stored), failed, aborted.');
  readonly jobsRejected = this.registry.counter('flowdigest_jobs_rejected_total', 'Jobs refused because the queue was full (answered 503).');
  readonly digestSeconds = this.registry.histogram('flowdigest_digest_duration_seconds', 'Time to digest and store one window.', JOB_BUCKETS);
  readonly objects = this.registry.counter('flowdigest_digest_objects_total', 'Flow-log objects read by completed jobs.');
  readonly storedBytes = this.registry.counter('flowdigest_digest_stored_bytes_total', 'Stored (compressed) bytes of the objects read by completed jobs.');
  readonly bytes = this.registry.counter('flowdigest_digest_bytes_total', 'Uncompressed bytes of flow-log lines processed by completed jobs.');
  readonly records = this.registry.counter('flowdigest_digest_records_total', 'Flow records processed by completed jobs, by outcome: digested, nodata, skipdata, malformed, filtered.');
  readonly markersSwept = this.registry.counter('flowdigest_markers_expired_total', 'Stale markers removed by the sweep.');
}
