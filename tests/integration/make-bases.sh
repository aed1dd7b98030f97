#!/bin/bash
# Build the Debian base images the integration tests use, without Docker Hub:
#   mmdebstrap --variant=minbase --include=python3 SUITE  ->  rootfs tar
#   rootfs_to_oci.py                                       ->  OCI layout  (DIR/oci, tag SUITE-py)
#   skopeo copy oci:... docker-archive:...                 ->  docker save archive (SUITE-py:latest)
#
# usage: make-bases.sh [--trixie] [--rebuild] [--print-env] | --print-mirror
#   bookworm (Python 3.11) is always built; --trixie adds trixie (Python 3.13).
#   --rebuild ignores cached outputs; --print-env prints KEY=VALUE lines for the tests:
#     V2D_BASE_BOOKWORM_OCI=DIR  V2D_BASE_BOOKWORM_TAG=bookworm-py
#     V2D_BASE_BOOKWORM_ARCHIVE=FILE  V2D_BASE_BOOKWORM_IMAGE=bookworm-py:latest  (same for TRIXIE)
#     V2D_DEBIAN_MIRROR=URL (the mirror used, for fixtures made the same way)
#   --print-mirror prints the Debian mirror (below) and builds nothing.
#
# Outputs are cached in $V2D_TEST_BASES (default /var/cache/v2d-test-bases) under a folder
# named after a hash of the mmdebstrap command and of rootfs_to_oci.py, so a rerun takes
# no time and any change to either rebuilds. Concurrent runs serialise on a lock file.
# The Debian mirror is the one apt uses (first .../debian URI in /etc/apt/sources.list*),
# or $V2D_DEBIAN_MIRROR. Exits non-zero (with mmdebstrap's log) when a build fails.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BASES=${V2D_TEST_BASES:-/var/cache/v2d-test-bases}
SUITES=(bookworm)
REBUILD=0
PRINT_ENV=0
PRINT_MIRROR=0
for arg in "$@"; do
  case $arg in
    --trixie) SUITES+=(trixie) ;;
    --rebuild) REBUILD=1 ;;
    --print-env) PRINT_ENV=1 ;;
    --print-mirror) PRINT_MIRROR=1 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make-bases.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { echo "make-bases: $*" >&2; }

# The Debian mirror apt is configured with (deb822 .sources or one-line .list).
debian_mirror() {
  if [[ -n ${V2D_DEBIAN_MIRROR:-} ]]; then echo "$V2D_DEBIAN_MIRROR"; return; fi
  local f uri
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r $f ]] || continue
    uri=$(grep -hoE '(URIs:[[:space:]]*|^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?)[a-z+]+://[^[:space:]]+' "$f" \
          | grep -oE '[a-z+]+://[^[:space:]]+' | sed 's:/*$::' | grep -E '/debian$' | head -n1 || true)
    if [[ -n $uri ]]; then echo "$uri"; return; fi
  done
  echo "http://deb.debian.org/debian"
}

MIRROR=$(debian_mirror)
if [[ $PRINT_MIRROR == 1 ]]; then echo "$MIRROR"; exit 0; fi
# Keep images small (vfs copies whole layers): no docs, man pages or translations.
DPKG_OPTS=(
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
)

# The mmdebstrap command for SUITE, writing to the file named by $2.
mmdebstrap_cmd() {
  printf '%s\0' mmdebstrap --variant=minbase --include=python3 --skip=output/dev \
    "${DPKG_OPTS[@]}" "$1" "$2" "$MIRROR"
}

cache_key() {
  { mmdebstrap_cmd "$1" OUT; sha256sum <"$HERE/rootfs_to_oci.py"; echo format-1; } \
    | sha256sum | cut -c1-16
}

build_suite() {
  local suite=$1 key dir tmp t0
  key=$(cache_key "$suite")
  dir=$BASES/$suite-py-$key
  mkdir -p "$BASES"
  exec 9>"$BASES/.lock-$suite"
  flock 9
  if [[ $REBUILD == 1 ]]; then rm -rf "$dir"; fi
  if [[ ! -f $dir/complete ]]; then
    t0=$SECONDS
    rm -rf "$dir" "$dir.tmp"
    tmp=$dir.tmp
    mkdir -p "$tmp"
    local cmd=()
    mapfile -d '' cmd < <(mmdebstrap_cmd "$suite" "$tmp/rootfs.tar")
    log "building $suite base: ${cmd[*]}"
    if ! "${cmd[@]}" </dev/null >"$tmp/mmdebstrap.log" 2>&1; then
      log "mmdebstrap failed for $suite; its log follows"; cat "$tmp/mmdebstrap.log" >&2
      exit 1
    fi
    SOURCE_DATE_EPOCH=0 "$HERE/rootfs_to_oci.py" "$tmp/rootfs.tar" "$tmp/oci" --tag "$suite-py" \
      --created-by "mmdebstrap --variant=minbase --include=python3 $suite" >"$tmp/oci.json"
    skopeo --insecure-policy copy --quiet "oci:$tmp/oci:$suite-py" \
      "docker-archive:$tmp/$suite-py.docker.tar:$suite-py:latest" >&2
    tar -tvf "$tmp/rootfs.tar" | awk '$NF ~ /^\.\/usr\/bin\/python3\.[0-9]+$/ {sub(".*python", "", $NF); print $NF}' \
      | head -n1 >"$tmp/python-version"
    rm -f "$tmp/rootfs.tar"
    mv "$tmp" "$dir"
    touch "$dir/complete"
    # Drop this suite's outputs from older commands or scripts.
    local old
    for old in "$BASES/$suite-py-"*; do
      if [[ -d $old && ! -L $old && $old != "$dir" ]]; then rm -rf "$old"; fi
    done
    log "$suite base built in $((SECONDS - t0)) s: $dir (python $(cat "$dir/python-version"))"
  fi
  ln -sfn "$(basename "$dir")" "$BASES/$suite-py"
  exec 9>&-
  local up=${suite^^}
  ENV_LINES+=("V2D_BASE_${up}_OCI=$dir/oci" "V2D_BASE_${up}_TAG=$suite-py"
              "V2D_BASE_${up}_ARCHIVE=$dir/$suite-py.docker.tar" "V2D_BASE_${up}_IMAGE=$suite-py:latest"
              "V2D_BASE_${up}_PYTHON=$(cat "$dir/python-version")")
}

ENV_LINES=("V2D_DEBIAN_MIRROR=$MIRROR")
if [[ ${#SUITES[@]} -gt 1 && $REBUILD == 0 ]]; then
  # Build missing suites in parallel (download and dpkg overlap well), then collect.
  pids=()
  for s in "${SUITES[@]}"; do
    [[ -f $BASES/$s-py-$(cache_key "$s")/complete ]] && continue
    ( build_suite "$s" ) & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || exit 1; done
fi
for s in "${SUITES[@]}"; do build_suite "$s"; done
if [[ $PRINT_ENV == 1 ]]; then printf '%s\n' "${ENV_LINES[@]}"; fi
