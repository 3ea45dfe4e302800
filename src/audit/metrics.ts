/**
 * The auditor's Prometheus metrics, registered into the caller's registry (the service's) and
 * removed from it again on close, so an auditor can be re-created in one process.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the gauges read when scraped. */
export interface AuditGaugeSource {
  depth(): { events: number; bytes: number };
  /** Seconds since the oldest event `sink` has not delivered was recorded; 0 when none. */
  oldestUndelivered(sink: string): number;
  sinks(): readonly string[];
}

/** `outcome` label values of `flowdigest_audit_events_total`. */
export type DeliveryOutcome = 'delivered' | 'failed' | 'dead_lettered';

export class AuditMetrics {
  /** Events by sink and outcome (`failed` counts events of a failed attempt; they are retried). */
  readonly events: Counter<'sink' | 'outcome'>;
  /** Events handed to `record`, by outcome: spooled, filtered (not selected), rejected (spool full or broken). */
  readonly recorded: Counter<'outcome'>;
  /** Seconds from an event's recording to its delivery, by sink. */
  readonly latency: Histogram<'sink'>;
  private readonly names: string[];
  private readonly registry: Registry;

  constructor(registry: Registry, source: AuditGaugeSource) {
    const registers = [registry];
    this.registry = registry;
    this.events = new Counter({
      name: 'flowdigest_audit_events_total',
      help: 'Audit events by sink and outcome (failed attempts are retried from the spool).',
      labelNames: ['sink', 'outcome'],
      registers,
    });
    this.recorded = new Counter({
      name: 'flowdigest_audit_recorded_total',
      help: 'Audit events handed to record(), by outcome: spooled, filtered, rejected.',
      labelNames: ['outcome'],
      registers,
    });
    this.latency = new Histogram({
      name: 'flowdigest_audit_delivery_seconds',
      help: 'Seconds from recording an audit event to its delivery, by sink.',
      labelNames: ['sink'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
      registers,
    });
    const spoolEvents = new Gauge({
      name: 'flowdigest_audit_spool_events',
      help: 'Audit events in the spool not yet delivered to every sink.',
      registers,
      collect() {
        this.set(source.depth().events);
      },
    });
    const spoolBytes = new Gauge({
      name: 'flowdigest_audit_spool_bytes',
      help: 'Bytes of audit events in the spool not yet delivered to every sink.',
      registers,
      collect() {
        this.set(source.depth().bytes);
      },
    });
    const oldest = new Gauge({
      name: 'flowdigest_audit_oldest_undelivered_seconds',
      help: 'Age of the oldest audit event a sink has not delivered (0 when none).',
      labelNames: ['sink'],
      registers,
      collect() {
        for (const sink of source.sinks()) this.set({ sink }, source.oldestUndelivered(sink));
      },
    });
    this.names = [this.events, this.recorded, this.latency, spoolEvents, spoolBytes, oldest].map(
      (m) => (m as unknown as { name: string }).name,
    );
    // Show every sink's series from the start, at 0.
    for (const sink of source.sinks())
      for (const outcome of ['delivered', 'failed', 'dead_lettered'] as const) this.events.inc({ sink, outcome }, 0);
    for (const outcome of ['spooled', 'filtered', 'rejected']) this.recorded.inc({ outcome }, 0);
  }

  /** Remove these metrics from the registry. */
  unregister(): void {
    for (const name of this.names) this.registry.removeSingleMetric(name);
  }
}
