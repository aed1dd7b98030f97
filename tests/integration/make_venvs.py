#!/usr/bin/python3
"""Build the virtualenv fixtures for the integration tests, offline, with real tools.

usage: make_venvs.py [--out DIR] [--rebuild] [--print-env]

Into DIR (default $V2D_TEST_STATE/fixtures-<key>, key = hash of the fixture sources,
this script and the host Python version; state default /tmp/v2d-test-state):
  src/hello/        copy of fixtures/hello (console script `hello` + C extension)
  project/          copy of fixtures/project (app.py, package `greet`, .dockerignore)
                    plus generated files its .dockerignore must exclude
                    (secret.txt, debug.log, data/cache.tmp) and one it must keep
                    (data/keep.txt)
  venvs/demo/       /usr/bin/python3 -m venv; pip, setuptools, wheel from
                    /usr/share/python-wheels; hello (regular install, built here);
                    greet (editable, PEP 660, from project/)
  workon/wrapped/   virtualenvwrapper-style venv ($WORKON_HOME/wrapped) with greet
                    editable and a .project file naming project/
  venvs/awkward/    /usr/bin/python3 -m venv --without-pip; hello installed from a wheel
                    (built by the demo venv's pip, installed with pip --python) and
                    site-packages/awkward_names/ (awkward_names.py: NFC, NFD, CJK and
                    emoji names, a Latin-1 name, a 240-byte name, a deep path, hard
                    links, non-ASCII symlink targets)
  awkward-project/  app.py and the same awkward names
  venvs/sci/        /usr/bin/python3 -m venv --without-pip, with Debian's numpy
                    (python3-numpy: /usr/lib/python3/dist-packages/numpy and its
                    .egg-info, without its tests) copied into site-packages; its extensions need
                    libblas.so.3 and liblapack.so.3 (checked with readelf), which the
                    minbase base lacks (the --apt tests)
Everything is copied out of the source tree first, so builds never write into the repo.
Cached: a complete DIR is reused. Concurrent runs serialise on DIR.lock.
--print-env prints KEY=VALUE lines (V2D_VENV_DEMO, V2D_PROJECT, V2D_WORKON_HOME, ...).
Exit non-zero, with the failing command's output, when any step fails.
"""
import argparse
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree from the import below
import awkward_names  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
HOST_PYTHON = "/usr/bin/python3"  # Debian's, never a pyenv shim from PATH
WHEELS = "/usr/share/python-wheels"
DIST_PACKAGES = "/usr/lib/python3/dist-packages"
# Debian's numpy extensions and the BLAS/LAPACK libraries each must link.
NUMPY_NEEDS = {"core/_multiarray_umath": "libblas.so.3", "linalg/_umath_linalg": "liblapack.so.3"}
FORMAT = "venvs-1"


def fixture_key():
    h = hashlib.sha256(FORMAT.encode())
    for source in (os.path.abspath(__file__), os.path.abspath(awkward_names.__file__)):
        with open(source, "rb") as f:
            h.update(f.read())
    for root, dirs, files in os.walk(FIXTURES):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            h.update(os.path.relpath(path, FIXTURES).encode() + b"\0")
            with open(path, "rb") as f:
                h.update(f.read())
    version = subprocess.run([HOST_PYTHON, "-c", "import sys; print(sys.version)"],
                             capture_output=True, text=True, check=True).stdout
    h.update(version.encode())
    return h.hexdigest()[:16]


def clean_env():
    """The environment for venv/pip: nothing from an active venv, pyenv or pip config."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "PIP_", "PYENV")) and k not in ("VIRTUAL_ENV", "WORKON_HOME")}
    env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PIP_NO_CACHE_DIR="1",
               PIP_CONFIG_FILE=os.devnull)
    return env


def run(cmd, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, env=clean_env(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stdout)
        sys.exit(f"make_venvs.py: command failed ({p.returncode}): {' '.join(cmd)}")
    return p.stdout


def pip_of(venv):
    return os.path.join(venv, "bin", "pip")


def make_venv(path):
    run([HOST_PYTHON, "-m", "venv", path])
    pip = pip_of(path)
    run([pip, "install", "--no-index", "--find-links", WHEELS, "wheel"])
    return pip


def needed_libraries(path):
    """DT_NEEDED entries of an ELF file, read with readelf."""
    return [line.split("[", 1)[1].rstrip("]") for line in run(["readelf", "-d", path]).splitlines()
            if "(NEEDED)" in line]


def copy_debian_numpy(dest):
    """Copy Debian's numpy (the package and its .egg-info, without its tests) into the
    folder `dest`; returns the names copied."""
    names = [n for n in os.listdir(DIST_PACKAGES) if n == "numpy" or (n.startswith("numpy-") and n.endswith(("-info")))]
    if "numpy" not in names or len(names) < 2:
        sys.exit(f"make_venvs.py: Debian's numpy is not in {DIST_PACKAGES} (install python3-numpy)")
    for name in names:
        # numpy's own test suites (15 MB) are left out: vfs copies every layer per container.
        shutil.copytree(os.path.join(DIST_PACKAGES, name), os.path.join(dest, name), symlinks=True,
                        ignore=shutil.ignore_patterns("tests"))
    return names


def site_packages(venv):
    """The venv's site-packages folder, as its own Python names it."""
    return run([os.path.join(venv, "bin", "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).strip()


def make_sci_venv(path):
    """A venv with Debian's numpy copied in (no pip: nothing is installed from an index)."""
    run([HOST_PYTHON, "-m", "venv", "--without-pip", path])
    site = site_packages(path)
    copy_debian_numpy(site)
    for stem, lib in NUMPY_NEEDS.items():
        folder, prefix = os.path.split(os.path.join(site, "numpy", stem))
        ext = next(os.path.join(folder, n) for n in os.listdir(folder) if n.startswith(prefix + ".") and n.endswith(".so"))
        if lib not in needed_libraries(ext):
            sys.exit(f"make_venvs.py: {ext} does not link {lib} (Debian's numpy changed; adapt the fixture)")
    got = run([os.path.join(path, "bin", "python"), "-c", SCI_PROBE]).strip()
    if got != SCI_EXPECTED:
        sys.exit(f"make_venvs.py: numpy in the sci venv printed {got!r}, expected {SCI_EXPECTED!r}")


# numpy.dot of two small matrices goes through BLAS; the path proves the venv's copy runs.
SCI_PROBE = ("import sys, numpy; a = numpy.array([[1.0, 2.0], [3.0, 4.0]]); b = numpy.array([[5.0, 6.0], [7.0, 8.0]]); "
             "print(numpy.dot(a, b).tolist(), numpy.linalg.det(a).round(6), numpy.__file__.startswith(sys.prefix))")
SCI_EXPECTED = "[[19.0, 22.0], [43.0, 50.0]] -2.0 True"


def make_awkward_venv(path, demo_pip, wheels):
    """hello (a console script and a C extension) and the awkward names, and no pip: small
    images, since vfs copies every layer for each container."""
    run([HOST_PYTHON, "-m", "venv", "--without-pip", path])
    python = os.path.join(path, "bin", "python")
    wheel = next(os.path.join(wheels, n) for n in os.listdir(wheels) if n.startswith("hello-"))
    run([demo_pip, "--python", python, "install", "--no-index", "--no-deps", wheel])
    site = site_packages(path)
    package = os.path.join(site, "awkward_names")
    awkward_names.make_tree(package)
    with open(os.path.join(package, "__init__.py"), "w") as f:
        f.write("import os\nNAMES = sorted(os.listdir(os.fsencode(os.path.dirname(__file__))))\n")
    # -B: no __pycache__ beside the names, so host and image hold the same files.
    got = run([python, "-B", "-c", "import awkward_names, hello._speedups; print(len(awkward_names.NAMES))"]).strip()
    if got != str(len(os.listdir(package))):
        sys.exit(f"make_venvs.py: the awkward venv's package listed {got} names")


def make_awkward_project(path):
    awkward_names.make_tree(path)
    with open(os.path.join(path, "app.py"), "w") as f:
        f.write("import os\nprint(len(os.listdir(b'.')), 'names in the project')\n")


def build(out):
    src = os.path.join(out, "src")
    project = os.path.join(out, "project")
    os.makedirs(src)
    shutil.copytree(os.path.join(FIXTURES, "hello"), os.path.join(src, "hello"))
    shutil.copytree(os.path.join(FIXTURES, "project"), project)
    # Files the project's .dockerignore must keep out of the image, and one it must keep.
    os.makedirs(os.path.join(project, "data"))
    for name, text in [("secret.txt", "do not ship me\n"), ("debug.log", "log line\n"),
                       ("data/cache.tmp", "temporary\n"), ("data/keep.txt", "keep me\n")]:
        with open(os.path.join(project, name), "w") as f:
            f.write(text)

    demo = os.path.join(out, "venvs", "demo")
    pip = make_venv(demo)
    run([pip, "install", "--no-index", "--no-build-isolation", os.path.join(src, "hello")])
    run([pip, "install", "--no-index", "--no-build-isolation", "-e", project])

    wrapped = os.path.join(out, "workon", "wrapped")
    pip = make_venv(wrapped)
    run([pip, "install", "--no-index", "--no-build-isolation", "-e", project])
    with open(os.path.join(wrapped, ".project"), "w") as f:
        f.write(project + "\n")

    make_sci_venv(os.path.join(out, "venvs", "sci"))

    wheels = os.path.join(out, "wheels")
    run([pip_of(demo), "wheel", "--no-index", "--no-build-isolation", "--no-deps", "-w", wheels,
         os.path.join(src, "hello")])
    make_awkward_venv(os.path.join(out, "venvs", "awkward"), pip_of(demo), wheels)
    make_awkward_project(os.path.join(out, "awkward-project"))

    # Prove the fixtures work on the host before any test relies on them.
    got = run([os.path.join(demo, "bin", "hello")]).strip()
    want = f"hello from {demo} (speedups=42)"
    if got != want:
        sys.exit(f"make_venvs.py: demo venv's hello printed {got!r}, expected {want!r}")
    got = run([os.path.join(wrapped, "bin", "python"), "app.py"], cwd=project).strip()
    if "greetings from the editable package" not in got:
        sys.exit(f"make_venvs.py: wrapped venv's app.py printed {got!r}")


def env_lines(out):
    version = run([HOST_PYTHON, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]).strip()
    return [
        f"V2D_FIXTURES={out}",
        f"V2D_VENV_DEMO={out}/venvs/demo",
        f"V2D_VENV_SCI={out}/venvs/sci",
        f"V2D_VENV_AWKWARD={out}/venvs/awkward",
        f"V2D_PROJECT_AWKWARD={out}/awkward-project",
        f"V2D_PROJECT={out}/project",
        f"V2D_WORKON_HOME={out}/workon",
        "V2D_WORKON_NAME=wrapped",
        f"V2D_VENV_WRAPPED={out}/workon/wrapped",
        f"V2D_HOST_PYTHON_VERSION={version}",
    ]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out")
    p.add_argument("--rebuild", action="store_true")
    p.add_argument("--print-env", action="store_true")
    a = p.parse_args()
    state = os.environ.get("V2D_TEST_STATE", "/tmp/v2d-test-state")
    out = os.path.abspath(a.out or os.path.join(state, "fixtures-" + fixture_key()))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = os.path.join(out, ".complete")
        if a.rebuild or not os.path.exists(done):
            # Venvs hold absolute paths, so they are built in place, never moved.
            shutil.rmtree(out, ignore_errors=True)
            build(out)
            open(done, "w").close()
            print(f"make_venvs.py: fixtures built in {out}", file=sys.stderr)
    if a.print_env:
        print("\n".join(env_lines(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
