#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer, ASan, UBSan) in its own directory and fuzzes lab 3's
# RESP parser for a bounded time. Introduced in lab 3. ctest builds every fuzz target once
# (fuzz.build) and fuzzes this one as fuzz.resp_parser (tests/fuzz/CMakeLists.txt).
#   usage: tests/lab3_resp/run_fuzz.sh [source-dir] [build-dir] [seconds]
# Exits 77 (ctest's "skipped") when clang or its libFuzzer runtime is not installed.
set -euo pipefail

source_dir=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
exec bash "$source_dir/tests/support/run_fuzz_target.sh" "$source_dir" \
  "${2:-$source_dir/build-fuzz-lab3}" "${3:-30}" resp_parser_fuzz \
  "$source_dir/tests/lab3_resp/fuzz_corpus" 4096
