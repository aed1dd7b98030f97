#!/usr/bin/python3
"""Makes the benchmark's scale fixtures, printed as shell assignments:

--many STATE   V2D_BENCH_MANY_VENV=...: a venv (made by /usr/bin/python3 -m venv) plus one
               distribution of 200,000 small Python files (2,000 packages of 100 modules,
               90 to 600 bytes each, with a pip-style dist-info and RECORD): the file count
               of a large ML venv, made in seconds.
--big STATE    V2D_BENCH_BIG_VENV=...: a venv plus one 1.2 GB file (the host's shared
               libraries concatenated until the size is reached: real machine code, which
               compresses as model weights and big extensions do, not zeros or noise).

Cached under STATE (delete the folder to remake it); a marker says a fixture is whole.
"""
import glob
import os
import shutil
import subprocess
import sys

VERSION = "1"
MANY_PACKAGES, MANY_MODULES = 2000, 100
BIG_BYTES = 1_200_000_000


def new_venv(folder):
    venv = os.path.join(folder, "venv")
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", venv], check=True)
    site = subprocess.run([os.path.join(venv, "bin", "python"), "-c",
                           "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    return venv, site


def make_many(folder):
    venv, site = new_venv(folder)
    listed = []
    for p in range(MANY_PACKAGES):
        package = f"many_files/p{p:04d}"
        os.makedirs(os.path.join(site, package))
        for m in range(MANY_MODULES):
            name = f"{package}/m{m:03d}.py"
            body = f'"""Module {m} of package {p}."""\n\nVALUE = {p * MANY_MODULES + m}\n'
            body += "# padding\n" * ((p * 7 + m * 13) % 55)
            with open(os.path.join(site, name), "w") as f:
                f.write(body)
            listed.append(name)
    dist_info = os.path.join(site, "many_files-1.0.dist-info")
    os.makedirs(dist_info)
    with open(os.path.join(dist_info, "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\nName: many-files\nVersion: 1.0\n")
    with open(os.path.join(dist_info, "RECORD"), "w") as f:
        for name in listed + ["many_files-1.0.dist-info/METADATA"]:
            f.write(f"{name},,\n")
        f.write("many_files-1.0.dist-info/RECORD,,\n")
    return venv


def make_big(folder):
    venv, site = new_venv(folder)
    sources = sorted(p for p in glob.glob("/usr/lib/x86_64-linux-gnu/*.so*")
                     if os.path.isfile(p) and not os.path.islink(p))
    os.makedirs(os.path.join(site, "big_file"))
    written = 0
    with open(os.path.join(site, "big_file", "weights.bin"), "wb") as out:
        while written < BIG_BYTES:
            for source in sources:
                with open(source, "rb") as f:
                    data = f.read(BIG_BYTES - written)
                out.write(data)
                written += len(data)
                if written >= BIG_BYTES:
                    break
    return venv


def main():
    kind = next((a for a in sys.argv[1:] if a in ("--many", "--big")), None)
    state = next((a for a in sys.argv[1:] if not a.startswith("--")), None)
    if not kind or not state:
        sys.exit("usage: scale_fixture.py --many|--big STATE_DIR")
    folder = os.path.join(state, f"scale-{kind[2:]}-v{VERSION}")
    marker = os.path.join(folder, "complete")
    if not os.path.exists(marker):
        # A venv names its own path, so it is made where it stays.
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        (make_many if kind == "--many" else make_big)(folder)
        open(marker, "w").close()
    print(f"V2D_BENCH_{kind[2:].upper()}_VENV={os.path.join(folder, 'venv')}")


if __name__ == "__main__":
    main()
