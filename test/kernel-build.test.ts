// The committed kernel (scan-wasm.ts) records the SHA-256 of the sources it was built from; they
// must be the committed sources, so an edit of scan.c or contract.h without a rebuild
// (scripts/build-wasm.sh) fails here, on machines without clang too.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { KERNEL_SOURCES, kernelSourceHashes, renderEmbedded } from '../scripts/embed-kernel.js';
import { SCAN_LEAN_WASM_BASE64, SCAN_WASM_BASE64, SCAN_WASM_SOURCES } from '../src/format/wasm/scan-wasm.js';

// The ES2022 lib does not type WebAssembly; Node has it.
declare const WebAssembly: { Module: { new (bytes: Uint8Array): object; exports(m: object): Array<{ name: string }> } };

const root = new URL('..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'fd-kernel-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('scan-wasm.ts was built from the committed scan.c and contract.h', () => {
  expect(Object.keys(SCAN_WASM_SOURCES).sort()).toEqual([...KERNEL_SOURCES].sort());
  expect(SCAN_WASM_SOURCES).toEqual(kernelSourceHashes(root));
});

it('an edit of a kernel source changes its recorded hash', () => {
  cpSync(join(root, 'src/format/wasm'), join(scratch, 'src/format/wasm'), { recursive: true });
  expect(kernelSourceHashes(scratch)).toEqual(SCAN_WASM_SOURCES);
  const c = join(scratch, 'src/format/wasm/scan.c');
  writeFileSync(c, `${readFileSync(c, 'utf8')}\n`);
  const now = kernelSourceHashes(scratch);
  expect(now['src/format/wasm/scan.c']).not.toBe(SCAN_WASM_SOURCES['src/format/wasm/scan.c']);
  expect(now['src/format/wasm/contract.h']).toBe(SCAN_WASM_SOURCES['src/format/wasm/contract.h']);
});

/** The names a module exports, sorted. */
const exportsOf = (base64: string) =>
  WebAssembly.Module.exports(new WebAssembly.Module(Buffer.from(base64, 'base64')))
    .map((e) => e.name)
    .sort();

it('the embedded module is a valid WebAssembly module with the exports the wrapper calls', () => {
  const bytes = Buffer.from(SCAN_WASM_BASE64, 'base64');
  expect(exportsOf(SCAN_WASM_BASE64)).toEqual([
    'clear',
    'clear_like_last',
    'column_of_ptr',
    'configure',
    'counters_ptr',
    'filter_values_ptr',
    'input_ptr',
    'key_cols_ptr',
    'lay_ints_ptr',
    'lay_keys_ptr',
    'lay_nums_ptr',
    'lay_nums_window',
    'lay_prepare',
    'memory',
    'merge_count',
    'merge_ints_ptr',
    'merge_keys_ptr',
    'merge_nums_ptr',
    'merge_out_ptr',
    'merge_prepare',
    'merge_runs_ptr',
    'merge_script_ptr',
    'part_base_ptr',
    'part_meta_ptr',
    'partial_crc',
    'partial_key_bytes',
    'partition_rows',
    'render_keyed_ndjson',
    'render_keyed_text',
    'render_name_at_ptr',
    'render_names_ptr',
    'render_ndjson',
    'render_partial',
    'render_text',
    'render_where_ptr',
    'run_ints_ptr',
    'run_key_used',
    'run_keys_ptr',
    'run_mask',
    'run_merge',
    'run_new_slot_count',
    'run_new_slots_ptr',
    'run_nums_ptr',
    'run_prepare',
    'run_size',
    'run_slots_ptr',
    'run_source_at',
    'run_src_ptr',
    'run_touched_count',
    'run_touched_nums_ptr',
    'run_touched_ptr',
    'scan',
    'set_filters',
    'set_memory_limit',
    'set_scan_batch_from',
    'set_sort_batch',
    'sort_entries',
    'sort_ints_ptr',
    'sort_keys_ptr',
    'sort_layout',
    'sort_nums_ptr',
    'sort_prepare',
    'table_ints',
    'table_key_used',
    'table_keys',
    'table_nums',
    'table_size',
  ]);
  // The file is exactly what the embedder writes for these bytes and hashes (no hand edit).
  const text = readFileSync(join(root, 'src/format/wasm/scan-wasm.ts'), 'utf8');
  const toolchain = /\(([^)]*)\)\. Do not edit\./.exec(text)?.[1] ?? '';
  expect(toolchain).toBe('Debian clang version 14.0.6, Debian LLD 14.0.6');
  const lean = Buffer.from(SCAN_LEAN_WASM_BASE64, 'base64');
  expect(text).toBe(renderEmbedded(bytes, lean, toolchain, SCAN_WASM_SOURCES));
});

it('the lean kernel has every export but the renders and partials the v2 key written as text never calls', () => {
  const full = exportsOf(SCAN_WASM_BASE64);
  const cold = [
    'partial_crc',
    'partial_key_bytes',
    'render_keyed_ndjson',
    'render_keyed_text',
    'render_name_at_ptr',
    'render_names_ptr',
    'render_ndjson',
    'render_partial',
    'render_where_ptr',
  ];
  expect(exportsOf(SCAN_LEAN_WASM_BASE64)).toEqual(full.filter((n) => !cold.includes(n)));
  // And it is smaller: what it is for (a faster compile in every process).
  expect(SCAN_LEAN_WASM_BASE64.length).toBeLessThan(SCAN_WASM_BASE64.length * 0.8);
});
