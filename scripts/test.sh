#!/usr/bin/env bash
# Builds and runs every test: the release build's unit and end-to-end tests, the Debian package
# (scripts/package.sh, checked by scripts/package-check.sh), the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer, and the fuzz targets (fuzz/README.md) each for a
# bounded time. Set LOA_FUZZ_SECONDS to change the station loader's (default 60). The audio path tests play
# through a JACK server with the dummy driver (scripts/jack-dummy.sh), started here if none runs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
jobs=$(nproc)

step() { echo; echo "== $*"; }

step "playwright-core for the browser tests (npm ci, from package-lock.json)"
npm ci --prefix tests/web --no-audit --no-fund --loglevel=error

step "JACK server with the dummy driver, for the audio path tests"
scripts/jack-dummy.sh start
trap 'scripts/jack-dummy.sh stop' EXIT

step "release build and tests"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

step "the Debian package: lintian, then unpacked (dpkg -x): loa --version, loa check on its station"
scripts/package.sh build/package
scripts/package-check.sh build/package

# clang's AddressSanitizer + UndefinedBehaviorSanitizer; the same build holds the fuzz targets
# (CMakePresets.json: asan), so the sanitized code is compiled once.
step "asan+ubsan build (with the fuzz targets) and tests"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs"

# Runs fuzz target $1 (built by the asan preset) for $2 s on inputs up to $3 bytes, from the seed
# files after them; its log is build/asan/fuzz/$1.log. A crash ends the run with the log's tail.
fuzz() {
  local target=$1 seconds=$2 max_len=$3
  shift 3
  local run=build/asan/fuzz/$target-run log=build/asan/fuzz/$target.log
  rm -rf "$run" && mkdir -p "$run"
  cp "$@" "$run"/
  build/asan/fuzz/"$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 "$run" 2>"$log" \
    || { tail -50 "$log"; echo "fuzzing found a crash (see above)"; exit 1; }
  grep -E "^(stat::number_of_executed_units|Done)" "$log" || tail -3 "$log"
}

step "fuzzing the station loader for ${LOA_FUZZ_SECONDS:-60} s"
fuzz fuzz_station_loader "${LOA_FUZZ_SECONDS:-60}" 65536 \
  fuzz/corpus/* examples/*.yaml examples/programmes/*.yaml

step "fuzzing the control API's clip names for ${LOA_FUZZ_CLIP_SECONDS:-20} s"
fuzz fuzz_clip_names "${LOA_FUZZ_CLIP_SECONDS:-20}" 4096 fuzz/corpus-clips/*

step "fuzzing campaign manifests for ${LOA_FUZZ_MANIFEST_SECONDS:-20} s"
fuzz fuzz_campaign_manifest "${LOA_FUZZ_MANIFEST_SECONDS:-20}" 65536 fuzz/corpus-manifest/*

step "fuzzing what stations send the district for ${LOA_FUZZ_DISTRICT_SECONDS:-10} s"
fuzz fuzz_district_ingest "${LOA_FUZZ_DISTRICT_SECONDS:-10}" 65536 fuzz/corpus-district/*

step "fuzzing the district's receipts a station reads for ${LOA_FUZZ_RECEIPT_SECONDS:-10} s"
fuzz fuzz_receipts "${LOA_FUZZ_RECEIPT_SECONDS:-10}" 65536 fuzz/corpus-receipts/*

step "fuzzing the plain M4A and ADTS readers for ${LOA_FUZZ_AAC_SECONDS:-15} s"
fuzz fuzz_aac_index "${LOA_FUZZ_AAC_SECONDS:-15}" 65536 fuzz/corpus-aac/*

step "all tests passed"
