#!/usr/bin/python3
"""Venvs made with `--system-site-packages`: what they import from the host's system
site-packages must be in the image too.

A real venv made by `/usr/bin/python3 -m venv --system-site-packages` on this host, where
Debian's python3-numpy (and the suite's other python3-* packages) are installed, with a
module that imports numpy:
- `--check` onto the bookworm base reports every distribution the venv finds in the
  host's system site-packages (as the venv's own Python lists them with
  importlib.metadata) and the base lacks, numpy among them, as an error, in text and
  `--json`; onto the bookworm base with apt sources served locally (apt_archive.py) the
  fix says `--apt python3-numpy`; with no apt sources (scratch and the host's
  interpreter) it says pip or a venv without system site-packages;
- the build fails without `--force`, names numpy and leaves no output; with `--force` it
  builds, warns, and the image's pyvenv.cfg keeps include-system-site-packages = true;
- a copy of numpy in the venv's own site-packages shadows the host's: not reported;
- a venv without system site-packages (the demo fixture) gets no such finding.
Then on a host whose system site-packages hold only numpy (a private mount namespace binds
a folder with Debian's numpy over /usr/lib/python3/dist-packages and empty ones over the
other system folders; the venv's Python proves it sees only numpy there): the fix is
exactly `--apt python3-numpy`; with it the check passes, and in the image built with it
`python -c 'import numpy'` runs under docker run."""
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apt_archive as aa  # noqa: E402
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402
import make_venvs  # noqa: E402

ARCHIVE = None
SERVER = None
APT_BASE = None  # the bookworm base with apt sources pointing at the test archive
VENV = None      # /usr/bin/python3 -m venv --system-site-packages, with uses_numpy.py
APP = "import numpy\nprint('numpy', numpy.__version__, 'from', numpy.__file__)\n"
CHECK = "system-site-packages"


def setUpModule():
    global ARCHIVE, SERVER, APT_BASE, VENV
    ARCHIVE, SERVER = aa.serve_archives(unittest.addModuleCleanup)
    tmp = h.make_tmp("system-site")
    unittest.addModuleCleanup(h.remove_tmp, tmp)
    b = h.bases()
    APT_BASE = aa.derive_base(b["V2D_BASE_BOOKWORM_OCI"], b["V2D_BASE_BOOKWORM_TAG"], os.path.join(tmp, "apt-base"),
                              SERVER.url("good"), ARCHIVE)
    VENV = make_system_site_venv(os.path.join(tmp, "venv"))


def make_system_site_venv(path, own_numpy=False):
    make_venvs.run([make_venvs.HOST_PYTHON, "-m", "venv", "--without-pip", "--system-site-packages", path])
    site = make_venvs.site_packages(path)
    with open(os.path.join(site, "uses_numpy.py"), "w") as f:
        f.write(APP)
    if own_numpy:
        make_venvs.copy_debian_numpy(site)
    return path


def normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


# Python's own answer: the distributions the venv finds on sys.path outside itself (the
# first of each PEP 503 name), and the site-packages folders outside it.
PROBE = """import re, site, sys, importlib.metadata as m
seen, names = set(), []
for d in m.distributions():
    n = re.sub(r'[-_.]+', '-', d.metadata['Name']).lower()
    if n not in seen and not str(d.locate_file('')).startswith(sys.prefix + '/'): names.append(n)
    seen.add(n)
print(' '.join(names))
print(' '.join(p for p in site.getsitepackages() if not p.startswith(sys.prefix + '/')))
"""


def system_view(venv, wrap=()):
    """(set of distribution names, list of system site folders) as the venv's Python sees them."""
    out = subprocess.run([*wrap, os.path.join(venv, "bin", "python"), "-c", PROBE], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    return set(out[0].split()), out[1].split()


def image_distributions(layout_ref, folders):
    """PEP 503 names of the .dist-info/.egg-info entries right under `folders` in an OCI layout."""
    layout = h.ImageLayout(layout_ref[len("oci:"):].rsplit(":", 1)[0])
    members = layout.merged_members(layout.manifest()["layers"])
    names = set()
    for path in members:
        parent, _, entry = ("/" + path).rpartition("/")
        if parent in folders and entry.endswith((".dist-info", ".egg-info")) and "-" in entry:
            names.add(normal(entry.split("-", 1)[0]))
    return names


def system_site_findings(js):
    return [f for f in js["findings"] if f["check"] == CHECK]


def reported_names(finding):
    """PEP 503 names listed after 'found there: ' as 'FOLDER: name version, ...; FOLDER: ...'."""
    listing = finding["message"].split("found there: ", 1)[1]
    names = set()
    for group in listing.split("; "):
        for item in group.split(": ", 1)[1].split(", "):
            names.add(normal(item.split(" ", 1)[0]))
    return names


def check_json(*args, venv=None, base=None, expect=1, wrap=()):
    r = run_v2d("--check", "--json", "-b", base or APT_BASE, *args, venv or VENV, expect=expect, wrap=wrap)
    return r.json(), r


def run_v2d(*args, expect=0, wrap=()):
    if not wrap:
        return h.v2d(*args, expect=expect)
    cmd = [*wrap, h.v2d_bin(), *args]
    p = subprocess.run(cmd, env=h.scrubbed_env(), cwd=h.STATE, capture_output=True, text=True, timeout=900)
    r = h.Result(cmd, p)
    if r.returncode != expect:
        raise AssertionError(f"expected exit {expect}\n" + r.describe())
    return r


class SystemSiteOnThisHost(h.Case):
    """The host as it is: numpy and every other python3-* package in its system site."""

    def expected_missing(self, venv, base_ref):
        names, folders = system_view(venv)
        return names - image_distributions(base_ref, folders)

    def test_check_lists_every_host_distribution_the_base_lacks(self):
        # The bookworm base itself (its apt sources are the Debian mirror it was made from).
        want = self.expected_missing(VENV, h.bookworm_oci_ref())
        self.assertIn("numpy", want)
        js, r = check_json("--cache-dir", self.path("cache"), base=h.bookworm_oci_ref())
        self.assertFalse(js["ok"], r.describe())
        [finding] = system_site_findings(js)
        self.assertEqual(finding["severity"], "error")
        self.assertEqual(reported_names(finding), want, r.describe())
        self.assertEqual(finding["file"], os.path.join(VENV, "pyvenv.cfg"))
        self.assertRegex(finding["message"], r"/usr/lib/python3/dist-packages: [^;]*\bnumpy \d")

        r = h.v2d("--check", "-b", APT_BASE, "--cache-dir", self.path("cache"), VENV, expect=1)
        self.assertRegex(r.stdout, rf"error \[{CHECK}\]: .*\bnumpy \d", r.describe())

    def test_without_apt_sources_the_fix_is_pip_or_a_new_venv(self):
        # scratch with the host's interpreter (--python-from host): no dpkg, no apt sources,
        # and the interpreter's layer leaves its site-packages out.
        want, _ = system_view(VENV)
        js, r = check_json("--cache-dir", self.path("cache"), "--python-from", "host", base="scratch")
        [finding] = system_site_findings(js)
        self.assertEqual(reported_names(finding), want, r.describe())
        self.assertIn(os.path.join(VENV, "bin", "pip") + " install", finding["fix"])
        self.assertRegex(finding["fix"], r"\bnumpy==\d")
        self.assertIn("without --system-site-packages", finding["fix"])
        self.assertNotIn("--apt", finding["fix"])

    def test_base_with_apt_sources_suggests_python3_numpy(self):
        js, r = check_json("--cache-dir", self.path("cache"), base=APT_BASE)
        [finding] = system_site_findings(js)
        self.assertIn("numpy", reported_names(finding))
        self.assertRegex(finding["fix"], r"^add --apt python3-numpy \(the Debian packages for numpy in the base's apt "
                                         r"sources\)", r.describe())
        # The test archive has no package for the rest: they keep the venv-side fix.
        self.assertIn("no Debian package there: install them into the venv with pip", finding["fix"])

    def test_build_refused_without_force_and_nothing_written(self):
        oci, tar = self.path("oci"), self.path("image.tar")
        r = h.v2d("-b", APT_BASE, "--cache-dir", self.path("cache"), "-o", f"oci:{oci}:x",
                  "-o", f"docker-archive:{tar}", VENV, expect=1)
        self.assertIn("venv2docker: error:", r.stderr, r.describe())
        self.assertIn(CHECK, r.stderr, r.describe())
        self.assertRegex(r.stderr, r"\bnumpy \d", r.describe())
        self.assertIn("--force", r.stderr, r.describe())
        self.assertFalse(os.path.lexists(oci), r.describe())
        self.assertFalse(os.path.lexists(tar), r.describe())

    def test_force_builds_and_keeps_the_setting(self):
        oci = self.path("oci")
        js, r = h.build("--force", "--cache-dir", self.path("cache"), "-o", f"oci:{oci}:forced", venv=VENV,
                        project=False, base=APT_BASE)
        warning = "the venv also imports from the host's system site-packages"
        self.assertRegex(r.stderr, rf"venv2docker: warning: {warning}.*\bnumpy \d", r.describe())
        self.assertTrue(any(w.startswith(warning) for w in js["warnings"]), js["warnings"])
        layout = validate_image(oci, tag="forced", report=js).layout
        members = layout.merged_members(layout.manifest("forced")["layers"])
        _, descriptor = members["opt/venv/pyvenv.cfg"]
        cfg = layout.layer_file(descriptor, "opt/venv/pyvenv.cfg").decode()
        self.assertRegex(cfg, r"(?m)^include-system-site-packages = true$", cfg)

    def test_own_copy_of_numpy_shadows_the_host(self):
        venv = make_system_site_venv(self.path("own"), own_numpy=True)
        want = self.expected_missing(venv, APT_BASE)
        self.assertNotIn("numpy", want)
        js, r = check_json("--cache-dir", self.path("cache"), venv=venv, expect=1 if want else 0)
        reported = set().union(*(reported_names(f) for f in system_site_findings(js)))
        self.assertEqual(reported, want, r.describe())

    def test_venv_without_system_site_packages_is_not_affected(self):
        js, r = check_json("--cache-dir", self.path("cache"), venv=h.fixtures()["V2D_VENV_DEMO"], expect=0,
                           base=h.bookworm_oci_ref())
        self.assertTrue(js["ok"], r.describe())
        self.assertEqual(system_site_findings(js), [], r.describe())


# Runs "$@" with /usr/lib/python3/dist-packages replaced by $1 and each other folder
# listed in $2 (space-separated) by the empty $3, in a mount namespace of its own.
NAMESPACE_SCRIPT = """set -e
only=$1 others=$2 empty=$3; shift 3
mount --bind "$only" /usr/lib/python3/dist-packages
for d in $others; do
  if [ -d "$d" ] && [ "$d" != /usr/lib/python3/dist-packages ]; then mount --bind "$empty" "$d"; fi
done
exec "$@"
"""


class OnlyNumpyOnTheHost(h.Case):
    """The brief's host: Debian's numpy is all its system site-packages hold."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if shutil.which("unshare") is None:
            raise h.SetupError("unshare is not installed (util-linux; scripts/test installs it)")
        only, empty = os.path.join(cls.ctmp, "only-numpy"), os.path.join(cls.ctmp, "empty")
        os.makedirs(only)
        os.makedirs(empty)
        make_venvs.copy_debian_numpy(only)
        _, folders = system_view(VENV)
        cls.wrap = ("unshare", "--mount", "--propagation", "private", "sh", "-c", NAMESPACE_SCRIPT, "sh", only,
                    " ".join(folders), empty)

    def test_python3_numpy_from_apt_satisfies_the_check_and_runs(self):
        names, _ = system_view(VENV, wrap=self.wrap)
        self.assertEqual(names, {"numpy"}, "the namespace should leave only numpy in the system site-packages")

        js, r = check_json("--cache-dir", self.path("cache"), base=APT_BASE, wrap=self.wrap)
        [finding] = system_site_findings(js)
        self.assertEqual(reported_names(finding), {"numpy"}, r.describe())
        self.assertEqual(finding["fix"], "add --apt python3-numpy (the Debian packages for numpy in the base's apt "
                                         "sources)", r.describe())

        js, r = check_json("--cache-dir", self.path("cache"), "--apt", "python3-numpy", base=APT_BASE, expect=0,
                           wrap=self.wrap)
        self.assertTrue(js["ok"], r.describe())
        self.assertEqual(system_site_findings(js), [], r.describe())

        h.services()
        archive = self.path("numpy.tar")
        name = f"v2d-it-system-site-{os.getpid()}"
        r = run_v2d("--json", "-b", APT_BASE, "-n", name, "--cache-dir", self.path("cache"), "--apt", "python3-numpy",
                    "-o", f"docker-archive:{archive}", VENV, wrap=self.wrap)
        self.assertIn("python3-numpy", [p["package"] for p in r.json()["apt_packages"]], r.describe())
        h.ensure_base_loaded()
        image = self.docker_load(archive)
        out = h.docker_run(image, "sh", "-c", "python -c 'import numpy' && python -m uses_numpy")
        self.assertRegex(out.strip(), r"^numpy \S+ from /usr/lib/python3/dist-packages/numpy/__init__\.py$", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
