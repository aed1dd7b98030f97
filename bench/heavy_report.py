"""The rows of bench/heavy_rows.sh and bench/cache_rows.sh (the full run only): on a real
base, at scale on --base scratch, and a fresh CI runner against the first. Used by
report.py; each row is timed against its peer in the same run."""
from report_rows import fastest, layers, measured_runs, number, peak_memory_row, row


def real_base_rows(work, values):
    out = []
    layer_mb, tar_mb = number(values, "real_base.layer_bytes"), number(values, "real_base.tar_bytes")
    base = (f"bookworm + Debian's numpy, scipy, pandas, matplotlib: one gzip layer of {layer_mb / 1e6:.0f} MB, "
            f"{tar_mb / 1e6:.0f} MB unpacked" if layer_mb and tar_mb else "")
    cold_run, cold_note = fastest(values, "real_cold")
    tar_run, tar_note = fastest(values, "real_tar_pigz")
    cold, tar = number(values, f"{cold_run}.seconds"), number(values, f"{tar_run}.seconds")
    out.append(row("real base: cold build, base from an OCI layout (fresh cache)", cold, "s",
                   "tar | pigz -6 | sha256sum of the venv", tar, "<= 1.0 x (stretch 0.7 x)",
                   cold is not None and tar is not None and cold <= tar,
                   f"{base}; {cold_note}; tar | pigz {tar_note}"
                   + (f"; {values['real_base.note']}" if "real_base.note" in values else ""),
                   number(values, f"{cold_run}.cpu"),
                   number(values, f"{tar_run}.cpu"), base="real"))
    out.append(row("real base: cold build, base from an OCI layout (fresh cache)", cold, "s",
                   "buildah from the OCI layout + copy + commit (vfs)", number(values, "real_buildah.seconds"),
                   note=values.get("real_buildah.note", ""), cpu=number(values, f"{cold_run}.cpu"),
                   peer_cpu=number(values, "real_buildah.cpu"), base="real"))

    check_run, check_note = fastest(values, "real_check")
    dc_run, dc_note = fastest(values, "real_pigz_dc")
    check, dc = number(values, f"{check_run}.seconds"), number(values, f"{dc_run}.seconds")
    check_thread = number(values, "real_check_threads.busiest_thread_cpu")
    dc_thread = number(values, "real_pigz_dc_threads.busiest_thread_cpu")
    threads_note = (f"; busiest thread {check_thread:.2f} s cpu vs pigz -dc's {dc_thread:.2f} s "
                    f"({check_thread / dc_thread:.2f} x)" if check_thread and dc_thread else "")
    out.append(row("real base: read for the checks (--check, fresh cache)", check, "s", "pigz -dc of its layer", dc,
                   "<= 0.5 x", check is not None and dc is not None and check <= 0.5 * dc,
                   f"{check_note}; pigz -dc {dc_note}{threads_note}", number(values, f"{check_run}.cpu"),
                   number(values, f"{dc_run}.cpu"), base="real"))

    best, runs_note = fastest(values, "real_unchanged")
    unchanged = number(values, f"{best}.seconds")
    same = layers(work, best) == layers(work, cold_run) if best and cold_run else None
    out.append(row("real base: rebuild, nothing changed", unchanged, "s", target="<= 0.15 s (stretch 0.08 s)",
                   met=unchanged is not None and unchanged <= 0.15, cpu=number(values, f"{best}.cpu"),
                   note=runs_note + ("; same digests as the cold build" if same else
                                     "; DIGESTS DIFFER from the cold build" if same is False else ""), base="real"))
    project = number(values, "real_project_changed.seconds")
    out.append(row("real base: rebuild, one project file changed", project, "s", target="<= 0.2 s",
                   met=project is not None and project <= 0.2, cpu=number(values, "real_project_changed.cpu"),
                   base="real"))
    return out


def scale_rows(work, values):
    out = []
    files = values.get("many.files", "?")
    cold_run, cold_note = fastest(values, "many_cold")
    tar_run, tar_note = fastest(values, "many_tar_pigz")
    cold, tar = number(values, f"{cold_run}.seconds"), number(values, f"{tar_run}.seconds")
    out.append(row("200k small files: cold build (fresh cache)", cold, "s", "tar | pigz -6 | sha256sum of the venv",
                   tar, "<= 1.0 x", cold is not None and tar is not None and cold <= tar,
                   f"{files} files, --base scratch; {cold_note}; tar | pigz {tar_note}",
                   number(values, f"{cold_run}.cpu"), number(values, f"{tar_run}.cpu"), base="scratch"))
    best, runs_note = fastest(values, "many_unchanged")
    unchanged = number(values, f"{best}.seconds")
    out.append(row("200k small files: rebuild, nothing changed", unchanged, "s", target="<= 0.3 s",
                   met=unchanged is not None and unchanged <= 0.3, cpu=number(values, f"{best}.cpu"),
                   note=runs_note, base="scratch"))
    # The largest of the cold builds' peaks: the bound holds for every run, not only the fastest.
    runs = [label for label in measured_runs(values, "many_cold") if f"{label}.max_rss_kb" in values]
    peak = max(runs, key=lambda label: float(values[f"{label}.max_rss_kb"]), default="many_cold1")
    out.append(peak_memory_row("200k small files: peak memory, cold build (max RSS)", values, peak))

    big_bytes = number(values, "big.bytes")
    cold, tar = number(values, "big_cold.seconds"), number(values, "big_tar_pigz.seconds")
    rss = number(values, "big_cold.max_rss_kb")
    out.append(row("one 1.2 GB file: cold build (fresh cache)", cold, "s", "tar | pigz -6 | sha256sum of the venv",
                   tar, "keep below 1.0 x", cold is not None and tar is not None and cold < tar,
                   (f"a {big_bytes / 1e9:.2f} GB venv, " if big_bytes else "") + "--base scratch"
                   + (f"; peak RSS {rss / 1024:.0f} MiB" if rss else ""), number(values, "big_cold.cpu"),
                   number(values, "big_tar_pigz.cpu"), base="scratch"))
    return out


def cache_rows(values):
    """A fresh CI runner (--cache-from) against the first runner (bench/cache_rows.sh)."""
    out = []
    for label, title, base in (("cache", "--base scratch --python-from host", "scratch"),
                               ("cache_base", "the real base from the registry", "real")):
        first, fresh = number(values, f"{label}_first.seconds"), number(values, f"{label}_fresh.seconds")
        if fresh is None:
            out.append(row(f"fresh CI runner (--cache-from), {title}", None, "s",
                           note="n/a (" + values.get(f"{label}.note", values.get("cache.note", "not measured")) + ")",
                           base=base))
            continue
        added = number(values, f"{label}_fresh.blob_bytes_added")
        same = values.get(f"{label}_fresh.same_manifest") == "True"
        note = (f"{added / 1e3:.0f} kB of blobs added to the registry by the fresh runner" if added is not None else "")
        note += "; the same manifest as the first runner" if same else "; A DIFFERENT MANIFEST from the first runner"
        out.append(row(f"fresh CI runner (--cache-from), {title}", fresh, "s", "the first runner (cold, --cache-to)",
                       first, "<= 0.15 x", first is not None and fresh <= 0.15 * first and same, note,
                       number(values, f"{label}_fresh.cpu"), number(values, f"{label}_first.cpu"), base=base))
    return out


def heavy_rows(work, values):
    """The real-base, scale and registry-cache rows, when this run measured them (not --small)."""
    if "real_cold1.seconds" not in values and "many_cold1.seconds" not in values:
        return []
    return real_base_rows(work, values) + scale_rows(work, values) + cache_rows(values)
