// A collector program as a user would write one, for the CLI tests: four streams, two of which
// always fail (a custom source that throws, a Slack endpoint nobody listens on).
// Env: COLLECT_DIR (destination root), VENDOR_URL (loopback vendor API), SLACK_TOKEN,
// ONE_PASSWORD_TOKEN, COLLECT_NOW (the clock, RFC 3339).
import { collector, fsDestination, onePasswordEvents, slackAuditLogs } from '../../dist/collect/index.js';

const dir = process.env.COLLECT_DIR;
const base = process.env.VENDOR_URL;
const now = process.env.COLLECT_NOW ? () => new Date(process.env.COLLECT_NOW) : undefined;

await collector([
  { id: 'slack-audit', tags: ['hourly', 'audit'], source: slackAuditLogs({ token: process.env.SLACK_TOKEN, baseUrl: base }), destination: fsDestination({ dir, prefix: 'slack/' }) },
  { id: 'onepassword', tags: ['hourly'], source: onePasswordEvents({ token: process.env.ONE_PASSWORD_TOKEN, baseUrl: base }), destination: fsDestination({ dir, prefix: '1p/' }) },
  { id: 'custom-broken', tags: ['daily'], source: async () => { throw new Error('custom source exploded'); }, destination: fsDestination({ dir }) },
  { id: 'slack-unreachable', tags: ['daily'], source: slackAuditLogs({ token: 'unused', baseUrl: 'http://127.0.0.1:9' }), destination: fsDestination({ dir }) },
], { retry: { baseMs: 1, maxMs: 10, maxAttempts: 2 }, now }).cli(process.argv.slice(2));
