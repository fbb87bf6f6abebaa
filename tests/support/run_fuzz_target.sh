#!/usr/bin/env bash
# Builds the libFuzzer targets of the `fuzz` preset (clang, libFuzzer, ASan, UBSan) and fuzzes
# one of them for a bounded time. ctest's fuzz.build and fuzz.<target> tests (tests/fuzz/) call
# the first two forms; the labs' run_fuzz.sh scripts call the third.
#
#   run_fuzz_target.sh build SOURCE_DIR BUILD_DIR [TARGET...]
#       configures the preset in BUILD_DIR and builds TARGET (default: every fuzz target)
#   run_fuzz_target.sh run BUILD_DIR SECONDS TARGET SEED_DIR MAX_LEN [LIBFUZZER_FLAG...]
#       fuzzes BUILD_DIR/bin/TARGET for SECONDS, seeded with SEED_DIR
#   run_fuzz_target.sh SOURCE_DIR BUILD_DIR SECONDS TARGET SEED_DIR MAX_LEN
#       both: builds TARGET alone, then fuzzes it
#
# Exits 77 (ctest's "skipped") when clang or its libFuzzer runtime is not installed.
set -euo pipefail

# clang++ must be able to link a libFuzzer program, or there is nothing to build or run.
require_libfuzzer() {
  if ! command -v clang++ >/dev/null 2>&1; then
    echo "run_fuzz_target.sh: clang++ not found; skipping the fuzz run" >&2
    exit 77
  fi
  local probe
  probe=$(mktemp -d)
  echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
    >"$probe/probe.cpp"
  if ! clang++ -fsanitize=fuzzer "$probe/probe.cpp" -o "$probe/probe" >/dev/null 2>&1; then
    rm -rf "$probe"
    echo "run_fuzz_target.sh: clang++ cannot link libFuzzer; skipping the fuzz run" >&2
    exit 77
  fi
  rm -rf "$probe"
}

# build SOURCE_DIR BUILD_DIR [TARGET...]
build() {
  local source_dir=$1 build_dir=$2
  shift 2
  local targets=("${@:-fuzzers}")
  # The preset, in a build directory of our own (-B overrides the preset's).
  mkdir -p "$build_dir"
  cmake -S "$source_dir" --preset fuzz -B "$build_dir" >"$build_dir/configure.log" 2>&1 ||
    { cat "$build_dir/configure.log" >&2; exit 1; }
  cmake --build "$build_dir" --target "${targets[@]}" -j 2
}

# run BUILD_DIR SECONDS TARGET SEED_DIR MAX_LEN [LIBFUZZER_FLAG...]
run() {
  local build_dir=$1 seconds=$2 target=$3 seeds=$4 max_len=$5
  shift 5
  local binary="$build_dir/bin/$target"
  if [[ ! -x $binary ]]; then
    echo "run_fuzz_target.sh: $binary is missing; build it first (fuzz.build)" >&2
    exit 1
  fi
  # New inputs go to a corpus of the target's in the build directory, kept for the next run;
  # the seeds in the source tree stay untouched. An input that breaks a promise is saved in
  # artifacts/<target>/, and `<binary> <that file>` replays it.
  local corpus="$build_dir/corpus/$target" artifacts="$build_dir/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" "$corpus" "$seeds"
}

case "${1:-}" in
  build)
    shift
    require_libfuzzer
    build "$@"
    ;;
  run)
    shift
    require_libfuzzer
    run "$@"
    ;;
  *)
    [[ $# -eq 6 ]] || { sed -n '2,14p' "$0" >&2; exit 2; }
    require_libfuzzer
    build "$1" "$2" "$4"
    run "$2" "$3" "$4" "$5" "$6"
    ;;
esac
