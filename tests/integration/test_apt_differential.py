#!/usr/bin/python3
"""`--apt` plans what apt-get plans: a differential test against real apt on Debian's mirror.

The bookworm base fixture (make-bases.sh) gets apt sources for the real mirror the machine
uses: bookworm, bookworm-updates, bookworm-security and bookworm-backports (NotAutomatic,
ButAutomaticUpgrades), each signed-by the Debian archive keyring the base ships. Two copies
of that one system are compared:
- apt: the base's root file system untarred into a folder with the same sources.list;
  `chroot DIR apt-get update` (real signatures, checked by gpgv against the keyring) and,
  per request, `chroot DIR apt-get -s install --no-install-recommends PKGS`, whose
  `Inst NAME [OLD] (VERSION ...)` lines are what apt would unpack;
- venv2docker: `--check --json --apt PKGS` on an OCI image of the base plus a layer with the
  same sources.list: the report's `apt_packages`.
Any difference in names or versions fails. The requests cover virtual packages (a virtual
clause before the real one, a virtual with one provider in two versions, one whose providers
tie on everything but apt's package numbering), alternatives, Pre-Depends, Conflicts, requested
providers, security updates newer and older than the point release, upgrades of the base's
packages, a package only in backports, and Latin-1 maintainer scripts. Asking for a virtual
package with several providers fails in both, and venv2docker names each provider once.

If the mirror publishes a new Release while the test runs, the comparison is made again.
venv2docker's cache ($V2D_TEST_BASES/apt-differential-cache) keeps the .debs between runs.
"""
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apt_archive as aa  # noqa: E402
import harness as h  # noqa: E402

KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
SUITES = (("debian", "bookworm"), ("debian", "bookworm-updates"), ("debian-security", "bookworm-security"),
          ("debian", "bookworm-backports"))

# Each request: what it exercises.
REQUESTS = {
    "libapache2-mod-php8.2": "Depends: apache2-api-20120211, apache2-bin: a virtual clause first; apache2-bin "
                             "from bookworm-security",
    "php8.2-apcu": "phpapi-20220829, provided by six PHP SAPIs that tie on everything but apt's package numbers",
    "default-mta": "a virtual package with one provider (exim4-daemon-light) in two versions",
    "bsd-mailx": "default-mta | mail-transport-agent",
    "bsd-mailx,postfix": "a requested provider meets the virtual (postfix Conflicts: mail-transport-agent)",
    "exim4-config": "maintainer scripts with Latin-1 bytes",
    "logrotate": "cron | anacron | cron-daemon | systemd-sysv",
    "openssh-server": "Pre-Depends: init-system-helpers; debconf | debconf-2.0; versions in main, updates, "
                      "security and backports",
    "openssl": "a security update of the base's libssl3: upgraded with its source",
    "curl": "bookworm-security older than the point release, backports newer",
    "postgresql-client-15": "bookworm-security newer than the point release",
    "libc6-dev": "linux-libc-dev from bookworm-security; libc6 (= version) met by the base",
    "ca-certificates": "a security update, and an older one in bookworm-updates",
    "tzdata": "bookworm-updates and bookworm-security",
    "python3-numpy": "libblas3 | libblas.so.3, liblapack3 | liblapack.so.3",
    "azure-vm-utils": "only in bookworm-backports: its candidate at pin priority 100",
    "git": "perl and its libraries, git-man",
}
AMBIGUOUS = "mail-transport-agent"

REF = None        # the reference root file system apt runs in
IMAGE = None      # oci:DIR:TAG of the same system
CACHE = None      # venv2docker's cache


def mirrors():
    """The Debian and Debian security mirror URIs this machine's apt uses (as make-bases.sh
    finds the first; $V2D_DEBIAN_MIRROR and $V2D_DEBIAN_SECURITY_MIRROR override)."""
    uris = []
    files = glob.glob("/etc/apt/sources.list.d/*.sources") + ["/etc/apt/sources.list"] + \
        glob.glob("/etc/apt/sources.list.d/*.list")
    for path in files:
        if not os.path.exists(path):
            continue
        with open(path) as f:
            text = f.read()
        uris += re.findall(r"(?m)^\s*URIs:\s*(.+)$", text)
        uris += [m[-1] for m in re.findall(r"(?m)^\s*deb\s+(\[[^]]*\]\s+)?(\S+)", text)]
    uris = [u.rstrip("/") for line in uris for u in line.split()]
    debian = os.environ.get("V2D_DEBIAN_MIRROR") or next(
        (u for u in uris if u.endswith("/debian")), "http://deb.debian.org/debian")
    security = os.environ.get("V2D_DEBIAN_SECURITY_MIRROR") or next(
        (u for u in uris if u.endswith("/debian-security")), debian + "-security")
    return {"debian": debian.rstrip("/"), "debian-security": security.rstrip("/")}


def sources_list():
    uris = mirrors()
    return "".join(f"deb [signed-by={KEYRING}] {uris[archive]} {suite} main\n" for archive, suite in SUITES)


def base_layer_blobs():
    """The base fixture's layer blobs (gzip tars), bottom first."""
    b = h.bases()
    layout = h.ImageLayout(b["V2D_BASE_BOOKWORM_OCI"])
    blobs = os.path.join(b["V2D_BASE_BOOKWORM_OCI"], "blobs", "sha256")
    return [os.path.join(blobs, d["digest"].split(":", 1)[1]) for d in layout.manifest(b["V2D_BASE_BOOKWORM_TAG"])["layers"]]


def make_reference(root):
    """The base's root file system at `root`, with our sources.list, ready for chroot apt-get."""
    for blob in base_layer_blobs():
        h.run_tool(["tar", "-xzf", blob, "-C", root, "--numeric-owner"])
    with open(os.path.join(root, "etc/apt/sources.list"), "w") as f:
        f.write(sources_list())
    shutil.copy("/etc/resolv.conf", os.path.join(root, "etc/resolv.conf"))
    # mmdebstrap left /dev out of the tar; apt and gpgv write to /dev/null.
    os.makedirs(os.path.join(root, "dev"), exist_ok=True)
    if not os.path.exists(os.path.join(root, "dev/null")):
        h.run_tool(["mknod", "-m", "666", os.path.join(root, "dev/null"), "c", "1", "3"])
    # minbase has no gpgv (apt only recommends it), and apt refuses unverified indexes
    # without it: the host's bookworm gpgv checks the same signatures against the same
    # keyring. It is a file here, not a package: dpkg's status, the resolvers' input,
    # stays the base's.
    gpgv = os.path.join(root, "usr/bin/gpgv")
    if not os.path.exists(gpgv):
        shutil.copy2("/usr/bin/gpgv", gpgv)


def chroot_apt(*args, check=True):
    return h.run_tool(["chroot", REF, "env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C",
                       "apt-get", "-q", "-o", "Acquire::Retries=3", *args], check=check, timeout=900)


def apt_update():
    p = chroot_apt("update")
    problems = [line for line in (p.stdout + p.stderr).splitlines() if line.startswith(("W:", "E:", "Err:"))]
    if problems:
        raise AssertionError("apt-get update in the reference was not clean:\n" + "\n".join(problems))


def inrelease_hashes():
    """SHA-256 of each suite's InRelease as the reference's apt stored it."""
    lists = os.path.join(REF, "var/lib/apt/lists")
    out = {}
    for name in sorted(os.listdir(lists)):
        if name.endswith("_InRelease"):
            with open(os.path.join(lists, name), "rb") as f:
                out[name] = hashlib.sha256(f.read()).hexdigest()
    if len(out) != len(SUITES):
        raise AssertionError(f"apt stored {len(out)} InRelease files for {len(SUITES)} suites: {sorted(out)}")
    return out


def mirror_moved(before):
    """Whether the mirror now serves another InRelease than apt read."""
    uris = mirrors()
    for archive, suite in SUITES:
        url = f"{uris[archive]}/dists/{suite}/InRelease"
        with urllib.request.urlopen(url, timeout=60) as r:
            digest = hashlib.sha256(r.read()).hexdigest()
        if digest not in before.values():
            return True
    return False


def apt_plan(packages):
    """{name: version} that `apt-get -s install --no-install-recommends` would unpack."""
    p = chroot_apt("-s", "install", "--no-install-recommends", *packages, check=False)
    plan = {}
    for line in p.stdout.splitlines():
        m = re.match(r"Inst (\S+) (?:\[\S+\] )?\((\S+) ", line)
        if m:
            plan[m.group(1)] = m.group(2)
    return plan, p


def v2d_plan(packages, expect=0):
    r = h.v2d("--check", "--json", "-b", IMAGE, "--cache-dir", CACHE, "--apt", ",".join(packages),
              h.fixtures()["V2D_VENV_DEMO"], expect=expect)
    if expect != 0:
        return None, r
    return {p["package"]: p["version"] for p in r.json()["apt_packages"]}, r


def setUpModule():
    global REF, IMAGE, CACHE
    tmp = h.make_tmp("apt-differential")
    unittest.addModuleCleanup(h.remove_tmp, tmp)
    REF = os.path.join(tmp, "reference")
    os.mkdir(REF)
    make_reference(REF)
    b = h.bases()
    layer = aa.layer_tar([("etc/apt/sources.list", sources_list().encode())])
    IMAGE = aa.derive_image(b["V2D_BASE_BOOKWORM_OCI"], b["V2D_BASE_BOOKWORM_TAG"], os.path.join(tmp, "image"),
                            layer, "test_apt_differential.py: the real mirror's bookworm suites", "mirror")
    CACHE = os.path.join(os.environ.get("V2D_TEST_BASES", "/var/cache/v2d-test-bases"), "apt-differential-cache")
    os.makedirs(CACHE, exist_ok=True)


class AptDifferential(h.Case):

    def test_fixture_image_points_at_the_mirror_with_the_debian_keyring(self):
        layout = h.ImageLayout(IMAGE[len("oci:"):].rsplit(":", 1)[0])
        top = layout.manifest()["layers"][-1]
        self.assertEqual(layout.layer_file(top, "etc/apt/sources.list").decode(), sources_list())
        members = layout.merged_members(layout.manifest()["layers"])
        self.assertIn(KEYRING.lstrip("/"), members)

    def test_every_request_plans_what_apt_plans(self):
        for attempt in (1, 2):
            apt_update()
            before = inrelease_hashes()
            differences, plans = self.compare_all()
            if not mirror_moved(before):
                break
            # A Release published mid-run: the two sides may have read different ones.
        self.assertEqual(differences, [], "\n\n".join(differences))
        # Not a vacuous pass: each request installs something, and the rules it is here for
        # showed up in the plans.
        for request, plan in plans.items():
            self.assertTrue(plan, f"apt installs nothing for {request}")
        self.assertIn("apache2-bin", plans["libapache2-mod-php8.2"])
        self.assertIn("exim4-daemon-light", plans["bsd-mailx"])
        self.assertNotIn("exim4-daemon-light", plans["bsd-mailx,postfix"])
        self.assertIn("exim4-config", plans["exim4-config"])
        self.assertTrue(plans["azure-vm-utils"]["azure-vm-utils"].endswith(tuple(f"~bpo12+{n}" for n in range(1, 10))),
                        plans["azure-vm-utils"])

    def compare_all(self):
        differences, plans = [], {}
        for request in REQUESTS:
            packages = request.split(",")
            want, p = apt_plan(packages)
            if p.returncode != 0:
                differences.append(f"{request}: apt-get fails ({p.returncode}):\n{p.stdout}{p.stderr}")
                continue
            got, r = v2d_plan(packages)
            plans[request] = want
            if got != want:
                lines = [f"  {name}: apt {want.get(name, '-')}, venv2docker {got.get(name, '-')}"
                         for name in sorted(set(want) | set(got)) if want.get(name) != got.get(name)]
                differences.append(f"{request} ({REQUESTS[request]}):\n" + "\n".join(lines))
        return differences, plans

    def test_a_virtual_package_with_several_providers_is_refused_by_both(self):
        apt_update()
        _, p = apt_plan([AMBIGUOUS])
        self.assertNotEqual(p.returncode, 0, p.stdout)
        self.assertIn(f"Package {AMBIGUOUS} is a virtual package provided by", p.stdout + p.stderr)
        apt_names = set(re.findall(r"(?m)^  (\S+) \S+", p.stdout))
        _, r = v2d_plan([AMBIGUOUS], expect=3)
        m = re.search(rf'"{AMBIGUOUS}" is a virtual package provided by (.+)', r.stderr)
        self.assertTrue(m, r.describe())
        names = m.group(1).split(", ")
        self.assertEqual(len(names), len(set(names)), r.describe())
        self.assertEqual(set(names), apt_names, r.describe())


if __name__ == "__main__":
    unittest.main(verbosity=2)
