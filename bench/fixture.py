#!/usr/bin/python3
"""Makes the benchmark's fixture: a venv (made by /usr/bin/python3 -m venv) and a
small project, printed as shell assignments V2D_BENCH_VENV=... V2D_BENCH_PROJECT=...

--small: the venv as `python3 -m venv` leaves it (pip and setuptools).
default: the venv plus the site-packages of Debian's python3-numpy, python3-scipy,
python3-pandas, python3-matplotlib and the python3-* packages they depend on, each
turned into a pip-style <name>-<version>.dist-info with a RECORD listing the files
that Debian package ships (Debian drops RECORD files; pip always writes them, and
the per-package layer split reads them), then byte-compiled as pip would.

Usage: fixture.py [--small] STATE_DIR   (cached there; delete the folder to remake it)
"""
import email.parser
import os
import shutil
import subprocess
import sys

# Bump when what this script makes changes, so cached fixtures are remade.
VERSION = "2"
ROOTS = ["python3-numpy", "python3-scipy", "python3-pandas", "python3-matplotlib"]
DIST_PACKAGES = "/usr/lib/python3/dist-packages/"
# Build-time helpers scipy's Debian package drags in (and their dependencies):
# left out to keep the fixture near 250 MB and 10,000 files.
SKIP = {"python3-sympy", "python3-pythran"}


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def installed(package):
    p = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return p.returncode == 0 and p.stdout.endswith(" installed")


def python_dependencies(roots):
    """The installed python3-* packages `roots` depend on, roots included."""
    seen, todo = set(), list(roots)
    while todo:
        package = todo.pop()
        if package in seen or package in SKIP or not installed(package):
            continue
        seen.add(package)
        depends = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", package], capture_output=True,
                                 text=True).stdout
        for alternative in depends.split(","):
            name = alternative.split("|")[0].strip().split(" ")[0].split(":")[0]
            if name.startswith("python3-"):
                todo.append(name)
    return sorted(seen)


def shipped_files(package):
    out = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=True).stdout
    return sorted(f[len(DIST_PACKAGES):] for f in out.splitlines()
                  if f.startswith(DIST_PACKAGES) and os.path.isfile(f))


def metadata_folder(files):
    """The package's .dist-info or .egg-info folder (relative), if it ships one."""
    for f in files:
        top = f.split("/")[0]
        if top.endswith((".dist-info", ".egg-info")):
            return top
    return None


def add_package(package, site):
    files = [f for f in shipped_files(package) if f.split("/")[0] != "__pycache__"]
    meta = metadata_folder(files)
    if not files or not meta:
        return 0
    for f in files:
        destination = os.path.join(site, f)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copyfile(DIST_PACKAGES + f, destination)  # follows Debian's links to shared data
        shutil.copymode(DIST_PACKAGES + f, destination)
    # Name the dist-info as pip does, from the metadata's Name and Version.
    meta_path = os.path.join(site, meta)
    if os.path.isfile(meta_path):  # an egg-info file rather than a folder
        os.rename(meta_path, meta_path + ".PKG-INFO")
        os.makedirs(meta_path)
        os.rename(meta_path + ".PKG-INFO", os.path.join(meta_path, "PKG-INFO"))
    pkg_info = os.path.join(meta_path, "PKG-INFO" if meta.endswith(".egg-info") else "METADATA")
    with open(pkg_info, encoding="utf-8", errors="replace") as f:
        headers = email.parser.Parser().parse(f, headersonly=True)
    name = headers["Name"].replace("-", "_").replace(".", "_")
    dist_info = f"{name}-{headers['Version']}.dist-info"
    if meta != dist_info:
        os.rename(meta_path, os.path.join(site, dist_info))
        if meta.endswith(".egg-info"):
            os.rename(os.path.join(site, dist_info, "PKG-INFO"), os.path.join(site, dist_info, "METADATA"))
    listed = [f for f in files if f.split("/")[0] != meta]
    listed += [os.path.join(dist_info, n) for n in sorted(os.listdir(os.path.join(site, dist_info)))]
    with open(os.path.join(site, dist_info, "RECORD"), "w") as f:
        for path in listed:
            f.write(f"{path},,\n")
        f.write(f"{dist_info}/RECORD,,\n")
    with open(os.path.join(site, dist_info, "INSTALLER"), "w") as f:
        f.write("venv2docker-bench\n")
    return len(files)


def make(folder, small):
    venv = os.path.join(folder, "venv")
    project = os.path.join(folder, "project")
    run("/usr/bin/python3", "-m", "venv", venv)
    site = subprocess.run([os.path.join(venv, "bin", "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    if not small:
        missing = [p for p in ROOTS if not installed(p)]
        if missing:
            run("apt-get", "install", "-y", "-q", *missing)
        for package in python_dependencies(ROOTS):
            add_package(package, site)
        # pip byte-compiles what it installs; the .pyc are part of a real venv.
        run(os.path.join(venv, "bin", "python"), "-m", "compileall", "-q", "-j0", site)
    os.makedirs(os.path.join(project, "app"))
    for i in range(20):
        with open(os.path.join(project, "app", f"module{i}.py"), "w") as f:
            f.write(f'"""Module {i} of the benchmark project."""\n\nVALUE = {i}\n')
    with open(os.path.join(project, "main.py"), "w") as f:
        f.write("from app.module0 import VALUE\nprint(VALUE)\n")
    return venv, project


def main():
    small = "--small" in sys.argv[1:]
    state = [a for a in sys.argv[1:] if not a.startswith("--")][0]
    folder = os.path.join(state, f"fixture-{'small' if small else 'full'}-v{VERSION}")
    # A venv names its own path (pyvenv.cfg, scripts), so it is made where it
    # stays; the marker says it was finished.
    marker = os.path.join(folder, "complete")
    if not os.path.exists(marker):
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        make(folder, small)
        open(marker, "w").close()
    print(f"V2D_BENCH_VENV={os.path.join(folder, 'venv')}")
    print(f"V2D_BENCH_PROJECT={os.path.join(folder, 'project')}")


if __name__ == "__main__":
    main()
