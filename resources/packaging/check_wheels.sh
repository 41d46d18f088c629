#!/usr/bin/env bash
# Checks that every runtime requirement has a wheel for Python 3.11 on the desktops the program
# targets: Windows 10/11 (win_amd64) and glibc 2.28 Linux x86_64 (统信 UOS 20, 银河麒麟 Kylin V10).
# pip download resolves the whole set for each platform, wheels only; it fails on the first
# package without a fitting wheel and names it.
# Usage: resources/packaging/check_wheels.sh [PIP]   (PIP defaults to .venv/bin/pip)
set -euo pipefail
cd "$(dirname "$0")/../.."
PIP="${1:-.venv/bin/pip}"

# pip evaluates environment markers against the machine it runs on, not the target platform, so
# the markers are dropped: a Windows-only pin (tzdata) is then checked on both platforms.
REQS="$(mktemp)"
DEST="$(mktemp -d)"
trap 'rm -rf "$REQS" "$DEST"' EXIT
sed 's/;.*//' requirements.txt > "$REQS"

# pip does not infer the older manylinux tags from the newest one: list every tag glibc 2.28 runs.
LINUX_TAGS="manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_26_x86_64 manylinux_2_24_x86_64
  manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux2010_x86_64 manylinux1_x86_64"

check() {  # NAME TAG…
  local name="$1"; shift
  local args=()
  for tag in "$@"; do args+=(--platform "$tag"); done
  if ! "$PIP" download -q --disable-pip-version-check --only-binary=:all: --python-version 3.11 \
      --implementation cp "${args[@]}" -r "$REQS" -d "$DEST/$name" > "$DEST/$name.log" 2>&1; then
    grep -v "is ignored" "$DEST/$name.log" >&2
    echo "wheels: a runtime requirement has no Python 3.11 wheel for $name" >&2
    return 1
  fi
  echo "wheels: $name ok ($(ls "$DEST/$name" | wc -l) wheels)"
}

# shellcheck disable=SC2086  # the tag list is split on purpose
check "glibc-2.28-x86_64" $LINUX_TAGS
check "win_amd64" win_amd64
