# Sourced by bench/run in the full run only (not --small): the rows on a real base and
# at scale, each timed against its peer in the same run. Uses bench/run's measured,
# record, start_registry, $BIN, $VENV, $PROJECT, $WORK, $STATE, $HERE and $PORT (the
# benchmark's registry, when it runs).
#
#   real base (bench/real_base.sh: mmdebstrap bookworm + Debian's numpy, scipy, pandas,
#   matplotlib; one gzip layer; an OCI layout, also pushed to the benchmark's registry):
#     cold build, base from the OCI layout    vs  tar | pigz -6 | sha256sum of the venv
#     base read (--check, fresh cache)        vs  pigz -dc of its layer (and, with perf, the
#                                                 busiest thread of each)
#     rebuild, nothing changed / one project file changed
#     cold build                              vs  buildah from the OCI layout + copy + commit
#   scale, on --base scratch (bench/scale_fixture.py):
#     200,000 small files, cold (taking turns) vs  tar | pigz -6; its no-change rebuild and peak RSS
#     one 1.2 GB file, cold                   vs  tar | pigz -6

# How many times each cold row and its peer take turns (the fastest of each is shown).
RUNS=${V2D_BENCH_HEAVY_RUNS:-3}

# The peer of a cold build: the venv's tar compressed and hashed (bash -c "$PIGZ_VENV" bash VENV).
PIGZ_VENV='tar -C "$1" -cf - . | pigz -p"$(nproc)" -6 | sha256sum > /dev/null'

# Before each cold turn: what earlier rows wrote and deleted (buildah's gigabytes among
# them) reaches the disk first, so its writeback is not charged to whichever command
# next calls fsync (a build storing its layers does; tar | pigz does not).
settle_disk() { sync; }

echo "bench/run: preparing the real base (cached under $STATE)" >&2
eval "$("$HERE/real_base.sh" "$STATE")"
REAL_BASE="oci:$V2D_BENCH_BASE_OCI:$V2D_BENCH_BASE_TAG"
REAL_LAYER=$V2D_BENCH_BASE_OCI/blobs/sha256/$(/usr/bin/python3 -c '
import json, sys
layout = sys.argv[1]
index = json.load(open(layout + "/index.json"))
manifest = json.load(open(layout + "/blobs/sha256/" + index["manifests"][0]["digest"].split(":")[1]))
print(manifest["layers"][0]["digest"].split(":")[1])' "$V2D_BENCH_BASE_OCI")
record real_base.layer_bytes "$(stat -c %s "$REAL_LAYER")"
record real_base.tar_bytes "$(pigz -dc "$REAL_LAYER" | wc -c)"
if [ -n "$PORT" ] && command -v skopeo >/dev/null; then
  # The same base in the benchmark's registry, for rows that pull it (bench/cache_rows.sh).
  V2D_BENCH_BASE_REF=127.0.0.1:$PORT/real-base:$V2D_BENCH_BASE_TAG
  skopeo copy --quiet --dest-tls-verify=false "$REAL_BASE" "docker://$V2D_BENCH_BASE_REF" >&2 ||
    { record real_base.note "skopeo could not push the base: the registry rows are n/a"; V2D_BENCH_BASE_REF=""; }
fi
# Page cache warm for everyone: the layer and the venv.
cat "$REAL_LAYER" > /dev/null
tar -C "$VENV" -cf - . > /dev/null

real_build() {  # real_build LABEL CACHE [extra args...]: one build onto the real base
  local label=$1 cache=$2; shift 2
  measured "$label" env XDG_CACHE_HOME="$WORK/xdg" "$BIN" "$VENV" -b "$REAL_BASE" --project "$PROJECT" \
    -n bench -t real --json --cache-dir "$cache" "$@" > "$WORK/$label.json"
}

for run in $(seq "$RUNS"); do
  echo "bench/run: real base: cold build ($run of $RUNS)" >&2
  rm -rf "$WORK/real-cache" "$WORK/real-out"
  settle_disk
  real_build "real_cold$run" "$WORK/real-cache" -o "oci:$WORK/real-out:bench"
  echo "bench/run: real base: tar | pigz of the venv ($run of $RUNS)" >&2
  measured "real_tar_pigz$run" bash -c "$PIGZ_VENV" bash "$VENV"
done
# The last cold build's cache and output stay for the rebuilds.

for run in $(seq "$RUNS"); do
  echo "bench/run: real base: --check with a fresh cache ($run of $RUNS)" >&2
  rm -rf "$WORK/real-check-cache"
  # --check exits 1 when a check fails; either way it has read the base.
  measured "real_check$run" bash -c '"$@" > /dev/null 2>&1 || [ $? = 1 ]' bash \
    env XDG_CACHE_HOME="$WORK/xdg" "$BIN" "$VENV" -b "$REAL_BASE" --check --cache-dir "$WORK/real-check-cache"
  echo "bench/run: real base: pigz -dc of its layer ($run of $RUNS)" >&2
  measured "real_pigz_dc$run" bash -c 'pigz -dc "$1" > /dev/null' bash "$REAL_LAYER"
done
# The busiest thread's CPU seconds (perf: one sample per CPU millisecond, per thread) of
# one more run of each: the thread that bounds the wall time on an idle machine, which a
# loaded one stretches least (the check reads on two threads, pigz -dc inflates on one).
busiest_thread() {  # busiest_thread LABEL CMD...
  local label=$1 samples; shift
  perf record -q -F 1000 -o "$WORK/$label.perf" "$@" > /dev/null 2>&1 || true
  samples=$(perf report -i "$WORK/$label.perf" --sort pid --stdio -g none -n 2>/dev/null |
            awk '/^ +[0-9.]+%/ {print $2; exit}') || true
  if [ -n "$samples" ]; then
    record "$label.busiest_thread_cpu" "$(awk -v s="$samples" 'BEGIN {print s / 1000}')"
  fi
  rm -f "$WORK/$label.perf"
}
if command -v perf >/dev/null; then
  echo "bench/run: real base: --check and pigz -dc, busiest thread (perf)" >&2
  rm -rf "$WORK/real-check-cache"
  busiest_thread real_check_threads env XDG_CACHE_HOME="$WORK/xdg" "$BIN" "$VENV" -b "$REAL_BASE" --check \
    --cache-dir "$WORK/real-check-cache"
  busiest_thread real_pigz_dc_threads pigz -dc "$REAL_LAYER"
fi
rm -rf "$WORK/real-check-cache"

echo "bench/run: real base: rebuilds" >&2
for run in 1 2 3; do real_build "real_unchanged$run" "$WORK/real-cache" -o "oci:$WORK/real-out:bench"; done
sleep 2.1  # the last edit settles (see docs/images.md), as in the rows above
echo "# changed by bench/run (real base)" >> "$PROJECT/app/module1.py"
real_build real_project_changed "$WORK/real-cache" -o "oci:$WORK/real-out:bench"

echo "bench/run: real base: buildah" >&2
if command -v buildah >/dev/null; then
  BUILDAH_REAL="buildah --root $WORK/buildah-real/root --runroot $WORK/buildah-real/run --storage-driver vfs"
  if ! measured real_buildah bash -c '
      set -e
      container=$($1 from "$2")
      $1 copy "$container" "$3" /opt/venv > /dev/null
      $1 commit "$container" bench-buildah-real > /dev/null' bash "$BUILDAH_REAL" "$REAL_BASE" "$VENV" \
      2> "$WORK/buildah-real.log"; then
    sed -i '/^real_buildah\./d' "$RESULTS"
    record real_buildah.note "buildah failed: $(tail -1 "$WORK/buildah-real.log")"
  fi
  $BUILDAH_REAL rm --all > /dev/null 2>&1 || true
  $BUILDAH_REAL rmi --all --force > /dev/null 2>&1 || true
  rm -rf "$WORK/buildah-real"
else
  record real_buildah.note "buildah not installed"
fi
rm -rf "$WORK/real-cache" "$WORK/real-out"

# Scale, on --base scratch (--force: a scratch base has no Python, a warning then).
scale_build() {  # scale_build LABEL VENV CACHE: one build of VENV alone onto scratch
  measured "$1" env XDG_CACHE_HOME="$WORK/xdg" "$BIN" "$2" --base scratch --force -n bench -t scale --json \
    --cache-dir "$3" -o "oci:$WORK/scale-out:bench" > "$WORK/$1.json" 2> /dev/null
}
echo "bench/run: preparing the scale fixtures (cached under $STATE)" >&2
eval "$(/usr/bin/python3 "$HERE/scale_fixture.py" --many "$STATE")"
eval "$(/usr/bin/python3 "$HERE/scale_fixture.py" --big "$STATE")"
record many.files "$(find "$V2D_BENCH_MANY_VENV" -type f | wc -l)"
record big.bytes "$(du -sb "$V2D_BENCH_BIG_VENV" | cut -f1)"

echo "bench/run: 200,000 small files" >&2
tar -C "$V2D_BENCH_MANY_VENV" -cf - . > /dev/null
for run in $(seq "$RUNS"); do
  echo "bench/run: 200,000 small files: cold build and tar | pigz ($run of $RUNS)" >&2
  rm -rf "$WORK/many-cache" "$WORK/scale-out"
  settle_disk
  scale_build "many_cold$run" "$V2D_BENCH_MANY_VENV" "$WORK/many-cache"
  measured "many_tar_pigz$run" bash -c "$PIGZ_VENV" bash "$V2D_BENCH_MANY_VENV"
done
# The last cold build's cache stays for the rebuilds.
settle_disk
for run in 1 2 3; do scale_build "many_unchanged$run" "$V2D_BENCH_MANY_VENV" "$WORK/many-cache"; done
rm -rf "$WORK/many-cache" "$WORK/scale-out"

echo "bench/run: one 1.2 GB file" >&2
tar -C "$V2D_BENCH_BIG_VENV" -cf - . > /dev/null
settle_disk
scale_build big_cold "$V2D_BENCH_BIG_VENV" "$WORK/big-cache"
measured big_tar_pigz bash -c "$PIGZ_VENV" bash "$V2D_BENCH_BIG_VENV"
rm -rf "$WORK/big-cache" "$WORK/scale-out"
