#!/usr/bin/python3
"""Turns one bench/run's measurements (WORK/results.txt and the builds' --json
reports) into the table it prints and the JSON it writes.

Usage: report.py WORK_DIR JSON_FILE
"""
import json
import os
import sys

from heavy_report import heavy_rows
from report_rows import fastest, layers, number, peak_memory_row, row


def load(work):
    values = {}
    with open(os.path.join(work, "results.txt")) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            values[key] = value
    return values


def rows(work, values):
    out = []
    cold_layers = layers(work, "cold")
    # The whole build against tar | pigz over the same tree (the venv and the
    # host files of the interpreter layer), the fastest of three runs each.
    full_run, full_note = fastest(values, "cold_full")
    tar_full_run, tar_full_note = fastest(values, "tar_pigz_full")
    full, tar_full = number(values, f"{full_run}.seconds"), number(values, f"{tar_full_run}.seconds")
    tree_mb = number(values, "same_tree.bytes")
    layer_count = f"{len(cold_layers)} layers (interpreter, venv split by package, project); " if cold_layers else ""
    out.append(row("cold build to an OCI layout (fresh cache)", full, "s", "tar | pigz -6 over the same tree", tar_full,
                   "<= 0.5 x tar | pigz", full is not None and tar_full is not None and full <= 0.5 * tar_full,
                   layer_count + (f"the same tree: the venv and the interpreter layer's host files, a {tree_mb / 1e6:.0f} MB tar; "
                      if tree_mb else "")
                   + f"{full_note}; tar | pigz {tar_full_note}",
                   number(values, f"{full_run}.cpu"), number(values, f"{tar_full_run}.cpu")))

    # Only the venv and the project: the tree tar | pigz and buildah copy.
    tar_run, tar_note = fastest(values, "tar_pigz")
    tar, tar_cpu = number(values, f"{tar_run}.seconds"), number(values, f"{tar_run}.cpu")
    venv_only_run, venv_only_note = fastest(values, "cold_venv_only")
    venv_only, venv_only_cpu = number(values, f"{venv_only_run}.seconds"), number(values, f"{venv_only_run}.cpu")
    out.append(row("cold build, venv + project only (no --python-from)", venv_only, "s", "tar | pigz -6", tar,
                   "<= 0.5 x tar | pigz", venv_only is not None and tar is not None and venv_only <= 0.5 * tar,
                   f"the venv alone, no interpreter layer; {venv_only_note}; tar | pigz {tar_note}",
                   venv_only_cpu, tar_cpu))
    out.append(row("cold build, venv + project only (no --python-from)", venv_only, "s",
                   "buildah from+copy+commit (vfs)", number(values, "buildah.seconds"), None, None,
                   values.get("buildah.note", ""), venv_only_cpu, number(values, "buildah.cpu")))

    best, runs_note = fastest(values, "unchanged")
    unchanged = number(values, f"{best}.seconds") if best else None
    runs = [f"unchanged{n}" for n in range(1, 4) if f"unchanged{n}.seconds" in values]
    same = all(layers(work, r) == cold_layers for r in runs)
    out.append(row("rebuild, nothing changed", unchanged, "s", target="<= 0.2 s",
                   met=unchanged is not None and unchanged <= 0.2, cpu=number(values, f"{best}.cpu") if best else None,
                   note=(runs_note + "; " if runs else "")
                   + ("same digests as the cold build" if same else "DIGESTS DIFFER from the cold build")))
    out[-1]["same_digests"] = same

    project = number(values, "project_changed.seconds")
    out.append(row("rebuild, one project file changed", project, "s", target="<= 0.3 s",
                   met=project is not None and project <= 0.3, cpu=number(values, "project_changed.cpu")))

    package = number(values, "package_changed.seconds")
    before, after = layers(work, "project_changed"), layers(work, "package_changed")
    changed = sum(1 for a, b in zip(before, after) if a != b) if before and after else None
    out.append(row("rebuild, one package changed", package, "s", target="only that layer rebuilt",
                   met=changed == 1, cpu=number(values, "package_changed.cpu"),
                   note=f"{changed} of {len(after)} layer digests changed ({values.get('package_changed.file', '')})"
                   if changed is not None else ""))
    out[-1]["layers_changed"] = changed

    pushes = (("push_first", "first push"), ("push_unchanged", "second push, nothing changed"),
              ("push_second", "third push (after both changes)"))
    for label, title in pushes:
        if f"{label}.seconds" in values:
            sent, blobs = int(values[f"{label}.bytes"]), int(values[f"{label}.blob_bytes"])
            unchanged, first = label == "push_unchanged", label == "push_first"
            note = f"{sent / 1e6:.1f} MB reached the registry's storage, {blobs} bytes of it in blobs"
            if first:  # beside skopeo copying the same image from the OCI layout to an empty registry
                note += "; venv2docker's time includes the (cached) build" + (
                    "; " + values["skopeo.note"] if "skopeo.note" in values else "")
            out.append(row(title, number(values, f"{label}.seconds"), "s",
                           "skopeo copy oci: -> docker://" if first else None,
                           number(values, "skopeo_push.seconds") if first else None,
                           target="no blob bytes uploaded" if unchanged else None,
                           met=blobs == 0 if unchanged else None, note=note, cpu=number(values, f"{label}.cpu"),
                           peer_cpu=number(values, "skopeo_push.cpu") if first else None))
            out[-1]["registry_bytes"] = sent
            out[-1]["registry_blob_bytes"] = blobs
        else:
            out.append(row(title, None, "s", note="n/a (" + values.get("push.note", "push not available") + ")"))

    out.append(peak_memory_row("peak memory, cold build (max RSS)", values, "cold"))
    return out + heavy_rows(work, values)


def show(value, unit, cpu=None):
    if value is None:
        return "n/a"
    if unit != "s":
        return f"{value:g} {unit}"
    return f"{value:.2f} s" + (f" (cpu {cpu:.2f})" if cpu is not None else "")


def print_table(result):
    m, f = result["machine"], result["fixture"]
    print(f"venv2docker benchmark: {f['files']} files, {f['bytes'] / 1e6:.0f} MB venv"
          f"{' (--small)' if f['small'] else ''}; {m['nproc']} cores, {m['cpu']}, {m['memory_mb']} MB RAM; "
          f"load average {result['load_average']['start']} at the start, {result['load_average']['end']} at the end")
    header = ("measure", "base", "venv2docker", "peer", "peer value", "ratio", "target", "met", "note")
    lines = [header]
    for r in result["rows"]:
        met = "" if r["met"] is None else ("yes" if r["met"] else "NO")
        lines.append((r["name"], r["base"], show(r["venv2docker"], r["unit"], r["cpu"]), r["peer"] or "",
                      show(r["peer_value"], r["unit"], r["peer_cpu"]) if r["peer"] else "",
                      f"{r['ratio']:.2f}" if r["ratio"] is not None else "", r["target"] or "", met, r["note"]))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for i, line in enumerate(lines):
        print(" | ".join(str(cell).ljust(widths[j]) for j, cell in enumerate(line)).rstrip())
        if i == 0:
            print("-+-".join("-" * w for w in widths))


def main():
    work, json_file = sys.argv[1], sys.argv[2]
    values = load(work)
    result = {
        "machine": {"nproc": int(values["machine.nproc"]), "cpu": values["machine.cpu"],
                    "memory_mb": int(values["machine.memory_kb"]) // 1024},
        "fixture": {"files": int(values["fixture.files"]), "bytes": int(values["fixture.bytes"]),
                    "small": values["fixture.small"] == "1"},
        "load_average": {"start": values.get("load_average.start", "?"), "end": values.get("load_average.end", "?")},
        "rows": rows(work, values),
    }
    print_table(result)
    os.makedirs(os.path.dirname(os.path.abspath(json_file)), exist_ok=True)
    with open(json_file, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"\nwritten to {json_file}")


if __name__ == "__main__":
    main()
