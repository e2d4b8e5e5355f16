#!/usr/bin/env bash
# Installs the Debian 12 packages loa needs, and only those that are missing (idempotent).
# Usage: scripts/install-deps.sh [build] [test] [example] [package]   (default: build)
# The operator guide's build steps run this; docs/operator-guide.md lists no packages of its own.
set -euo pipefail

build=(g++ cmake ninja-build pkg-config libyaml-cpp-dev libsndfile1-dev libhowardhinnant-date-dev
       libsoxr-dev libebur128-dev libxxhash-dev portaudio19-dev
       libavformat-dev libavcodec-dev libswresample-dev libavutil-dev
       libcli11-dev nlohmann-json3-dev libsqlite3-dev libsystemd-dev libsodium-dev
       libcpp-httplib-dev libssl-dev libutf8proc-dev libespeak-ng-dev libmosquitto-dev tzdata)
# ffmpeg: the audio tests make their MP3 and M4A fixtures with it.
# mosquitto: the district link's tests start a real broker (mosquitto_sub helps when debugging).
# icecast2: the relay tests start a real Icecast server (its package asks for passwords through
# debconf: installed non-interactively below, the tests write their own config).
test=(libgtest-dev clang libclang-rt-14-dev jackd2 libjack-jackd2-dev ffmpeg mosquitto
      mosquitto-clients icecast2)
# The example station makes its clips with espeak-ng and sox, and switches its relays with gpioset.
example=(espeak-ng sox gpiod)
# scripts/package.sh: CPack's DEB generator finds libraries with dpkg-shlibdeps and file; lintian
# checks the package (scripts/test.sh).
package=(dpkg-dev file)
# The control page's browser tests: Debian's Chromium, and Node.js with npm (for playwright-core)
# unless a Node.js is installed already (NodeSource's includes npm and conflicts with Debian's).
web=(chromium)
command -v npm >/dev/null 2>&1 || web+=(nodejs npm)

wanted=()
for set in "${@:-build}"; do
  case "$set" in
    build) wanted+=("${build[@]}") ;;
    test) wanted+=("${build[@]}" "${test[@]}" "${example[@]}" "${web[@]}" "${package[@]}" lintian) ;;
    example) wanted+=("${example[@]}") ;;
    package) wanted+=("${package[@]}") ;;
    *) echo "install-deps: unknown set '$set' (build, test, example, package)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)
# Through env: sudo does not pass the caller's environment on, and debconf must not ask.
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
