// .cli(argv) of a collector program, spawned: selection (-i, -t, -a OR'ed, --list), did-you-mean
// with exit 2, exit 1 with every failed stream reported, --dry-run, -s/-e and -d, JSON logs on
// stderr without secrets.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listFiles, readLines } from './support/collect.js';
import { tempDir } from './support/tmp.js';
import { onePasswordItem, slackEntry, startVendorApi, type VendorApi } from './support/vendor-api.js';

const SCRIPT = fileURLToPath(new URL('./support/collect-cli.mjs', import.meta.url));
const SLACK_TOKEN = 'xoxp-cli-very-secret-1';
const NOW = '2026-01-15T18:07:30Z';
let api: VendorApi;

// One server answers both APIs with one bearer token, so both streams are given it.
beforeAll(async () => {
  api = await startVendorApi(SLACK_TOKEN);
});
afterAll(async () => {
  await api?.close();
});
beforeEach(() => {
  api.requests = [];
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
function run(args: string[], dir: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], {
      env: {
        ...process.env,
        COLLECT_DIR: dir,
        VENDOR_URL: api.endpoint,
        SLACK_TOKEN,
        ONE_PASSWORD_TOKEN: SLACK_TOKEN,
        COLLECT_NOW: NOW,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b;
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const logLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

it('--list shows every stream with tags, source and destination, and no secret', async () => {
  const dir = tempDir('collect-cli-');
  const r = await run(['--list'], dir);
  expect(r.code).toBe(0);
  const rows = r.stdout.trim().split('\n');
  expect(rows[0]).toMatch(/^ID\s+TAGS\s+SOURCE\s+DESTINATION$/);
  expect(rows.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([
    'slack-audit',
    'onepassword',
    'custom-broken',
    'slack-unreachable',
  ]);
  expect(r.stdout).toContain('hourly,audit');
  expect(r.stdout).toContain(`Slack audit logs (${api.endpoint}/audit/v1/logs)`);
  expect(r.stdout).not.toContain(SLACK_TOKEN);
  const tagged = await run(['--list', '-t', 'daily'], dir);
  expect(
    tagged.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/)[0]),
  ).toEqual(['custom-broken', 'slack-unreachable']);
});

it('-t runs the tagged streams from their checkpoints; logs are JSON lines without secrets', async () => {
  const dir = tempDir('collect-cli-');
  const now = Date.parse(NOW);
  api.slack = [slackEntry(1, now - 30 * 60_000), slackEntry(2, now - 50 * 60_000)];
  api.onepassword = { signinattempts: [onePasswordItem(3, now - 20 * 60_000)], itemusages: [], auditevents: [] };
  const r = await run(['-t', 'hourly'], dir);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(
    /^ok {6}slack-audit: 1 objects, 2 records, \d+ bytes, 0 retries; 2026-01-15T17:02:30\.000Z\.\.2026-01-15T18:02:30\.000Z$/m,
  );
  expect(r.stdout).toMatch(/^ok {6}onepassword: 1 objects, 1 records/m);
  expect(readLines(join(dir, 'slack'))).toHaveLength(2);
  expect(existsSync(join(dir, 'slack/slack-audit/_checkpoint.json'))).toBe(true);
  const logs = logLines(r.stderr);
  expect(logs.length).toBeGreaterThan(3);
  expect(
    logs
      .filter((l) => l.event === 'object committed')
      .map((l) => l.stream)
      .sort(),
  ).toEqual(['onepassword', 'slack-audit']);
  expect(logs.every((l) => typeof l.time === 'string' && typeof l.level === 'string')).toBe(true);
  expect(r.stdout + r.stderr).not.toContain(SLACK_TOKEN);
});

it('an unknown ID, tag or option exits 2 with a did-you-mean', async () => {
  const dir = tempDir('collect-cli-');
  const id = await run(['-i', 'slack-audti'], dir);
  expect(id.code).toBe(2);
  expect(id.stderr).toMatch(/unknown stream ID 'slack-audti' \(did you mean slack-audit\?\)/);
  const tag = await run(['-t', 'hourlly', '-i', 'onepasword'], dir);
  expect(tag.code).toBe(2);
  expect(tag.stderr).toContain("unknown stream ID 'onepasword' (did you mean onepassword?)");
  expect(tag.stderr).toContain("unknown tag 'hourlly' (did you mean hourly?)");
  const opt = await run(['--dry-rn', '-a'], dir);
  expect(opt.code).toBe(2);
  expect(opt.stderr).toContain('unknown option --dry-rn (did you mean --dry-run?)');
  const none = await run([], dir);
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('no streams selected');
  expect(api.requests).toHaveLength(0);
  expect(listFiles(dir)).toEqual([]);
});

it('exits 1 and reports every failed stream; selectors are OR-ed', async () => {
  const dir = tempDir('collect-cli-');
  const r = await run(['-t', 'daily', '-i', 'slack-audit'], dir);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/^ok {6}slack-audit:/m);
  expect(r.stdout).toMatch(/^FAILED {2}custom-broken: custom source exploded$/m);
  expect(r.stdout).toMatch(
    /^FAILED {2}slack-unreachable: stream slack-unreachable: GET http:\/\/127\.0\.0\.1:9\/audit\/v1\/logs failed after 2 attempts: network error/m,
  );
  expect(r.stderr).toContain('2 of 3 streams failed: custom-broken, slack-unreachable');
  const failures = logLines(r.stderr)
    .filter((l) => l.event === 'stream failed')
    .map((l) => l.stream)
    .sort();
  expect(failures).toEqual(['custom-broken', 'slack-unreachable']);
});

it('--dry-run prints each window and writes and fetches nothing', async () => {
  const dir = tempDir('collect-cli-');
  const r = await run(['--dry-run', '-a'], dir);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(
    /^slack-audit\s+2026-01-15T17:02:30\.000Z\/2026-01-15T18:02:30\.000Z\s+checkpoint\s+\S+\/slack\/$/m,
  );
  expect(r.stdout.trim().split('\n')).toHaveLength(5);
  expect(api.requests).toHaveLength(0);
  expect(listFiles(dir)).toEqual([]);
});

it('-s/-e collect the given window and leave the checkpoint alone; -d cannot go with -s', async () => {
  const dir = tempDir('collect-cli-');
  api.slack = [slackEntry(7, Date.parse('2026-01-10T05:30:00Z'))];
  const r = await run(['-i', 'slack-audit', '-s', '2026-01-10T05:00:00Z', '-e', '2026-01-10T06:00:00Z'], dir);
  expect(r.code, r.stderr).toBe(0);
  expect(listFiles(dir)).toEqual([
    'slack/slack-audit/2026/01/10/05/20260110T050000Z_20260110T060000Z_000000.ndjson.gz',
  ]);
  const d = await run(['-i', 'slack-audit', '-d', '2h'], dir);
  expect(d.code).toBe(0);
  expect(d.stdout).toContain('2026-01-15T16:07:30.000Z..2026-01-15T18:07:30.000Z');
  const both = await run(['-i', 'slack-audit', '-d', '1h', '-s', '2026-01-10T05:00:00Z'], dir);
  expect(both.code).toBe(2);
  expect(both.stderr).toContain('-d cannot be combined with -s/-e');
  const bad = await run(['-i', 'slack-audit', '-d', '1x'], dir);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("-d '1x' is not a duration");
});

it('--help teaches the options and exits 0', async () => {
  const r = await run(['--help'], tempDir('collect-cli-'));
  expect(r.code).toBe(0);
  for (const s of [
    '-i, --id',
    '-t, --tag',
    '-a, --all',
    '--list',
    '-s, --start',
    '-d, --duration',
    '--dry-run',
    '--concurrency',
    'Exit status',
  ])
    expect(r.stdout).toContain(s);
});
