#!/usr/bin/env bash
# Checks the Debian package that scripts/package.sh made in OUTDIR (default build/package):
# lintian (if installed; errors fail, warnings are printed), then the package unpacked into a clean
# folder (dpkg -x) runs: loa --version, and loa check on the starting station it ships, which must
# have no error and no warning but "no programmes yet". Run by scripts/test.sh; takes seconds.
# Usage: scripts/package-check.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-build/package}"
debs=("$out"/loa_*.deb)
if [ ${#debs[@]} -ne 1 ] || [ ! -f "${debs[0]}" ]; then
  echo "package-check: expected one loa_*.deb in $out (scripts/package.sh $out makes it)" >&2
  exit 1
fi
deb="${debs[0]}"
echo "package-check: $deb"

if command -v lintian >/dev/null 2>&1; then
  # Root is how CI runs; lintian only warns about it.
  lintian --fail-on error --info "$deb" 2> >(grep -v "running with root privileges" >&2) \
    || { echo "package-check: lintian found errors (above)" >&2; exit 1; }
else
  echo "package-check: lintian is not installed; skipped (scripts/install-deps.sh test installs it)"
fi

for script in postinst prerm postrm; do
  dpkg-deb --ctrl-tarfile "$deb" | tar -xO "./$script" | sh -n \
    || { echo "package-check: $script is not valid sh" >&2; exit 1; }
done

root="$out/root"
rm -rf "$root"
dpkg -x "$deb" "$root"
# The service runs the binary the package installs.
exec_start="$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$root/lib/systemd/system/loa.service")"
[ -x "$root$exec_start" ] || { echo "package-check: loa.service runs $exec_start, not in the package" >&2; exit 1; }

"$root/usr/bin/loa" --version
# loa decodes AAC clips in this helper, which it looks for in ../lib/loa/ from its own folder.
[ -x "$root/usr/lib/loa/loa-decode-clip" ] \
  || { echo "package-check: the decoding helper /usr/lib/loa/loa-decode-clip is not in the package" >&2; exit 1; }

station="$root/etc/loa/station.yaml.example"
set +e
report="$("$root/usr/bin/loa" check --config "$station" 2>&1)"
code=$?
set -e
echo "$report"
if [ $code -ne 0 ]; then
  echo "package-check: the shipped station does not check (exit $code)" >&2
  exit 1
fi
if grep -E ": (error|warning): " <<<"$report" | grep -vq "the station has no programmes yet"; then
  echo "package-check: the shipped station has problems (above)" >&2
  exit 1
fi
echo "package-check: the package is good"
