# Sourced by bench/run: the registry-cache rows (docs/registry-cache.md). A first CI
# runner (empty HOME and cache: cold build, push, --cache-to) against a fresh runner
# (another empty HOME and cache, --cache-from, the same push), in the same run. Uses
# bench/run's helpers and variables: measured, record, registry_bytes, BLOBS, BIN,
# VENV, PROJECT, WORK and PORT (its registry).

# cache_rows: records cache_first.* and cache_fresh.* (seconds, cpu, max_rss_kb), the
# bytes the fresh runner added to the registry's blob storage, and whether both
# pushed the same manifest.
cache_rows() {
  if [ -z "${PORT:-}" ]; then record cache.note "no registry to push to"; return; fi
  local ref="127.0.0.1:$PORT/bench-cache:main"
  local args=("$VENV" --python-from host --base scratch --project "$PROJECT"
              -n "127.0.0.1:$PORT/bench-cached" -t latest --push --json)
  local runner
  for runner in first fresh; do mkdir -p "$WORK/cache-home-$runner"; done
  echo "bench/run: registry cache, first runner" >&2
  measured cache_first env HOME="$WORK/cache-home-first" XDG_CACHE_HOME="$WORK/cache-home-first/.cache" \
    "$BIN" "${args[@]}" --cache-dir "$WORK/cache-first" --cache-to "$ref" > "$WORK/cache_first.json"
  local before
  before=$(registry_bytes "registry/$BLOBS")
  echo "bench/run: registry cache, fresh runner" >&2
  measured cache_fresh env HOME="$WORK/cache-home-fresh" XDG_CACHE_HOME="$WORK/cache-home-fresh/.cache" \
    "$BIN" "${args[@]}" --cache-dir "$WORK/cache-fresh" --cache-from "$ref" --cache-to "$ref" > "$WORK/cache_fresh.json"
  record cache_fresh.blob_bytes_added $(( $(registry_bytes "registry/$BLOBS") - before ))
  local same
  same=$(/usr/bin/python3 -c "import json, sys; a, b = (json.load(open(f))['manifest_digest'] for f in sys.argv[1:]); print(a == b)" \
         "$WORK/cache_first.json" "$WORK/cache_fresh.json")
  record cache_fresh.same_manifest "$same"
  rm -rf "$WORK/cache-first" "$WORK/cache-fresh" "$WORK/cache-home-first" "$WORK/cache-home-fresh"
}
