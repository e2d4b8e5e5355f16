#!/usr/bin/env bash
# Builds the Debian package OUTDIR/loa_VERSION_ARCH.deb from the release build (build/release,
# configured and built here if needed: only loa and the package's files), with CPack's DEB
# generator (packaging/CMakeLists.txt). What it installs: packaging/README.md.
# Usage: scripts/package.sh OUTDIR      (LOA_JOBS: build jobs, default all cores)
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: scripts/package.sh OUTDIR" >&2
  exit 2
fi
mkdir -p "$1"
out="$(cd "$1" && pwd)"
cd "$(dirname "$0")/.."

scripts/install-deps.sh build package
# The changelog's date, and the files' times in the package, are the last commit's: the same source
# makes the same package.
if [ -z "${SOURCE_DATE_EPOCH:-}" ] && git rev-parse --git-dir >/dev/null 2>&1; then
  SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"
  export SOURCE_DATE_EPOCH
fi

cmake --preset release >/dev/null
cmake --build --preset release -j "${LOA_JOBS:-$(nproc)}" --target loa loa-decode-clip loa_package_files

work="$(mktemp -d "$out/.cpack.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if ! (cd build/release && cpack -G DEB -B "$work" >"$work/cpack.log" 2>&1); then
  cat "$work/cpack.log" >&2
  echo "package: cpack failed (above)" >&2
  exit 1
fi
rm -f "$out"/loa_*.deb
mv "$work"/loa_*.deb "$out"/
ls "$out"/loa_*.deb
