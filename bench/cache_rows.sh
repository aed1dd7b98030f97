# Sourced by bench/run (full run, after bench/heavy_rows.sh): the registry-cache rows
# (docs/registry-cache.md). A first CI runner (empty HOME and cache: cold build, push,
# --cache-to) against a fresh runner (another empty HOME and cache, --cache-from, the
# same push), in the same run:
#   cache       --base scratch --python-from host
#   cache_base  the real base from the benchmark's registry ($V2D_BENCH_BASE_REF, which
#               heavy_rows.sh pushes), --force: the venv lacks libraries that base has
#               not, so the checks suggest --apt packages
# Uses bench/run's helpers and variables: measured, record, registry_bytes, BLOBS, BIN,
# VENV, PROJECT, WORK and PORT (its registry).

# cache_pair LABEL BUILD_ARGS...: records LABEL_first.* and LABEL_fresh.* (seconds, cpu,
# max_rss_kb), the bytes the fresh runner added to the registry's blob storage, and
# whether both pushed the same manifest.
cache_pair() {
  local label=$1; shift
  local ref="127.0.0.1:$PORT/bench-$label:main"
  local args=("$VENV" "$@" --project "$PROJECT" -n "127.0.0.1:$PORT/bench-$label-image" -t latest --push --json)
  local runner
  for runner in first fresh; do mkdir -p "$WORK/$label-home-$runner"; done
  echo "bench/run: registry cache ($label), first runner" >&2
  measured "${label}_first" env HOME="$WORK/$label-home-first" XDG_CACHE_HOME="$WORK/$label-home-first/.cache" \
    "$BIN" "${args[@]}" --cache-dir "$WORK/$label-first" --cache-to "$ref" > "$WORK/${label}_first.json"
  local before
  before=$(registry_bytes "registry/$BLOBS")
  echo "bench/run: registry cache ($label), fresh runner" >&2
  measured "${label}_fresh" env HOME="$WORK/$label-home-fresh" XDG_CACHE_HOME="$WORK/$label-home-fresh/.cache" \
    "$BIN" "${args[@]}" --cache-dir "$WORK/$label-fresh" --cache-from "$ref" --cache-to "$ref" \
    > "$WORK/${label}_fresh.json"
  record "${label}_fresh.blob_bytes_added" $(( $(registry_bytes "registry/$BLOBS") - before ))
  local same
  same=$(/usr/bin/python3 -c "import json, sys; a, b = (json.load(open(f))['manifest_digest'] for f in sys.argv[1:]); print(a == b)" \
         "$WORK/${label}_first.json" "$WORK/${label}_fresh.json")
  record "${label}_fresh.same_manifest" "$same"
  rm -rf "$WORK/$label-first" "$WORK/$label-fresh" "$WORK/$label-home-first" "$WORK/$label-home-fresh"
}

cache_rows() {
  if [ -z "${PORT:-}" ]; then record cache.note "no registry to push to"; return; fi
  cache_pair cache --python-from host --base scratch
  if [ -n "${V2D_BENCH_BASE_REF:-}" ]; then
    cache_pair cache_base --base "$V2D_BENCH_BASE_REF" --force
  else
    record cache_base.note "the real base is not in the registry"
  fi
}
