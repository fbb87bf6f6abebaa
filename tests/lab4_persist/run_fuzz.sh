#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer, ASan, UBSan) in its own directory and fuzzes lab 4's
# RDB reader for a bounded time, seeded with the files redis-server wrote (data/*.rdb).
# Introduced in lab 4. ctest builds every fuzz target once (fuzz.build) and fuzzes this one as
# fuzz.rdb_parser (tests/fuzz/CMakeLists.txt).
#   usage: tests/lab4_persist/run_fuzz.sh [source-dir] [build-dir] [seconds]
# Exits 77 (ctest's "skipped") when clang or its libFuzzer runtime is not installed.
set -euo pipefail

source_dir=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
# -max_len (8192) covers the largest seed (sets.rdb, under 2 KB) with room to grow.
exec bash "$source_dir/tests/support/run_fuzz_target.sh" "$source_dir" \
  "${2:-$source_dir/build-fuzz-lab4}" "${3:-20}" rdb_parser_fuzz \
  "$source_dir/tests/lab4_persist/data" 8192
