#!/usr/bin/env bash
# Build the WebAssembly scan kernel (src/format/wasm/scan.c) into src/format/wasm/scan-wasm.ts, the
# Parquet decoder's line writer (src/format/wasm/parquet-lines.c) into parquet-lines-wasm.ts, and the
# resident run table's merge (src/format/wasm/runtable.c) into runtable-wasm.ts.
#
# The toolchain is pinned, so the committed kernel is reproducible byte for byte: Debian's
# clang-14 and lld-14, version 14.0.6 (Debian 12 "bookworm"). Install them with
#   apt-get install -y clang-14 lld-14
# Steps: regenerate the contract (contract.h, src/table/contract.ts) from contract.json, compile, then embed
# the module as base64 with the SHA-256 of its sources (test/kernel-build.test.ts checks those).
#   scripts/build-wasm.sh                    build
#   scripts/build-wasm.sh --check-toolchain  exit 0 if the pinned toolchain is installed, else 1
set -euo pipefail
cd "$(dirname "$0")/.."

CLANG=clang-14
WASM_LD=/usr/bin/wasm-ld-14
CLANG_VERSION="Debian clang version 14.0.6"
LLD_VERSION="Debian LLD 14.0.6"

fail() { echo "build-wasm: $*" >&2; exit 1; }
command -v "$CLANG" >/dev/null 2>&1 || fail "$CLANG not found; install the pinned toolchain: apt-get install -y clang-14 lld-14"
[ -x "$WASM_LD" ] || fail "$WASM_LD not found; install the pinned toolchain: apt-get install -y clang-14 lld-14"
got=$("$CLANG" --version | head -n 1)
[ "$got" = "$CLANG_VERSION" ] || fail "need '$CLANG_VERSION' (the committed kernel's compiler), found '$got'"
got=$("$WASM_LD" --version | head -n 1)
[ "$got" = "$LLD_VERSION" ] || fail "need '$LLD_VERSION' (the committed kernel's linker), found '$got'"
[ "${1:-}" = "--check-toolchain" ] && exit 0
[ $# -eq 0 ] || fail "unknown argument '$1' (usage: scripts/build-wasm.sh [--check-toolchain])"

node --import tsx scripts/gen-kernel-contract.ts
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Loops not unrolled: V8 optimizes every function of the kernel when it is compiled, in each
# process (src/util/wasm-compile.ts), and unrolled loops made the module a third larger (91 KB
# against 68) and that compile 25-30 ms longer, for no faster scan, sort or render (whole
# process: CPU 0.97x at both 1% and 40% rows per record; docs/performance.md). The few loops
# that gain from it are unrolled by pragma (the scan's key fields); in a function where a key's
# field count is not a constant they cannot be, and -Wno-pass-failed keeps that quiet.
"$CLANG" --target=wasm32 -O3 -fno-unroll-loops -Wno-pass-failed -nostdlib -mbulk-memory -msimd128 -Wl,--no-entry -fuse-ld="$WASM_LD" \
  -o "$out/scan.wasm" src/format/wasm/scan.c
# The lean kernel: the same source without what a v2-key text digest never calls (scan.c,
# KERNEL_LEAN), for the workers to compile first.
"$CLANG" --target=wasm32 -O3 -fno-unroll-loops -Wno-pass-failed -DKERNEL_LEAN -nostdlib -mbulk-memory -msimd128 \
  -Wl,--no-entry -fuse-ld="$WASM_LD" -o "$out/scan-lean.wasm" src/format/wasm/scan.c
node --import tsx scripts/embed-kernel.ts "$out/scan.wasm" "$out/scan-lean.wasm" "$CLANG_VERSION, $LLD_VERSION"
# The Parquet decoder's line writer: a module of its own (it shares no memory with the kernel).
"$CLANG" --target=wasm32 -O3 -nostdlib -mbulk-memory -msimd128 -Wl,--no-entry -fuse-ld="$WASM_LD" \
  -o "$out/parquet-lines.wasm" src/format/wasm/parquet-lines.c
node --import tsx scripts/embed-module.ts "$out/parquet-lines.wasm" "$CLANG_VERSION, $LLD_VERSION" \
  src/format/wasm/parquet-lines-wasm.ts PARQUET_LINES src/format/wasm/parquet-lines.c
# The resident run table's merge: a module of its own over an imported shared memory, the table's
# (src/format/resident-table.ts). Threads' atomics are on only because a shared memory needs them.
"$CLANG" --target=wasm32 -O3 -fno-unroll-loops -nostdlib -matomics -mbulk-memory -msimd128 -Wl,--no-entry \
  -Wl,--import-memory -Wl,--shared-memory -Wl,--initial-memory=131072 -Wl,--max-memory=4294967296 -Wl,--export=__heap_base \
  -fuse-ld="$WASM_LD" -o "$out/runtable.wasm" src/format/wasm/runtable.c
node --import tsx scripts/embed-module.ts "$out/runtable.wasm" "$CLANG_VERSION, $LLD_VERSION" \
  src/format/wasm/runtable-wasm.ts RUN_TABLE src/format/wasm/runtable.c src/format/wasm/rows.h src/format/wasm/contract.h
