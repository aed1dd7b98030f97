#!/bin/bash
# Makes the benchmark's real base image and prints where it is, as shell assignments
# V2D_BENCH_BASE_OCI=DIR V2D_BENCH_BASE_TAG=TAG:
#   mmdebstrap bookworm (minbase) with Debian's python3-numpy, python3-scipy, python3-pandas
#   and python3-matplotlib (and what they depend on), from the Debian mirror apt uses
#   -> tests/integration/rootfs_to_oci.py: one gzip layer (level 6), an OCI layout.
# A base as users have it: a distribution's Python with the scientific stack, files
# unpacked as dpkg leaves them (no path-exclude trimming).
#
# Cached under STATE/real-base-<key>, the key a hash of the mmdebstrap command, the
# mirror and rootfs_to_oci.py, so a rerun takes no time and a change to any rebuilds it
# (delete the folder to remake it from a newer mirror). Concurrent runs serialise on a lock.
#
# Usage: bench/real_base.sh STATE_DIR
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
STATE=${1:?usage: real_base.sh STATE_DIR}
TAG=bookworm-sci
PACKAGES=python3,python3-numpy,python3-scipy,python3-pandas,python3-matplotlib
MIRROR=$("$REPO/tests/integration/make-bases.sh" --print-mirror)
command -v mmdebstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q mmdebstrap >&2

mmdebstrap_cmd=(mmdebstrap --variant=minbase "--include=$PACKAGES" --skip=output/dev bookworm OUT "$MIRROR")
key=$({ printf '%s\0' "${mmdebstrap_cmd[@]}"; sha256sum < "$REPO/tests/integration/rootfs_to_oci.py"; echo format-1; } \
      | sha256sum | cut -c1-16)
DIR=$STATE/real-base-$key
mkdir -p "$STATE"
exec 9> "$DIR.lock"
flock 9
if [ ! -e "$DIR/complete" ]; then
  rm -rf "$DIR"
  mkdir -p "$DIR"
  echo "bench/real_base.sh: building the real base (mmdebstrap bookworm + $PACKAGES; a few minutes)" >&2
  cmd=("${mmdebstrap_cmd[@]}")
  cmd[${#cmd[@]}-2]=$DIR/rootfs.tar
  if ! "${cmd[@]}" < /dev/null > "$DIR/mmdebstrap.log" 2>&1; then
    cat "$DIR/mmdebstrap.log" >&2
    echo "bench/real_base.sh: mmdebstrap failed (its log is above)" >&2
    exit 1
  fi
  SOURCE_DATE_EPOCH=0 /usr/bin/python3 "$REPO/tests/integration/rootfs_to_oci.py" "$DIR/rootfs.tar" "$DIR/oci" \
    --tag "$TAG" --created-by "mmdebstrap --variant=minbase --include=$PACKAGES bookworm" > "$DIR/oci.json"
  rm -f "$DIR/rootfs.tar"
  touch "$DIR/complete"
fi
echo "V2D_BENCH_BASE_OCI=$DIR/oci"
echo "V2D_BENCH_BASE_TAG=$TAG"
