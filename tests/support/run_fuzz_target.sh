#!/usr/bin/env bash
# Builds one libFuzzer target of the `fuzz` preset (clang, libFuzzer, ASan, UBSan) in a build
# directory of its own and fuzzes it for a bounded time. Shared by the labs' run_fuzz.sh
# (lab 3: the RESP parser; lab 4: the RDB reader), which name the target and its seeds.
#   usage: run_fuzz_target.sh SOURCE_DIR BUILD_DIR SECONDS TARGET SEED_DIR MAX_LEN
# Exits 77 (ctest's "skipped") when clang or its libFuzzer runtime is not installed.
set -euo pipefail

source_dir=$1 build_dir=$2 seconds=$3 target=$4 seeds=$5 max_len=$6

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
cmake --build "$build_dir" --target "$target" -j 2

# New inputs go to a corpus in the build directory; the seeds in the source tree stay untouched.
mkdir -p "$build_dir/corpus" "$build_dir/artifacts"
"$build_dir/bin/$target" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
  -print_final_stats=1 -artifact_prefix="$build_dir/artifacts/" \
  "$build_dir/corpus" "$seeds"
