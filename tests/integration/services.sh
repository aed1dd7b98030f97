#!/bin/bash
# Start, stop or describe the services the integration tests need, all on loopback and
# all under one private state folder ($V2D_TEST_STATE, default /tmp/v2d-test-state):
#   - Debian's dockerd (vfs, no iptables, no bridge, private socket/data root/exec root)
#   - Debian's docker-registry (reference registry 2.8, plain HTTP, a free port)
#
# usage: services.sh start|stop|status|env
#   start   start both (reusing them when already up and healthy), write $STATE/env,
#           print it as `export K=V` lines. Exits non-zero with the service's log when a
#           service does not come up: tests must never pass by skipping a service.
#   stop    stop both by their pid files (never by name), unmount and delete their state.
#   status  exit 0 when both answer.
#   env     print `export K=V` lines from $STATE/env (exit 1 when not started).
# The env: DOCKER_HOST=unix://$STATE/docker.sock, V2D_TEST_REGISTRY=127.0.0.1:PORT,
#          V2D_TEST_STATE=$STATE.
set -euo pipefail

STATE=${V2D_TEST_STATE:-/tmp/v2d-test-state}
mkdir -p "$STATE"
STATE=$(cd "$STATE" && pwd -P)
DOCKER_DIR=$STATE/dockerd
REG_DIR=$STATE/registry
SOCK=$STATE/docker.sock
ENV_FILE=$STATE/env
PY=/usr/bin/python3

log() { echo "services: $*" >&2; }

# Run "$@" detached: own session, stdin from /dev/null, output to $LOG, and every
# inherited descriptor above 2 closed (lock files, pipes of whoever runs us), so the
# daemon never holds a caller's pipe or lock open. Prints the daemon's pid.
spawn() {
  local logf=$1; shift
  (
    for fd in "/proc/$BASHPID/fd"/*; do
      fd=${fd##*/}
      if [[ $fd -gt 2 ]]; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid "$@" </dev/null >"$logf" 2>&1
  ) &
  echo $!
}

# True when pid in FILE is alive and its command line mentions our state folder
# (so a recycled pid of some unrelated process is never signalled).
ours_alive() {
  local pid
  [[ -s $1 ]] || return 1
  pid=$(<"$1")
  [[ $pid =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' </proc/"$pid"/cmdline | grep -qF "$STATE"
}

docker_ok() { DOCKER_HOST=unix://$SOCK timeout 10 docker info >/dev/null 2>&1; }

registry_ok() {
  local port=$1
  $PY - "$port" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/v2/", timeout=3) as r:
    sys.exit(0 if r.status == 200 else 1)
PY
}

free_port() {
  $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

fail_with_log() {
  log "$1; last lines of $2:"
  tail -n 60 "$2" >&2 || true
  exit 1
}

start_dockerd() {
  if ours_alive "$DOCKER_DIR/pid" && docker_ok; then log "dockerd already running"; return; fi
  stop_dockerd
  command -v dockerd >/dev/null || { log "dockerd not installed (apt-get install -y docker.io)"; exit 1; }
  mkdir -p "$DOCKER_DIR/root" "$DOCKER_DIR/exec"
  echo '{}' >"$DOCKER_DIR/daemon.json"   # ignore any host /etc/docker/daemon.json
  local pid t
  # --containerd-namespace keeps us apart from a system dockerd sharing a system containerd.
  # vfs, not overlay2 (which would be faster): overlay2 unpacks a layer on its own, so it
  # refuses a layer holding a hard link to a file of a lower layer (as rules_docker's
  # build_tar.py writes them), which the corpus's gnu-tar base has on purpose.
  pid=$(spawn "$DOCKER_DIR/log" dockerd --config-file="$DOCKER_DIR/daemon.json" \
    --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    --data-root="$DOCKER_DIR/root" --exec-root="$DOCKER_DIR/exec" \
    --containerd-namespace=v2d-test --containerd-plugins-namespace=v2d-test-plugins \
    -H "unix://$SOCK" --pidfile="$DOCKER_DIR/pid")
  echo "$pid" >"$DOCKER_DIR/spawn.pid"
  for ((t = 0; t < 120; t++)); do
    if docker_ok; then log "dockerd up (pid $pid) after $((t / 2)) s"; return; fi
    kill -0 "$pid" 2>/dev/null || fail_with_log "dockerd exited during start-up" "$DOCKER_DIR/log"
    sleep 0.5
  done
  fail_with_log "dockerd did not answer 'docker info' within 60 s" "$DOCKER_DIR/log"
}

start_registry() {
  if ours_alive "$REG_DIR/pid" && [[ -s $REG_DIR/port ]] && registry_ok "$(<"$REG_DIR/port")"; then
    log "registry already running"; return
  fi
  stop_registry
  command -v docker-registry >/dev/null || { log "docker-registry not installed (apt-get install -y docker-registry)"; exit 1; }
  mkdir -p "$REG_DIR/storage"
  local port pid t
  for _ in 1 2 3; do
    port=$(free_port)
    cat >"$REG_DIR/config.yml" <<YML
version: 0.1
log: {level: info}
storage: {filesystem: {rootdirectory: $REG_DIR/storage}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port, secret: v2d-test-only}
YML
    pid=$(spawn "$REG_DIR/log" docker-registry serve "$REG_DIR/config.yml")
    echo "$pid" >"$REG_DIR/pid"
    echo "$port" >"$REG_DIR/port"
    for ((t = 0; t < 60; t++)); do
      if registry_ok "$port"; then log "registry up on 127.0.0.1:$port (pid $pid)"; return; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then stop_registry; fail_with_log "registry did not answer on 127.0.0.1:$port within 30 s" "$REG_DIR/log"; fi
    grep -q 'address already in use' "$REG_DIR/log" || fail_with_log "registry exited during start-up" "$REG_DIR/log"
    log "port $port was taken, retrying"
  done
  fail_with_log "registry could not bind a free port" "$REG_DIR/log"
}

# Signal the pid in FILE (if ours), wait up to $2 seconds, then SIGKILL.
stop_pidfile() {
  local file=$1 grace=$2 pid t
  ours_alive "$file" || return 0
  pid=$(<"$file")
  kill -TERM "$pid" 2>/dev/null || true
  for ((t = 0; t < grace * 4; t++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  log "pid $pid ignored SIGTERM for $grace s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.5
}

unmount_under() {
  local m
  # Deepest first; lazy so a busy netns file does not block the rest.
  awk -v p="$1/" 'index($2, p) == 1 {print $2}' /proc/self/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
}

stop_dockerd() {
  if ours_alive "$DOCKER_DIR/pid" && docker_ok; then
    # Containers left by an interrupted test would each cost dockerd's 10 s stop timeout.
    local left
    left=$(DOCKER_HOST=unix://$SOCK timeout 20 docker ps -aq 2>/dev/null || true)
    if [[ -n $left ]]; then
      # shellcheck disable=SC2086
      DOCKER_HOST=unix://$SOCK timeout 60 docker rm -f $left >/dev/null 2>&1 || true
    fi
  fi
  stop_pidfile "$DOCKER_DIR/pid" 30
  stop_pidfile "$DOCKER_DIR/spawn.pid" 5
  # dockerd starts its own containerd under the exec root; it normally stops it, make sure.
  stop_pidfile "$DOCKER_DIR/exec/containerd/containerd.pid" 10
  if [[ -d $DOCKER_DIR ]]; then
    unmount_under "$DOCKER_DIR"
    rm -rf "$DOCKER_DIR"
  fi
  rm -f "$SOCK"
}

stop_registry() {
  stop_pidfile "$REG_DIR/pid" 10
  rm -rf "$REG_DIR"
}

write_env() {
  cat >"$ENV_FILE.tmp" <<ENV
DOCKER_HOST=unix://$SOCK
V2D_TEST_REGISTRY=127.0.0.1:$(<"$REG_DIR/port")
V2D_TEST_STATE=$STATE
ENV
  mv "$ENV_FILE.tmp" "$ENV_FILE"
}

print_env() {
  [[ -s $ENV_FILE ]] || { log "services not started (no $ENV_FILE)"; exit 1; }
  sed 's/^/export /' "$ENV_FILE"
}

case ${1:-} in
  start)
    start_dockerd
    start_registry
    write_env
    print_env
    ;;
  stop)
    rm -f "$ENV_FILE"
    stop_registry
    stop_dockerd
    log "stopped in $SECONDS s"
    ;;
  status)
    ours_alive "$DOCKER_DIR/pid" && docker_ok && [[ -s $REG_DIR/port ]] && registry_ok "$(<"$REG_DIR/port")"
    ;;
  env) print_env ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
