"""What bench/run's reports are made of: its measurements read back, and one row of the
table. Shared by report.py and heavy_report.py."""
import json
import os


def layers(work, label):
    path = os.path.join(work, label + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return [layer["digest"] for layer in json.load(f)["layers"]]


def number(values, key):
    return float(values[key]) if key in values else None


def row(name, value, unit, peer=None, peer_value=None, target=None, met=None, note="", cpu=None, peer_cpu=None,
        base="scratch"):
    """One line of the table. For times, `cpu` and `peer_cpu` are user + system
    seconds: on a shared machine they stay put when the wall time is stretched.
    `base` says what the build was on: "scratch" or "real" (a Debian base image)."""
    ratio = value / peer_value if value is not None and peer_value else None
    return {"name": name, "venv2docker": value, "unit": unit, "cpu": cpu, "peer": peer, "peer_value": peer_value,
            "peer_cpu": peer_cpu, "ratio": round(ratio, 3) if ratio is not None else None, "target": target,
            "met": met, "note": note, "base": base}


def peak_memory_row(name, values, label):
    """The peak RSS of the run `label` (/usr/bin/time's %M, in KiB) against issue 17's
    bound of 150 MB, shown in MiB."""
    rss = number(values, f"{label}.max_rss_kb")
    return row(name, round(rss / 1024, 1) if rss is not None else None, "MiB", target="<= 150 MB (143 MiB)",
               met=rss is not None and rss * 1024 <= 150_000_000)


def measured_runs(values, prefix):
    """The labels of runs prefix1, prefix2, ..., as many as were measured."""
    runs = []
    while f"{prefix}{len(runs) + 1}.seconds" in values:
        runs.append(f"{prefix}{len(runs) + 1}")
    return runs


def fastest(values, prefix):
    """The label of the fastest of runs prefix1, prefix2, ... (as many as were measured),
    and a note listing them all."""
    runs = measured_runs(values, prefix)
    if not runs:
        return None, ""
    best = min(runs, key=lambda r: float(values[f"{r}.seconds"]))
    return best, f"fastest of {len(runs)} (" + ", ".join(values[f"{r}.seconds"] for r in runs) + " s)"
