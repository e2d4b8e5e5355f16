#!/usr/bin/env bash
# Builds and runs every test: the release build's unit and end-to-end tests, the Debian package
# (scripts/package.sh, checked by scripts/package-check.sh), the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer, and the station loader's fuzz target for a bounded
# time. Set LOA_FUZZ_SECONDS to change the fuzzing time (default 60). The audio path tests play
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

step "asan+ubsan build and tests"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs"

step "fuzzing the station loader for ${LOA_FUZZ_SECONDS:-60} s"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
run=build/fuzz/corpus-run
rm -rf "$run" && mkdir -p "$run"
cp fuzz/corpus/* examples/*.yaml examples/programmes/*.yaml "$run"/
build/fuzz/fuzz/fuzz_station_loader -max_total_time="${LOA_FUZZ_SECONDS:-60}" -max_len=65536 \
  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$run" 2>build/fuzz/fuzz.log \
  || { tail -50 build/fuzz/fuzz.log; echo "fuzzing found a crash (see above)"; exit 1; }
grep -E "^(stat::number_of_executed_units|Done)" build/fuzz/fuzz.log || tail -3 build/fuzz/fuzz.log

step "fuzzing the control API's clip names for ${LOA_FUZZ_CLIP_SECONDS:-20} s"
run=build/fuzz/corpus-clips-run
rm -rf "$run" && mkdir -p "$run"
cp fuzz/corpus-clips/* "$run"/
build/fuzz/fuzz/fuzz_clip_names -max_total_time="${LOA_FUZZ_CLIP_SECONDS:-20}" -max_len=4096 \
  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$run" 2>build/fuzz/fuzz-clips.log \
  || { tail -50 build/fuzz/fuzz-clips.log; echo "fuzzing found a crash (see above)"; exit 1; }
grep -E "^stat::number_of_executed_units" build/fuzz/fuzz-clips.log || tail -3 build/fuzz/fuzz-clips.log

step "fuzzing campaign manifests for ${LOA_FUZZ_MANIFEST_SECONDS:-20} s"
run=build/fuzz/corpus-manifest-run
rm -rf "$run" && mkdir -p "$run"
cp fuzz/corpus-manifest/* "$run"/
build/fuzz/fuzz/fuzz_campaign_manifest -max_total_time="${LOA_FUZZ_MANIFEST_SECONDS:-20}" \
  -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$run" \
  2>build/fuzz/fuzz-manifest.log \
  || { tail -50 build/fuzz/fuzz-manifest.log; echo "fuzzing found a crash (see above)"; exit 1; }
grep -E "^stat::number_of_executed_units" build/fuzz/fuzz-manifest.log ||
  tail -3 build/fuzz/fuzz-manifest.log

step "fuzzing what stations send the district for ${LOA_FUZZ_DISTRICT_SECONDS:-10} s"
run=build/fuzz/corpus-district-run
rm -rf "$run" && mkdir -p "$run"
cp fuzz/corpus-district/* "$run"/
build/fuzz/fuzz/fuzz_district_ingest -max_total_time="${LOA_FUZZ_DISTRICT_SECONDS:-10}" \
  -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$run" \
  2>build/fuzz/fuzz-district.log \
  || { tail -50 build/fuzz/fuzz-district.log; echo "fuzzing found a crash (see above)"; exit 1; }
grep -E "^stat::number_of_executed_units" build/fuzz/fuzz-district.log ||
  tail -3 build/fuzz/fuzz-district.log

step "fuzzing the plain M4A and ADTS readers for ${LOA_FUZZ_AAC_SECONDS:-15} s"
run=build/fuzz/corpus-aac-run
rm -rf "$run" && mkdir -p "$run"
cp fuzz/corpus-aac/* "$run"/
build/fuzz/fuzz/fuzz_aac_index -max_total_time="${LOA_FUZZ_AAC_SECONDS:-15}" -max_len=65536 \
  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$run" 2>build/fuzz/fuzz-aac.log \
  || { tail -50 build/fuzz/fuzz-aac.log; echo "fuzzing found a crash (see above)"; exit 1; }
grep -E "^stat::number_of_executed_units" build/fuzz/fuzz-aac.log || tail -3 build/fuzz/fuzz-aac.log

step "all tests passed"
