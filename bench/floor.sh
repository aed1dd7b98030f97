#!/bin/bash
# The floor of a no-change rebuild's walk over TREE on this machine, beside the
# tools that do the same job: bench/walk_floor.c (getdents64 + statx only, on 1
# and 2 threads, plain system calls and io_uring), `git status` over a git index
# of the same tree (untracked cache off and on, fsmonitor off) and `find -printf`.
# Then, with BIN..., each binary's no-change rebuild of TREE onto scratch as
# bench/heavy_rows.sh runs it (one warm cache each, taking turns).
# Not part of the product, nor of bench/run: run by hand, on a machine as quiet
# as can be had.
#
#   bench/floor.sh TREE [BIN...]
#
# Prints one line per measure: the fastest of $ROUNDS wall seconds, with the
# user and system CPU seconds of that run, and the load average before and after.
set -euo pipefail
TREE=${1:?usage: bench/floor.sh TREE [BIN...]}
shift
ROUNDS=${ROUNDS:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${FLOOR_WORK:-/var/tmp/v2d-floor}
mkdir -p "$WORK"

cc -O2 -Wall -pthread -o "$WORK/walk_floor" "$HERE/walk_floor.c" -luring

# A git index of the tree, kept outside it (the tree stays untouched).
GIT=$WORK/git-$(echo "$TREE" | sha256sum | cut -c1-12)
if [ ! -f "$GIT/index" ]; then
  rm -rf "$GIT"
  git init -q --bare "$GIT"
  GIT_DIR=$GIT git config core.bare false
  GIT_DIR=$GIT git config core.fsmonitor false
  GIT_DIR=$GIT GIT_WORK_TREE=$TREE git add -A
  GIT_DIR=$GIT GIT_WORK_TREE=$TREE git -c user.name=floor -c user.email=floor@localhost commit -qm tree
fi

fastest() {  # fastest LABEL COMMAND...: the fastest of $ROUNDS runs
  local label=$1 best="" line
  shift
  for _ in $(seq "$ROUNDS"); do
    /usr/bin/time -o "$WORK/time" -f "%e %U %S" "$@" > /dev/null 2>&1
    line=$(tail -1 "$WORK/time")
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then best=$line; fi
  done
  read -r wall user system <<< "$best"
  printf '%-44s wall %s s  user %s s  sys %s s\n' "$label" "$wall" "$user" "$system"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
find "$TREE" -printf '' # dentries and inodes cached for everyone
for threads in 1 2; do
  for mode in statx uring; do
    fastest "walk_floor $mode, $threads thread(s)" "$WORK/walk_floor" "$TREE" "$threads" 1 "$mode"
  done
done
fastest "walk_floor getdents64 only, 1 thread" "$WORK/walk_floor" "$TREE" 1 1 none
export GIT_DIR=$GIT GIT_WORK_TREE=$TREE
fastest "git status, untracked cache off" git -c core.untrackedCache=false status --porcelain
git -c core.untrackedCache=true status --porcelain > /dev/null  # the cache filled
fastest "git status, untracked cache on" git -c core.untrackedCache=true status --porcelain
unset GIT_DIR GIT_WORK_TREE
fastest "find -printf (size, mtime, ctime, inode)" find "$TREE" -printf '%s %T@ %C@ %i\n'

# Each binary with its own warm cache and output, taking turns.
index=0
for bin in "$@"; do
  index=$((index + 1))
  if [ ! -d "$WORK/cache$index" ]; then
    XDG_CACHE_HOME=$WORK/xdg "$bin" "$TREE" --base scratch --force -n bench -t scale --json \
      --cache-dir "$WORK/cache$index" -o "oci:$WORK/out$index:bench" > /dev/null 2>&1
  fi
done
for _ in 1 2; do
  index=0
  for bin in "$@"; do
    index=$((index + 1))
    fastest "no-change rebuild: $bin" env XDG_CACHE_HOME="$WORK/xdg" "$bin" "$TREE" --base scratch --force \
      -n bench -t scale --json --cache-dir "$WORK/cache$index" -o "oci:$WORK/out$index:bench"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
