// docs/options.md is written from the option schemas (npm run docs:options): it fails here when
// a schema changed and the page did not. Each command's --help lists every flag of its schema.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { optionsReference } from '../dist/cli/options-doc.js';
import { COMMAND_OPTIONS } from '../dist/cli/options.js';
import { flagOf, type OptionSpec } from '../dist/util/option-schema.js';
import { runCli } from './support/run-cli.js';

it('docs/options.md is what the schemas write (run npm run docs:options)', () => {
  const committed = readFileSync(new URL('../docs/options.md', import.meta.url), 'utf8');
  expect(committed, 'docs/options.md is stale: run npm run docs:options').toBe(optionsReference());
});

it.concurrent.each(Object.keys(COMMAND_OPTIONS))(
  '%s --help lists every flag of its schema, with its help',
  async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    for (const [key, spec] of Object.entries(COMMAND_OPTIONS[command]) as [string, OptionSpec][]) {
      const flag = flagOf(key, spec);
      if (flag === undefined) continue;
      expect(r.stdout).toContain(spec.usage ?? `--${flag}`);
      expect(r.stdout).toContain(spec.help.split('\n')[0]);
    }
  },
);
