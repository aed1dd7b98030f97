"""Shared helpers for the venv2docker integration tests (stdlib only).

Tests run the real binary ($V2D_BIN) against real venvs (make_venvs.py), real Debian
bases (make-bases.sh) and real services (services.sh: dockerd, docker-registry), and
check its outputs with independent readers: skopeo, umoci, docker, validate_image.py
(which runs the OCI schema validator) and the plain-Python readers below.

A missing service, tool or validator is a test failure, never a skip.
"""
import atexit
import contextlib
import fcntl
import gzip
import hashlib
import io
import json
import os
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
STATE = os.path.abspath(os.environ.get("V2D_TEST_STATE", "/tmp/v2d-test-state"))
HOST_PYTHON = "/usr/bin/python3"
VENV_PATH = "/opt/venv"
PROJECT_PATH = "/app"

# Variables that would change which venv, project or timestamps the binary picks up.
_SCRUB = ("VIRTUAL_ENV", "WORKON_HOME", "SOURCE_DATE_EPOCH", "PYTHONHOME", "PYTHONPATH")

_memo = {}


class SetupError(AssertionError):
    """A fixture, tool or service the tests need is missing: reported as a failure."""


# ---------------------------------------------------------------------------- fixtures

def _kv_lines(text):
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("export "):
            line = line[len("export "):]
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            out[k] = v
    return out


def _run_fixture_script(cmd, what):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise SetupError(f"{what} failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return _kv_lines(p.stdout)


def bases(trixie=False):
    """Paths of the Debian base images (built once, cached): V2D_BASE_BOOKWORM_OCI, ..."""
    key = ("bases", trixie)
    if key not in _memo:
        cmd = [os.path.join(HERE, "make-bases.sh"), "--print-env"] + (["--trixie"] if trixie else [])
        _memo[key] = _run_fixture_script(cmd, "make-bases.sh")
    return _memo[key]


def real_bases():
    """The corpus of bases made by real builders (make_real_bases.py; needs the services):
    V2D_CORPUS_OCI (one OCI layout), V2D_CORPUS_TAGS (its tags, comma-separated) and
    V2D_SLIM_OCI (the slim base, tag slim)."""
    if "real_bases" not in _memo:
        services()
        _memo["real_bases"] = _run_fixture_script([HOST_PYTHON, os.path.join(HERE, "make_real_bases.py"), "--print-env"],
                                                  "make_real_bases.py")
    return _memo["real_bases"]


def bookworm_oci_ref():
    b = bases()
    return f"oci:{b['V2D_BASE_BOOKWORM_OCI']}:{b['V2D_BASE_BOOKWORM_TAG']}"


def bookworm_layer_digests():
    """The hex digests of the bookworm base's layers, in order."""
    b = bases()
    with ImageLayout(b["V2D_BASE_BOOKWORM_OCI"]) as layout:
        return [layer["digest"].split(":")[1] for layer in layout.manifest(b["V2D_BASE_BOOKWORM_TAG"])["layers"]]


def bare_venv(path):
    """A venv made at `path` by Debian's python3 -m venv --without-pip; its site-packages folder."""
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", path], check=True)
    lib = os.path.join(path, "lib")
    return os.path.join(lib, os.listdir(lib)[0], "site-packages")


def multiplatform_base():
    """The two-platform base (built once, cached; make_multiplatform_base.py): V2D_MULTI_OCI, ..."""
    if "multiplatform" not in _memo:
        _memo["multiplatform"] = _run_fixture_script(
            [HOST_PYTHON, os.path.join(HERE, "make_multiplatform_base.py"), "--print-env"],
            "make_multiplatform_base.py")
    return _memo["multiplatform"]


def fixtures():
    """Paths of the venv fixtures (built once, cached): V2D_VENV_DEMO, V2D_PROJECT, ..."""
    if "venvs" not in _memo:
        _memo["venvs"] = _run_fixture_script([HOST_PYTHON, os.path.join(HERE, "make_venvs.py"), "--print-env"],
                                             "make_venvs.py")
    return _memo["venvs"]


def v2d_bin():
    path = os.path.abspath(os.environ.get("V2D_BIN") or os.path.join(REPO, "build", "src", "venv2docker"))
    if not os.access(path, os.X_OK):
        raise SetupError(f"venv2docker binary not found at {path} (set V2D_BIN or build with ninja -C build)")
    return path


def validator():
    # Next to the checkout (../shared/tools), or where this workplace keeps it.
    candidates = [os.environ.get("V2D_VALIDATE_OCI"),
                  os.path.join(REPO, "..", "shared", "tools", "validate-oci-layout"),
                  "/work/shared/tools/validate-oci-layout"]
    path = next((os.path.abspath(c) for c in candidates if c and os.access(c, os.X_OK)), os.path.abspath(candidates[1]))
    if not os.access(path, os.X_OK):
        raise SetupError(
            f"OCI validator not found at {path}: set V2D_VALIDATE_OCI to validate-oci-layout "
            "(it lives in ../shared/tools next to the repository checkout)")
    return path


# ---------------------------------------------------------------------------- services

def services():
    """The env services.sh wrote (DOCKER_HOST, V2D_TEST_REGISTRY); fails when not started."""
    if "services" not in _memo:
        env_file = os.path.join(STATE, "env")
        if os.path.exists(env_file):
            with open(env_file) as f:
                env = _kv_lines(f.read())
        elif os.environ.get("DOCKER_HOST") and os.environ.get("V2D_TEST_REGISTRY"):
            env = {k: os.environ[k] for k in ("DOCKER_HOST", "V2D_TEST_REGISTRY")}
        else:
            raise SetupError(f"test services are not running (no {env_file}): start them with "
                             f"tests/integration/services.sh start, or run scripts/test")
        # A daemon busy copying another test's layers (vfs) answers late, not never.
        p = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], env=dict(os.environ, **env),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
        if p.returncode != 0:
            raise SetupError(f"dockerd at {env.get('DOCKER_HOST')} does not answer: {p.stderr.strip()}")
        _memo["services"] = env
    return _memo["services"]


def registry():
    return services()["V2D_TEST_REGISTRY"]


def _docker_env():
    return dict(os.environ, DOCKER_HOST=services()["DOCKER_HOST"])


def docker(*args, check=True, timeout=900):
    p = subprocess.run(["docker", *args], env=_docker_env(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def docker_run(image, *cmd, options=()):
    """Output of `docker run --rm --network none [options] image cmd...` (must exit 0)."""
    return docker("run", "--rm", "--network", "none", *options, image, *cmd).stdout


def docker_load(path):
    """`docker load -i path`; returns the loaded reference (name:tag, or image id)."""
    out = docker("load", "-i", path).stdout
    m = re.search(r"Loaded image: (\S+)", out) or re.search(r"Loaded image ID: (\S+)", out)
    if not m:
        raise AssertionError(f"docker load printed no image name: {out!r}")
    return m.group(1)


def ensure_base_loaded():
    """Load the bookworm base into dockerd once per daemon, so built images loaded
    later share its layer instead of vfs copying it again."""
    image = bases()["V2D_BASE_BOOKWORM_IMAGE"]
    with open(os.path.join(STATE, "docker-base.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if docker("image", "inspect", image, check=False).returncode != 0:
            docker_load(bases()["V2D_BASE_BOOKWORM_ARCHIVE"])
    return image


# ---------------------------------------------------------------------------- tools

@contextlib.contextmanager
def timed(what):
    """Prints how long the block took to stderr ("timing: WHAT: 12.3 s"): the slow
    fixtures and runtimes show in the test log."""
    started = time.monotonic()
    try:
        yield
    finally:
        print(f"timing: {what}: {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)


def run_tool(cmd, check=True, timeout=900, **kw):
    if shutil.which(cmd[0]) is None and not os.path.isabs(cmd[0]):
        raise SetupError(f"{cmd[0]} is not installed (scripts/test installs it)")
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def _podman_runroot(storage):
    """A run root for `storage` of at most 50 characters (podman refuses a longer one,
    which a test folder under a long $V2D_TEST_STATE would be): /tmp/v2d-podman-<hash>,
    removed when the tests exit."""
    runroot = "/tmp/v2d-podman-" + hashlib.sha256(os.path.abspath(storage).encode()).hexdigest()[:16]
    if runroot not in _podman_runroots:
        os.makedirs(runroot, mode=0o700, exist_ok=True)
        _podman_runroots.append(runroot)
        if len(_podman_runroots) == 1:
            atexit.register(lambda: [shutil.rmtree(path, ignore_errors=True) for path in _podman_runroots])
    return runroot


_podman_runroots = []


def skopeo_inspect(ref, *extra):
    return json.loads(run_tool(["skopeo", "--insecure-policy", "inspect", *extra, ref]).stdout)


def skopeo_inspect_config(ref, *extra):
    return json.loads(run_tool(["skopeo", "--insecure-policy", "inspect", "--config", *extra, ref]).stdout)


def umoci_unpack(layout_dir, tag, bundle):
    """`umoci unpack` (verifies every blob); returns the unpacked rootfs path."""
    run_tool(["umoci", "unpack", "--image", f"{layout_dir}:{tag}", bundle])
    return os.path.join(bundle, "rootfs")


def _cgroups_hybrid():
    """Both cgroup v1 hierarchies and the v2 one mounted (some hosts do)."""
    with open("/proc/mounts") as f:
        types = {line.split()[2] for line in f if len(line.split()) > 2}
    return "cgroup" in types and "cgroup2" in types


def podman(storage, *args):
    """Output of podman with private overlay storage under `storage` (must exit 0);
    `run` gets --rm and no network. Overlay, not vfs: vfs copies the whole image for
    every layer, container and removal. Overlay, like Docker's overlay2, refuses a layer
    holding a hard link to a lower layer's file; the tests give podman no such image
    (dockerd, which gets one, keeps vfs: services.sh)."""
    if not shutil.which("podman"):
        raise SetupError("podman is not installed (scripts/test installs it)")
    cmd = ["podman", "--root", os.path.join(storage, "root"), "--runroot", _podman_runroot(storage),
           "--storage-driver", "overlay", "--cgroup-manager", "cgroupfs", "--events-backend", "file"]
    if _cgroups_hybrid():
        # crun, podman's default runtime, refuses hybrid cgroups; runc (docker.io's) runs there.
        cmd += ["--runtime", "runc"]
    if args and args[0] == "run":
        # This sandbox refuses the limits podman sets by default (raising them is not
        # allowed): the container keeps the current open-files limit and a lower
        # process limit, which are always allowed.
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        cmd += ["run", "--rm", "--network", "none", "--ulimit", f"nofile={soft}:{hard}",
                "--ulimit", "nproc=4096:4096", *args[1:]]
    else:
        cmd += list(args)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=900)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p.stdout


def podman_load(storage, archive):
    """`podman load -i archive`; returns the one loaded reference."""
    out = podman(storage, "load", "-i", archive)
    loaded = [line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Loaded image")]
    if len(loaded) != 1:
        raise AssertionError(f"podman load printed {len(loaded)} loaded images: {out!r}")
    return loaded[0]


# ---------------------------------------------------------------------------- readers

class ImageLayout:
    """Read-only view of an OCI image layout, as a folder or as a tar (our docker-archive
    output is both). Digests are verified when blobs are read."""

    def __init__(self, path):
        self.path = path
        self._tar = None if os.path.isdir(path) else tarfile.open(path)

    def close(self):
        if self._tar:
            self._tar.close()
            self._tar = None

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def read(self, name):
        if self._tar is None:
            with open(os.path.join(self.path, name), "rb") as f:
                return f.read()
        member = self._tar.getmember(name)
        return self._tar.extractfile(member).read()

    def open(self, name):
        """A binary file object of member `name`, for reading a large blob in pieces."""
        if self._tar is None:
            return open(os.path.join(self.path, name), "rb")
        return self._tar.extractfile(self._tar.getmember(name))

    def exists(self, name):
        if self._tar is None:
            return os.path.exists(os.path.join(self.path, name))
        try:
            self._tar.getmember(name)
            return True
        except KeyError:
            return False

    def names(self):
        if self._tar is None:
            return sorted(os.path.relpath(os.path.join(r, f), self.path)
                          for r, _, fs in os.walk(self.path) for f in fs)
        return sorted(m.name for m in self._tar.getmembers())

    def blob(self, digest):
        algo, hexd = digest.split(":", 1)
        data = self.read(f"blobs/{algo}/{hexd}")
        if hashlib.new(algo, data).hexdigest() != hexd:
            raise AssertionError(f"blob {digest} does not match its digest")
        return data

    def json_blob(self, digest):
        return json.loads(self.blob(digest))

    def index(self):
        return json.loads(self.read("index.json"))

    def referrers(self):
        """index.json's entries that list an artifact about an image (an SBOM): they say
        an artifactType and are no image to pick."""
        return [d for d in self.index()["manifests"] if "artifactType" in d]

    def manifest_descriptor(self, tag=None):
        descs = self.index()["manifests"]
        if tag is not None:
            descs = [d for d in descs if d.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag]
        else:
            descs = [d for d in descs if "artifactType" not in d]
        if len(descs) != 1:
            raise AssertionError(f"expected one manifest for tag {tag!r} in {self.path}, found {len(descs)}")
        return descs[0]

    def manifest(self, tag=None):
        return self.json_blob(self.manifest_descriptor(tag)["digest"])

    def config(self, tag=None):
        return self.json_blob(self.manifest(tag)["config"]["digest"])

    def layer_tar(self, descriptor):
        """The uncompressed tar bytes of a layer (gzip or plain)."""
        data = self.blob(descriptor["digest"])
        if data[:2] == b"\x1f\x8b":
            return gzip.decompress(data)
        if data[:4] == b"\x28\xb5\x2f\xfd":
            raise AssertionError("zstd layers are not readable by this harness")
        return data

    def layer_members(self, descriptor):
        """{normalised path: TarInfo} of a layer; paths without leading './' or '/'."""
        with tarfile.open(fileobj=io.BytesIO(self.layer_tar(descriptor))) as t:
            return {norm(m.name): m for m in t.getmembers()}

    def layer_file(self, descriptor, path):
        with tarfile.open(fileobj=io.BytesIO(self.layer_tar(descriptor))) as t:
            for m in t.getmembers():
                if norm(m.name) == norm(path):
                    f = t.extractfile(m)
                    return None if f is None else f.read()
        return None

    def top_layers(self, base_layer_count, tag=None):
        return self.manifest(tag)["layers"][base_layer_count:]

    def merged_members(self, descriptors):
        """{path: (TarInfo, descriptor)} across layers, later layers winning (whiteouts
        are not applied: test images never delete base files)."""
        out = {}
        for d in descriptors:
            for path, m in self.layer_members(d).items():
                out[path] = (m, d)
        return out


def norm(name):
    name = name.lstrip("/")
    while name.startswith("./"):
        name = name[2:]
    return name.rstrip("/")


# ---------------------------------------------------------------------------- test base

class Result:
    def __init__(self, cmd, proc):
        self.cmd, self.returncode, self.stdout, self.stderr = cmd, proc.returncode, proc.stdout, proc.stderr

    def describe(self):
        return (f"command: {' '.join(self.cmd)}\nexit: {self.returncode}\n"
                f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}")

    def json(self):
        try:
            return json.loads(self.stdout)
        except ValueError as e:
            raise AssertionError(f"--json output is not one JSON object ({e})\n{self.describe()}")


# The layer cache and the venv stage record nothing changed less than 2 s before a
# build (docs/images.md): a test that writes inputs and then expects a rebuild to reuse
# what the first build recorded lets them settle this long first.
SETTLE_SECONDS = 2.1


def let_settle():
    time.sleep(SETTLE_SECONDS)


def scrubbed_env(**extra):
    """os.environ without anything that picks a venv or timestamps, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


def v2d(*args, env=None, expect=0, cwd=None, timeout=900):
    """Run the binary; check its exit status (`expect`: an int, 'nonzero', or None)."""
    cmd = [v2d_bin(), *args]
    # Names are bytes: a message quoting one that is not UTF-8 must still reach the report.
    p = subprocess.run(cmd, env=env if env is not None else scrubbed_env(), cwd=cwd or STATE,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8", errors="surrogateescape",
                       timeout=timeout)
    r = Result(cmd, p)
    if expect == "nonzero" and r.returncode == 0:
        raise AssertionError("expected a failure\n" + r.describe())
    if isinstance(expect, int) and r.returncode != expect:
        raise AssertionError(f"expected exit {expect}\n" + r.describe())
    return r


def v2d_bytes_read(*args, env=None):
    """Run the binary; return its exit status, its stdout, its stderr and the bytes its read calls
    returned (/proc/PID/io `rchar`, read while the exited process is not yet reaped;
    socket receives are not counted)."""
    with subprocess.Popen([v2d_bin(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env if env is not None else scrubbed_env(), cwd=STATE) as p:
        # Both pipes drained by threads, so a full pipe never blocks the run.
        out, err = [], []
        readers = [threading.Thread(target=lambda s, b: b.append(s.read()), args=(s, b))
                   for s, b in ((p.stdout, out), (p.stderr, err))]
        for t in readers:
            t.start()
        os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
        with open(f"/proc/{p.pid}/io") as f:
            counters = dict(line.split(": ") for line in f.read().splitlines())
        p.wait()
        for t in readers:
            t.join()
    return p.returncode, out[0].decode(errors="replace"), err[0].decode(errors="replace"), int(counters["rchar"])


def build(*args, venv=None, project=None, base=None, env=None):
    """Build the demo venv (or `venv`) with --json and the bookworm OCI base (or `base`)
    and the fixture project (or `project`; False for none). Returns (json, Result)."""
    f = fixtures()
    argv = ["--json", "-b", base or bookworm_oci_ref()]
    if project is not False:
        argv += ["--project", project or f["V2D_PROJECT"]]
    argv += list(args) + [venv or f["V2D_VENV_DEMO"]]
    r = v2d(*argv, env=env)
    return r.json(), r


def make_tmp(name, parent=None):
    """A fresh folder under PARENT (default $V2D_TEST_STATE/tmp) named
    name-<8 hex digits>, in lower case.

    Not mkdtemp's names: podman names an image run from oci:DIR after DIR's
    path, and a component like "podman-ppiazkr_" (a trailing "_") is not a
    valid reference, which made runs fail at random."""
    parent = parent or os.path.join(STATE, "tmp")
    os.makedirs(parent, exist_ok=True)
    while True:
        path = os.path.join(parent, f"{name.lower()}-{secrets.token_hex(4)}")
        try:
            os.mkdir(path, 0o700)
            return path
        except FileExistsError:
            continue


def remove_tmp(path):
    if os.environ.get("V2D_KEEP_TMP") != "1":
        shutil.rmtree(path, ignore_errors=True)


class Case(unittest.TestCase):
    """A test case with a temp folder per class (cls.ctmp) and per test (self.tmp), and
    docker images it loaded removed afterwards. Set V2D_KEEP_TMP=1 to keep the folders."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        # Class cleanups run even when a subclass's setUpClass fails half-way.
        cls.ctmp = make_tmp(cls.__name__)
        cls.addClassCleanup(remove_tmp, cls.ctmp)
        cls._class_images = []
        cls.addClassCleanup(cls._remove_class_images)

    @classmethod
    def _remove_class_images(cls):
        for ref in cls._class_images:
            docker("rmi", "-f", ref, check=False)

    @classmethod
    def class_docker_load(cls, path):
        ref = docker_load(path)
        cls._class_images.append(ref)
        return ref

    def setUp(self):
        self.tmp = make_tmp(self.id().rsplit(".", 1)[-1], parent=self.ctmp)
        self._images = []
        self.addCleanup(self._remove_images)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def docker_load(self, path):
        ref = docker_load(path)
        self._images.append(ref)
        return ref

    def _remove_images(self):
        for ref in self._images:
            docker("rmi", "-f", ref, check=False)


def env_list_to_dict(env_list):
    return dict(e.split("=", 1) for e in env_list or [])
