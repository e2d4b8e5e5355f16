#!/usr/bin/env bash
# The main job on the bundled example station: build loa, make the example's clips, check the
# station, show its next three days, then air it with `loa run` until Ctrl-C.
# On a machine without a sound card the air output is recorded to build/example-air.wav instead.
# LOA_RUN_SECONDS=N stops it after N seconds (as Ctrl-C would).
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

output=()
if ! grep -q . /proc/asound/cards 2>/dev/null || grep -q "no soundcards" /proc/asound/cards; then
  echo
  echo "No sound card on this machine: recording the air output to build/example-air.wav instead."
  output=(--output wav:build/example-air.wav)
fi
# An account for the control page, so the example can be tried in a browser at once.
if ! "$loa" user list --config "$config" 2>/dev/null | grep -q "^demo "; then
  password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
  echo "$password" | "$loa" user add demo --role operator --config "$config" >/dev/null
  echo "$password" > examples/state/demo-password
  chmod 600 examples/state/demo-password
fi
echo
echo "== the control page: http://127.0.0.1:8686/ (user demo, password in examples/state/demo-password: $(cat examples/state/demo-password))"
echo
echo "== loa run --config $config ${output[*]}   (Ctrl-C stops it; 'loa log --config $config' shows what aired)"
if [ -n "${LOA_RUN_SECONDS:-}" ]; then
  timeout -s INT "$LOA_RUN_SECONDS" "$loa" run --config "$config" "${output[@]}" || [ $? -eq 124 ]
else
  exec "$loa" run --config "$config" "${output[@]}"
fi
