// The JS <-> WebAssembly contract has one source (src/format/wasm/contract.json): the committed
// contract.h and src/table/contract.ts are exactly what the generator writes from it, so a hand edit of
// either (or a table edit without regenerating) fails here.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { CONTRACT_FILES, loadContract, renderContract, staleContractFiles } from '../scripts/gen-kernel-contract.js';
import * as contract from '../src/table/contract.js';

const root = new URL('..', import.meta.url).pathname;
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'fd-contract-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The contract's table and both generated files, copied into the scratch tree. */
function copyContract(): void {
  for (const p of Object.values(CONTRACT_FILES)) {
    mkdirSync(dirname(join(scratch, p)), { recursive: true });
    cpSync(join(root, p), join(scratch, p));
  }
}

it('the committed header and module are the generator output of contract.json', () => {
  const out = renderContract(loadContract(root));
  expect(read(CONTRACT_FILES.header)).toBe(out.header);
  expect(read(CONTRACT_FILES.module)).toBe(out.module);
  expect(staleContractFiles(root)).toEqual([]);
});

it('a hand edit of a generated file, or a table edit not regenerated, is reported stale', () => {
  copyContract();
  expect(staleContractFiles(scratch)).toEqual([]);
  const h = join(scratch, CONTRACT_FILES.header);
  writeFileSync(h, readFileSync(h, 'utf8').replace('C_FILTERED = 6', 'C_FILTERED = 7'));
  expect(staleContractFiles(scratch)).toEqual([CONTRACT_FILES.header]);
  cpSync(join(root, CONTRACT_FILES.header), h);
  const json = join(scratch, CONTRACT_FILES.json);
  const table = JSON.parse(readFileSync(json, 'utf8'));
  table.constants.entries.find((k: { name: string }) => k.name === 'KERNEL_INPUT_BYTES').value = '131072';
  writeFileSync(json, JSON.stringify(table));
  expect(staleContractFiles(scratch)).toEqual([CONTRACT_FILES.header, CONTRACT_FILES.module]);
});

it('the module exports what the table says, numbered in table order', () => {
  const table = loadContract(root);
  table.roles.entries.forEach((r, i) => expect(contract.Role[r.name as keyof typeof contract.Role]).toBe(i));
  expect(contract.ROLE_COUNT).toBe(table.roles.entries.length);
  table.counters.entries.forEach((c, i) =>
    expect(contract.KERNEL_COUNTER[c.name as keyof typeof contract.KERNEL_COUNTER]).toBe(i),
  );
  expect(contract.INT_STRIDE).toBe(table.intColumns.entries.length);
  expect(contract.NUM_STRIDE).toBe(table.numColumns.entries.length);
  for (const k of table.constants.entries)
    expect((contract as unknown as Record<string, number>)[k.name]).toBe(Number(k.value));
});

it('scan.c takes its shared numbers from contract.h, not from literals', () => {
  const c = read('src/format/wasm/scan.c');
  expect(c).toContain('#include "contract.h"');
  // Counter slots, entry columns and hash multipliers by name only.
  expect(c).not.toMatch(/counters\[\d/);
  expect(c).not.toMatch(/(row|v)\[\d/);
  expect(c).not.toMatch(/0x[0-9a-f]{8}/i);
  expect(c).not.toMatch(/\b(65535|255|262144|4503599627370496)\b/);
});

it('rejects a table entry with a bad name or kind, naming it', () => {
  copyContract();
  const json = join(scratch, CONTRACT_FILES.json);
  const table = JSON.parse(read(CONTRACT_FILES.json));
  table.counters.entries[0].kind = 'max';
  writeFileSync(json, JSON.stringify(table));
  expect(() => loadContract(scratch)).toThrow(/counter 'lines': kind must be sum or flag/);
  table.counters.entries[0].kind = 'sum';
  table.roles.entries.push({ ...table.roles.entries[1] });
  writeFileSync(json, JSON.stringify(table));
  expect(() => loadContract(scratch)).toThrow(/roles: 'Account' appears twice/);
});
