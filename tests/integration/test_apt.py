#!/usr/bin/python3
"""`--apt`: Debian packages from the base image's own apt sources, as one layer.

Against signed local archives served on loopback (apt_archive.py) and bases whose apt
sources and keyring point at them (apt_archive.derive_base):
- `--apt jq` installs jq with libjq1 and libonig5: `dpkg -l` lists them and jq runs under
  docker run; the packages' layer sits right above the base's; the plan is printed;
- a deb822 `.sources` with Signed-By under /usr/share/keyrings works too, with `--apt FILE`;
- a validly signed Release of another suite, and one older than the Release the cache
  already accepted for the source (a replay), are refused naming the source;
- a bad signature, an unsigned archive, a tampered .deb, a conflict, an unsatisfiable
  dependency and an unknown package are refused clearly, leaving no output behind;
  `--apt-allow-unauthenticated` accepts the unsigned archive;
- a second identical build downloads no Packages index and no .deb (server log);
- a .deb whose members are named like whiteouts (.wh.python3, .wh..wh..opq): each left out
  with a warning naming the package and the member, none in the layer or dpkg's list;
- numpy from Debian in a venv: `--check` names libblas.so.3/liblapack.so.3 and the
  packages libblas3/liblapack3 (with `--apt libblas3`, still liblapack3, from the sources
  read once); with `--apt libblas3,liblapack3` numpy.dot runs.
The archives themselves are first proven with real apt-get (apt_archive.verify)."""
import datetime
import email.utils
import os
import re
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apt_archive as aa
import registries as reg  # noqa: E402
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402
import make_venvs  # noqa: E402

ARCHIVE = None
SERVER = None
BASES = {}  # "one-line" / "deb822" / "badsig" -> oci:DIR:TAG
JQ_PACKAGES = ("jq", "libjq1", "libonig5")


def setUpModule():
    global ARCHIVE, SERVER
    ARCHIVE, SERVER = aa.serve_archives(unittest.addModuleCleanup)
    tmp = h.make_tmp("apt-bases")
    unittest.addModuleCleanup(h.remove_tmp, tmp)
    b = h.bases()
    for kind, variant in (("one-line", "good"), ("deb822", "good"), ("badsig", "badsig")):
        BASES[kind] = aa.derive_base(b["V2D_BASE_BOOKWORM_OCI"], b["V2D_BASE_BOOKWORM_TAG"],
                                     os.path.join(tmp, kind), SERVER.url(variant), ARCHIVE,
                                     deb822=(kind == "deb822"))


def layout_dir(ref):
    return ref[len("oci:"):].rsplit(":", 1)[0]


def source_line(variant, key=None):
    return f"deb [signed-by={key or aa.key_path(ARCHIVE)}] {SERVER.url(variant)} {aa.SUITE} {aa.COMPONENT}"


def replace_sources(variant):
    return ("--apt-source", source_line(variant), "--apt-replace-sources")


class Fixtures(h.Case):
    """The archives and derived bases are what apt and validate_image accept."""

    def test_archives_behave_under_real_apt(self):
        b = h.bases()
        self.assertTrue(aa.verify(ARCHIVE, b["V2D_BASE_BOOKWORM_OCI"], b["V2D_BASE_BOOKWORM_TAG"]))

    def test_derived_bases_are_valid_layouts_with_one_more_layer(self):
        base = h.ImageLayout(h.bases()["V2D_BASE_BOOKWORM_OCI"]).config()["rootfs"]["diff_ids"]
        for kind, ref in BASES.items():
            with self.subTest(kind):
                layout = validate_image(ref).layout
                self.assertEqual(layout.config()["rootfs"]["diff_ids"][:-1], base)
                top = layout.layer_members(layout.manifest()["layers"][-1])
                want = ({"etc/apt/.wh.sources.list", "etc/apt/sources.list.d/v2d-test.sources", aa.DEB822_KEY_PATH}
                        if kind == "deb822" else {"etc/apt/sources.list", aa.ONE_LINE_KEY_PATH})
                self.assertLessEqual(want, set(top))


class AptInstall(h.Case):
    """--apt jq onto the one-line base: docker-archive, docker run, dpkg -l."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        h.services()
        cls.cache = os.path.join(cls.ctmp, "cache")
        cls.archive = os.path.join(cls.ctmp, "image.tar")
        cls.name = f"v2d-it-apt-{os.getpid()}"
        SERVER.clear_log()
        cls.js, cls.result = h.build("-n", cls.name, "--cache-dir", cls.cache, "--apt", "jq",
                                     "-o", f"docker-archive:{cls.archive}", base=BASES["one-line"])
        cls.first_log = SERVER.requests()
        h.ensure_base_loaded()
        cls.image = cls.class_docker_load(cls.archive)

    def test_json_names_each_package_and_version(self):
        versions = aa.package_versions(ARCHIVE)
        installed = {p["package"]: p["version"] for p in self.js["apt_packages"]}
        self.assertEqual(installed, {pkg: versions[pkg] for pkg in JQ_PACKAGES}, self.result.describe())

    def test_packages_layer_sits_right_above_the_base(self):
        layout = validate_image(self.archive, report=self.js).layout
        base = h.ImageLayout(layout_dir(BASES["one-line"]))
        n = len(base.manifest()["layers"])
        self.assertEqual(layout.config()["rootfs"]["diff_ids"][:n], base.config()["rootfs"]["diff_ids"])
        members = layout.layer_members(layout.manifest()["layers"][n])
        # dpkg files a Multi-Arch: same package's info under NAME:ARCH.
        for path in ("usr/bin/jq", "var/lib/dpkg/status", "var/lib/dpkg/info/jq.list",
                     "var/lib/dpkg/info/libjq1:amd64.list", "var/lib/dpkg/info/libonig5:amd64.list"):
            self.assertIn(path, members)
        status = layout.layer_file(layout.manifest()["layers"][n], "var/lib/dpkg/status").decode()
        for pkg in JQ_PACKAGES + ("python3", "libc6"):  # new ones added, the base's kept
            self.assertRegex(status, rf"(?m)^Package: {re.escape(pkg)}\n")

    def test_skopeo_reads_the_output(self):
        info = h.skopeo_inspect(f"docker-archive:{self.archive}")
        self.assertEqual(len(info["Layers"]), len(self.js["layers"]))

    def test_jq_runs_and_dpkg_lists_the_packages(self):
        out = h.docker_run(self.image, "sh", "-c",
                           "jq --version && echo '{\"a\": [1, 2]}' | jq -c '.a | map(. * 10)' && "
                           "dpkg -l " + " ".join(JQ_PACKAGES) + " && dpkg -L jq && hello")
        self.assertIn("jq-1.6", out)
        self.assertIn("[10,20]", out)
        for pkg in JQ_PACKAGES:
            self.assertRegex(out, rf"(?m)^ii  {re.escape(pkg)}(:amd64)?\s")
        self.assertIn("/usr/bin/jq", out)
        self.assertIn("hello from /opt/venv (speedups=42)", out)

    def test_second_identical_build_downloads_no_index_and_no_deb(self):
        fetched = [path for _, path, _ in aa.index_or_deb_requests(self.first_log)]
        self.assertTrue(any(p.endswith(".deb") for p in fetched), self.first_log)
        self.assertTrue(any("/Packages" in p for p in fetched), self.first_log)
        SERVER.clear_log()
        h.build("-n", self.name, "--cache-dir", self.cache, "--apt", "jq",
                "-o", f"docker-archive:{self.path('again.tar')}", base=BASES["one-line"])
        log = SERVER.requests()
        self.assertEqual(aa.index_or_deb_requests(log), [], log)
        self.assertTrue(all(status in (200, 304) for _, _, status in log), log)
        # InRelease is asked again with the date of the answer kept in the cache.
        inrelease = [status for _, path, status in log if path.endswith("/InRelease")]
        self.assertTrue(inrelease and all(status == 304 for status in inrelease), log)


class AptWhiteoutMembers(h.Case):
    """A .deb whose members are named like whiteouts: left out with a warning each."""

    def test_whiteout_members_never_reach_the_layer(self):
        out = self.path("oci")
        js, r = h.build("--cache-dir", self.path("cache"), "--apt", "v2d-whiteouts", "-o", f"oci:{out}:x",
                        base=BASES["one-line"], project=False)
        for member in ("/usr/bin/.wh.python3", "/usr/lib/python3/dist-packages/.wh..wh..opq"):
            self.assertRegex(r.stderr, rf"v2d-whiteouts_[^ ]*\.deb holds {re.escape(member)}, named like an OCI "
                                       "whiteout", r.describe())
        layout = validate_image(out, tag="x", report=js).layout
        n = len(h.ImageLayout(layout_dir(BASES["one-line"])).manifest()["layers"])
        members = layout.layer_members(layout.manifest("x")["layers"][n])
        self.assertIn("usr/share/v2d-whiteouts/kept.txt", members)
        self.assertEqual([m for m in members if any(p.startswith(".wh.") for p in m.split("/"))], [])
        # dpkg's file list does not claim them either.
        listed = layout.layer_file(layout.manifest("x")["layers"][n], "var/lib/dpkg/info/v2d-whiteouts.list")
        self.assertNotIn(b".wh.", listed)


class AptDeb822AndFile(h.Case):
    """A deb822 .sources with Signed-By (and a whiteout over sources.list), packages from
    `--apt FILE`; an OCI layout unpacked by umoci."""

    def test_deb822_base_and_package_file(self):
        listing = self.path("packages.txt")
        with open(listing, "w") as f:
            f.write("# what the image needs\nv2d-hello-jq,\n  # nothing else\n")
        out = self.path("oci")
        js, r = h.build("--cache-dir", self.path("cache"), "--apt", listing, "-o", f"oci:{out}:apt",
                        base=BASES["deb822"], project=False)
        self.assertIn("v2d-hello-jq", [p["package"] for p in js["apt_packages"]], r.describe())
        validate_image(out, tag="apt", report=js)
        rootfs = h.umoci_unpack(out, "apt", self.path("bundle"))
        for path in ("usr/bin/v2d-hello-jq", "usr/bin/jq", "var/lib/dpkg/info/v2d-hello-jq.list"):
            self.assertTrue(os.path.exists(os.path.join(rootfs, path)), path)
        with open(os.path.join(rootfs, "var/lib/dpkg/status")) as f:
            status = f.read()
        for pkg in ("v2d-hello-jq",) + JQ_PACKAGES:
            self.assertRegex(status, rf"(?m)^Package: {re.escape(pkg)}\n")
        self.assertFalse(os.path.lexists(os.path.join(rootfs, "etc/apt/sources.list")))
        # dpkg follows the base's /lib -> usr/lib link instead of replacing it with a folder...
        self.assertTrue(os.path.islink(os.path.join(rootfs, "lib")))
        with open(os.path.join(rootfs, "usr/lib/v2d-hello-jq/data.txt")) as f:
            self.assertEqual(f.read(), "data under /lib\n")
        # ...and honours the base's path-exclude/path-include rules (dpkg.cfg.d/99mmdebstrap).
        self.assertFalse(os.path.lexists(os.path.join(rootfs, "usr/share/doc/v2d-hello-jq/README")))
        self.assertTrue(os.path.exists(os.path.join(rootfs, "usr/share/doc/v2d-hello-jq/copyright")))
        with open(os.path.join(rootfs, "usr/bin/v2d-hello-jq")) as f:
            self.assertEqual(f.read(), aa.HELLO_JQ_SCRIPT)
        self.assertTrue(os.stat(os.path.join(rootfs, "usr/bin/v2d-hello-jq")).st_mode & 0o111)


class AptFlakyNetwork(h.Case):
    """Through fault_proxy.py: an index answered 503 once and a .deb cut off mid-body are
    fetched again (from the first byte) and verified, and the build succeeds. InRelease
    answered 429 with Retry-After: 1 is asked again only after that second."""

    def test_cut_and_refused_transfers_are_retried(self):
        proxy = reg.start_proxy(self.path("proxy"), f"127.0.0.1:{SERVER.port}",
                                probe=f"/good/dists/{aa.SUITE}/InRelease", ok=(200,))
        self.addCleanup(proxy.stop)
        reg.read_log(proxy.requests)
        reg.set_plan(proxy, {"faults": [{"method": "GET", "path": "/Packages", "nth": 1, "action": "503"},
                                        {"method": "GET", "path": "/InRelease", "nth": 1, "action": "429"},
                                        {"method": "GET", "path": ".deb", "nth": 1, "action": "truncate"}]})
        line = f"deb [signed-by={aa.key_path(ARCHIVE)}] http://127.0.0.1:{proxy.port}/good {aa.SUITE} {aa.COMPONENT}"
        js, r = h.build("--cache-dir", self.path("cache"), "--apt-source", line, "--apt-replace-sources",
                        "--apt", "jq", "-o", f"oci:{self.path('oci')}:x", base=BASES["one-line"], project=False)
        self.assertEqual({p["package"] for p in js["apt_packages"]}, set(JQ_PACKAGES), r.describe())
        log = reg.read_log(proxy.requests)
        faults = [entry.get("fault") for entry in log]
        self.assertIn("503", faults)
        self.assertIn("truncate", faults)
        inrelease = [entry for entry in log if entry["path"].endswith("/InRelease")]
        self.assertEqual(inrelease[0]["fault"], "429", inrelease)
        self.assertGreater(len(inrelease), 1, inrelease)
        # The backoff alone would have waited 0.2 to 0.3 s.
        self.assertGreaterEqual(inrelease[1]["time"] - inrelease[0]["time"], 0.95, inrelease)
        validate_image(self.path("oci"), tag="x", report=js)


def refused(case, *args, base=None, cache="cache"):
    """Runs a build that must be refused: exit 3, `venv2docker: error:`, no output left."""
    out = case.path("out.tar")
    oci = case.path("oci")
    r = h.v2d("-b", base or BASES["one-line"], "--cache-dir", case.path(cache), *args,
              "-o", f"docker-archive:{out}", "-o", f"oci:{oci}:x", h.fixtures()["V2D_VENV_DEMO"], expect=3)
    case.assertIn("venv2docker: error:", r.stderr, r.describe())
    case.assertFalse(os.path.lexists(out), r.describe())
    case.assertFalse(os.path.lexists(oci), r.describe())
    return r


class AptRefusals(h.Case):
    """Every refusal: exit 1, `venv2docker: error:` naming the problem, no output left."""

    def refused(self, *args, base=None):
        return refused(self, *args, base=base)

    def assertNamesBadInRelease(self, r):
        self.assertIn(f"{SERVER.url('badsig')}/dists/{aa.SUITE}/InRelease", r.stderr, r.describe())
        self.assertIn("signature", r.stderr, r.describe())

    def test_bad_signature(self):
        self.assertNamesBadInRelease(self.refused(*replace_sources("badsig"), "--apt", "jq"))

    def test_bad_signature_from_the_base_own_sources(self):
        # The base's sources.list points at badsig/; its keyring has only the test key.
        self.assertNamesBadInRelease(self.refused("--apt", "jq", base=BASES["badsig"]))

    def test_signed_by_another_key(self):
        # The good archive, but the source says it is signed by the rogue key.
        r = self.refused("--apt-source", source_line("good", key=aa.key_path(ARCHIVE, rogue=True)),
                         "--apt-replace-sources", "--apt", "jq")
        self.assertIn("signature", r.stderr, r.describe())

    def test_unsigned_refused_then_accepted_when_allowed(self):
        r = self.refused(*replace_sources("unsigned"), "--apt", "jq")
        self.assertTrue("unsigned" in r.stderr or "signature" in r.stderr, r.describe())
        out = self.path("unsigned-ok")
        r = h.v2d("-b", BASES["one-line"], "--cache-dir", self.path("cache2"), *replace_sources("unsigned"),
                  "--apt-allow-unauthenticated", "--apt", "jq", "-o", f"oci:{out}:u", "--project",
                  h.fixtures()["V2D_PROJECT"], h.fixtures()["V2D_VENV_DEMO"])
        self.assertIn("venv2docker: warning:", r.stderr, r.describe())
        rootfs = h.umoci_unpack(out, "u", self.path("bundle"))
        self.assertTrue(os.path.exists(os.path.join(rootfs, "usr/bin/jq")))

    def test_armored_key_on_the_command_line(self):
        out = self.path("armored")
        h.v2d("-b", BASES["one-line"], "--cache-dir", self.path("cache"),
              "--apt-source", source_line("good", key=aa.key_path(ARCHIVE, armored=True)), "--apt-replace-sources",
              "--apt", "libonig5", "-o", f"oci:{out}:a", h.fixtures()["V2D_VENV_DEMO"])
        validate_image(out, tag="a")

    def test_tampered_deb(self):
        r = self.refused(*replace_sources("tampered"), "--apt", "jq")
        self.assertIn(aa.deb_file_name(ARCHIVE, aa.TAMPERED_PACKAGE), r.stderr, r.describe())
        self.assertIn("SHA-256", r.stderr, r.describe())
        # The plan (each package and version) is printed before anything is downloaded.
        versions = aa.package_versions(ARCHIVE)
        plan = r.stderr[:r.stderr.index("venv2docker: error:")]
        for pkg in JQ_PACKAGES:
            self.assertRegex(plan, rf"(?m)^\s+{re.escape(pkg)} {re.escape(versions[pkg])} \(", r.describe())

    def test_conflict(self):
        r = self.refused("--apt", "jq,v2d-conflicts-jq")
        self.assertRegex(r.stderr, r"v2d-conflicts-jq( \S+)? conflicts with jq", r.describe())

    def test_unsatisfiable_dependency(self):
        r = self.refused("--apt", "v2d-needs-new-libc")
        self.assertIn("v2d-needs-new-libc", r.stderr, r.describe())
        self.assertIn("libc6 (>= 99)", r.stderr, r.describe())

    def test_unknown_package(self):
        r = self.refused("--apt", "v2d-no-such-package")
        self.assertIn('no package "v2d-no-such-package"', r.stderr, r.describe())


class AptReleaseTrust(h.Case):
    """A Release whose signature is good is still refused, as apt refuses it, when it is not
    the suite's (a bullseye InRelease served as bookworm's) or older than the one this cache
    already accepted for the source (a mirror replaying an old Release to hide updates). The
    error names the source (URI and suite); the current Release still works afterwards."""

    def source(self, server):
        return (f"deb [signed-by={aa.key_path(ARCHIVE)}] {server.url('good')} {aa.SUITE} {aa.COMPONENT}",)

    def build(self, server, cache):
        return h.v2d("-b", BASES["one-line"], "--cache-dir", self.path(cache), "--apt-source", *self.source(server),
                     "--apt-replace-sources", "--apt", "libonig5", "-o", f"oci:{self.path('ok')}:t",
                     h.fixtures()["V2D_VENV_DEMO"])

    def test_inrelease_of_another_suite_refused(self):
        root = self.path("bullseye")
        aa.resigned_copy(ARCHIVE, root, Suite="oldstable", Codename="bullseye")
        with aa.ArchiveServer(root) as server:
            r = refused(self, "--apt-source", *self.source(server), "--apt-replace-sources", "--apt", "libonig5")
        self.assertIn(f"{server.url('good')} {aa.SUITE}", r.stderr, r.describe())
        self.assertIn('is for suite "oldstable" (codename "bullseye"), not bookworm', r.stderr, r.describe())

    def test_release_matching_by_codename_accepted(self):
        # Debian's own: Suite "stable", Codename "bookworm", asked for as bookworm.
        root = self.path("stable")
        aa.resigned_copy(ARCHIVE, root, Suite="stable")
        with aa.ArchiveServer(root) as server:
            self.build(server, "cache")
        validate_image(self.path("ok"), tag="t")

    def test_older_release_than_the_cached_one_refused(self):
        current = aa.release_date(ARCHIVE)
        older = email.utils.format_datetime(current - datetime.timedelta(days=3), usegmt=True)
        served = aa.resigned_copy(ARCHIVE, self.path("served"), Date=email.utils.format_datetime(current, usegmt=True))
        replay = aa.resigned_copy(ARCHIVE, self.path("replay"), Date=older)
        inrelease = os.path.join(served, "dists", aa.SUITE, "InRelease")
        with open(inrelease, "rb") as f:
            current_bytes = f.read()

        def serve(source_bytes, seconds_ahead):
            # A newer Last-Modified, so the server answers 200 and not 304 to the cache's date.
            with open(inrelease, "wb") as f:
                f.write(source_bytes)
            later = time.time() + seconds_ahead
            os.utime(inrelease, (later, later))

        with aa.ArchiveServer(self.path("served")) as server:
            self.build(server, "cache")
            with open(os.path.join(replay, "dists", aa.SUITE, "InRelease"), "rb") as f:
                serve(f.read(), 10)
            r = refused(self, "--apt-source", *self.source(server), "--apt-replace-sources", "--apt", "libonig5")
            self.assertIn(f"{server.url('good')} {aa.SUITE}", r.stderr, r.describe())
            self.assertIn("older than the", r.stderr, r.describe())
            self.assertIn(older.replace("GMT", "UTC"), r.stderr, r.describe())
            self.assertIn("replays an old Release", r.stderr, r.describe())
            # The same replay is fine for a cache that never saw the newer one (apt's rule too).
            shutil.rmtree(self.path("ok"))
            self.build(server, "fresh-cache")
            # And the current Release still works with the cache that refused the old one.
            serve(current_bytes, 20)
            shutil.rmtree(self.path("ok"))
            self.build(server, "cache")
        validate_image(self.path("ok"), tag="t")


class AptScientific(h.Case):
    """Debian's numpy in a venv onto a base without BLAS/LAPACK."""

    def test_check_names_libraries_and_packages_then_apt_fixes_it(self):
        h.services()
        venv = h.fixtures()["V2D_VENV_SCI"]
        r = h.v2d("--check", "--json", "-b", BASES["one-line"], "--cache-dir", self.path("cache"), venv, expect=1)
        errors = [f for f in r.json()["findings"] if f["severity"] == "error"]
        for lib, pkg in (("libblas.so.3", "libblas3"), ("liblapack.so.3", "liblapack3")):
            named = [f for f in errors if lib in f["message"]]
            self.assertTrue(named, f"no finding names {lib}\n" + r.describe())
            self.assertTrue(all(f["check"] == "missing-library" for f in named), named)
            self.assertTrue(any(f"--apt {pkg}" in f["fix"] for f in named), named)

        # --apt with a library still missing: the fix names the other package,
        # found in the sources --apt already read (each InRelease read once).
        # (Not --json, which keeps stderr quiet: -v lists each InRelease read there.)
        r = h.v2d("--check", "-v", "-b", BASES["one-line"], "--cache-dir", self.path("cache"),
                  "--apt", "libblas3", venv, expect=1)
        report = r.stdout + r.stderr
        self.assertIn("liblapack.so.3", report, r.describe())
        self.assertIn("--apt liblapack3", report, r.describe())
        self.assertNotIn("needs libblas.so.3", report, r.describe())
        reads = [line.strip() for line in r.stderr.splitlines()
                 if line.strip().startswith("Reading http") and line.strip().endswith("/InRelease")]
        self.assertTrue(reads, r.describe())
        self.assertEqual(len(reads), len(set(reads)), reads)

        archive = self.path("sci.tar")
        name = f"v2d-it-apt-sci-{os.getpid()}"
        h.build("-n", name, "--cache-dir", self.path("cache"), "--apt", "libblas3,liblapack3",
                "-o", f"docker-archive:{archive}", venv=venv, project=False, base=BASES["one-line"])
        h.ensure_base_loaded()
        image = self.docker_load(archive)
        out = h.docker_run(image, "sh", "-c", "readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 "
                           "/usr/lib/x86_64-linux-gnu/liblapack.so.3 && python -c \"$0\"", make_venvs.SCI_PROBE)
        self.assertEqual(out.splitlines(), ["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0",
                                            "/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0",
                                            make_venvs.SCI_EXPECTED])


class AptLibraryUnderAnotherName(h.Case):
    """A library whose package is not named after its soname: libjpeg.so.62 is in
    libjpeg62-turbo, which Provides libjpeg62 (the name the soname gives)."""

    def test_missing_libjpeg_names_libjpeg62_turbo(self):
        venv = self.path("venv")
        subprocess.run(["cp", "-a", h.fixtures()["V2D_VENV_DEMO"], venv], check=True)
        # An extension module built against libjpeg.so.62 (a stand-in library with that soname).
        with open(self.path("stub.c"), "w") as f:
            f.write("int stub(void) { return 0; }\n")
        stub = self.path("libjpeg.so.62")
        h.run_tool(["gcc", "-shared", "-fPIC", "-Wl,-soname,libjpeg.so.62", "-o", stub, self.path("stub.c")])
        module = os.path.join(venv, "lib", "python3.11", "site-packages", "jpegmod.cpython-311-x86_64-linux-gnu.so")
        h.run_tool(["gcc", "-shared", "-fPIC", "-o", module, self.path("stub.c"), "-Wl,--no-as-needed", stub])
        r = h.v2d("--check", "--json", "-b", BASES["one-line"], "--cache-dir", self.path("cache"), venv, expect=1)
        named = [f for f in r.json()["findings"] if f["check"] == "missing-library" and "libjpeg.so.62" in f["message"]]
        self.assertTrue(named, r.describe())
        self.assertTrue(all("--apt libjpeg62-turbo" in f["fix"] for f in named), named)


if __name__ == "__main__":
    unittest.main(verbosity=2)
