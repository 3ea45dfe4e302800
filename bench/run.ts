/** `npm run bench`: every benchmark in turn (micro, end to end, memory, S3, graph, service), each printing a markdown table. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const extra = process.argv.slice(2);
for (const script of ['micro.ts', 'e2e.ts', 'memory.ts', 's3.ts', 'graph.ts', 'service.ts']) {
  console.log(`\n## bench/${script}`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...extra],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}
