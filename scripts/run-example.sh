#!/usr/bin/env bash
# The main job on the bundled example station: build loa, make the example's clips, check the
# station and show what it will air over the next three days.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh build example
cmake --preset release >/dev/null
cmake --build --preset release --target loa
examples/make-clips.sh

loa=build/release/app/loa
config=examples/station.yaml
echo
echo "== loa check --config $config"
"$loa" check --config "$config"
echo
echo "== loa plan --config $config --days 3   (from today, in the station's time zone)"
"$loa" plan --config "$config" --days 3
