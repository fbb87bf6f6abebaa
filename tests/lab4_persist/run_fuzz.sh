#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer, ASan, UBSan) in its own directory and fuzzes lab 4's
# RDB reader for a bounded time, seeded with the files redis-server wrote (data/*.rdb).
# Introduced in lab 4; ctest runs it under the labels lab4;fuzz.
#   usage: tests/lab4_persist/run_fuzz.sh [source-dir] [build-dir] [seconds]
# Exits 77 (ctest's "skipped") when clang or its libFuzzer runtime is not installed.
set -euo pipefail

source_dir=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
build_dir=${2:-$source_dir/build-fuzz-lab4}
seconds=${3:-20}

if ! command -v clang++ >/dev/null 2>&1; then
  echo "run_fuzz.sh: clang++ not found; skipping the fuzz run" >&2
  exit 77
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
  >"$probe/probe.cpp"
if ! clang++ -fsanitize=fuzzer "$probe/probe.cpp" -o "$probe/probe" >/dev/null 2>&1; then
  echo "run_fuzz.sh: clang++ cannot link libFuzzer; skipping the fuzz run" >&2
  exit 77
fi

# Configure the preset, but in a build directory of our own (-B overrides the preset's).
mkdir -p "$build_dir"
cmake -S "$source_dir" --preset fuzz -B "$build_dir" >"$build_dir/configure.log" 2>&1 ||
  { cat "$build_dir/configure.log" >&2; exit 1; }
cmake --build "$build_dir" --target rdb_parser_fuzz -j 2

# New inputs go to a corpus in the build directory; the seeds in the source tree stay untouched.
# -max_len covers the largest seed (sets.rdb, under 2 KB) with room to grow.
mkdir -p "$build_dir/corpus" "$build_dir/artifacts"
"$build_dir/bin/rdb_parser_fuzz" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
  -artifact_prefix="$build_dir/artifacts/" \
  "$build_dir/corpus" "$source_dir/tests/lab4_persist/data"
