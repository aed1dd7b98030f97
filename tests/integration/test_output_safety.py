#!/usr/bin/python3
"""Outputs that must not hurt the user: --clean removes only a build folder venv2docker
made (it holds a marker), never ".", nor a folder the user named that already existed;
and an output that cannot be written (a file where a folder must be, a folder where the
file goes, a read-only folder) is refused before the base is read, by the path the user
gave, never a temporary name; and a push whose credentials the registry refuses fails
before the base is read as well."""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import registries as r  # noqa: E402

MARKER = ".venv2docker-build-folder"
# A base that does not exist: an output refused before the base is read names the output.
MISSING_BASE = "oci:/nonexistent-v2d-base:x"


def snapshot(folder):
    return sorted(os.path.relpath(os.path.join(r, n), folder) for r, ds, fs in os.walk(folder) for n in ds + fs)


class Clean(h.Case):
    def user_folder(self, name):
        folder = self.path(name)
        os.makedirs(os.path.join(folder, "sub"))
        for rel in ("notes.txt", "sub/data.bin"):
            with open(os.path.join(folder, rel), "w") as f:
                f.write("the user's\n")
        return folder

    def assertRefused(self, r, folder):
        self.assertEqual(r.returncode, 3, r.describe())
        self.assertIn("venv2docker: error: --clean refuses to remove", r.stderr, r.describe())
        self.assertIn(folder, r.stderr, r.describe())
        self.assertIn("did not make it", r.stderr, r.describe())

    def test_current_folder_is_never_removed(self):
        folder = self.user_folder("here")
        before = snapshot(folder)
        r = h.v2d("--build-dir", ".", "--clean", cwd=folder, expect=None)
        self.assertRefused(r, ".")
        self.assertEqual(snapshot(folder), before, "--clean deleted the user's files")

    def test_unrelated_folder_is_never_removed(self):
        folder = self.user_folder("w2")
        before = snapshot(folder)
        r = h.v2d("--build-dir", "w2", "--clean", cwd=self.tmp, expect=None)
        self.assertRefused(r, "w2")
        self.assertEqual(snapshot(folder), before, "--clean deleted the user's files")

    def test_a_build_folder_venv2docker_made_is_removed(self):
        f = h.fixtures()
        build_dir = self.path("made", "by", "v2d")
        h.v2d("--cache-dir", self.path("cache"), "-b", h.bookworm_oci_ref(), "--project", f["V2D_PROJECT"],
              "--build-dir", build_dir, f["V2D_VENV_DEMO"])
        self.assertIn(MARKER, os.listdir(build_dir))
        self.assertTrue(any(n.endswith(".tar") for n in os.listdir(build_dir)), os.listdir(build_dir))
        r = h.v2d("--build-dir", build_dir, "--clean")
        self.assertIn("Removed", r.stderr)
        self.assertFalse(os.path.exists(build_dir))
        self.assertTrue(os.path.isdir(self.path("made", "by")), "--clean removed more than the build folder")

    def test_an_existing_folder_used_as_build_folder_stays_unmarked(self):
        f = h.fixtures()
        folder = self.user_folder("mine")
        h.v2d("--cache-dir", self.path("cache"), "-b", h.bookworm_oci_ref(), "--project", f["V2D_PROJECT"],
              "--build-dir", folder, f["V2D_VENV_DEMO"])
        self.assertNotIn(MARKER, os.listdir(folder))
        self.assertRefused(h.v2d("--build-dir", folder, "--clean", expect=None), folder)
        self.assertIn("notes.txt", os.listdir(folder))


class OutputsCheckedFirst(h.Case):
    def run_to(self, *outputs, wrap=()):
        f = h.fixtures()
        argv = [h.v2d_bin(), "--cache-dir", self.path("cache"), "-b", MISSING_BASE, "--project", f["V2D_PROJECT"]]
        for out in outputs:
            argv += ["-o", out]
        p = subprocess.run([*wrap, *argv, f["V2D_VENV_DEMO"]], cwd=self.tmp, env=h.scrubbed_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
        return h.Result(argv, p)

    def assertRefusedFirst(self, r, *mentions):
        self.assertEqual(r.returncode, 3, r.describe())
        self.assertIn("venv2docker: error: cannot write --output", r.stderr, r.describe())
        for m in mentions:
            self.assertIn(m, r.stderr, r.describe())
        self.assertNotIn("nonexistent-v2d-base", r.stderr, "the base was read before the outputs were checked")
        for temporary in (".v2dtmp-", ".tmp-"):
            self.assertNotIn(temporary, r.stderr, "the error names a temporary path")
        self.assertFalse(os.path.exists(self.path("cache")), "work started before the outputs were checked")

    def test_a_file_where_a_folder_must_be(self):
        with open(self.path("afile"), "w") as f:
            f.write("mine\n")
        for out in (f"oci:{self.path('afile')}:t", f"oci:{self.path('afile', 'layout')}",
                    f"docker-archive:{self.path('afile', 'x.tar')}"):
            with self.subTest(output=out):
                self.assertRefusedFirst(self.run_to(f"oci:{self.path('ok')}", out), out, self.path("afile"))
        with open(self.path("afile")) as f:
            self.assertEqual(f.read(), "mine\n")
        self.assertFalse(os.path.exists(self.path("ok")))

    def test_a_folder_where_the_archive_goes(self):
        os.makedirs(self.path("adir"))
        out = f"docker-archive:{self.path('adir')}"
        self.assertRefusedFirst(self.run_to(out), out, "is a folder")

    def test_a_read_only_folder(self):
        if shutil.which("unshare") is None:
            raise h.SetupError("unshare is not installed (util-linux; scripts/test installs it)")
        ro = self.path("ro")
        os.makedirs(os.path.join(ro, "layout"))
        # Root ignores permission bits: a read-only bind mount, in a private mount
        # namespace, refuses root too.
        wrap = ("unshare", "--mount", "--propagation", "private", "sh", "-c",
                'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"', "sh", ro)
        for out in (f"docker-archive:{self.path('ro', 'x.tar')}", f"oci:{self.path('ro', 'layout')}:t",
                    f"oci:{self.path('ro', 'new', 'layout')}"):
            with self.subTest(output=out):
                self.assertRefusedFirst(self.run_to(out, wrap=wrap), out, "Read-only file system")
        self.assertEqual(snapshot(ro), ["layout"])



class PushCredentialsCheckedFirst(h.Case):
    """A push's credentials are asked about before the base is read, with one
    authorised GET /v2/ and nothing sent: a token registry (a wrong password, an
    account its token service lets only pull) and a Basic one (a wrong password)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tokens, token_config = r.start_token_service(os.path.join(cls.ctmp, "tokens"))
        cls.addClassCleanup(cls.tokens.stop)
        cls.registry = r.start_registry(os.path.join(cls.ctmp, "registry"), token=token_config)
        cls.addClassCleanup(cls.registry.stop)
        cls.ca, crt, key = r.make_ca(os.path.join(cls.ctmp, "ca"))
        cls.basic = r.start_registry(os.path.join(cls.ctmp, "basic"), tls=(crt, key), htpasswd=True)
        cls.addClassCleanup(cls.basic.stop)

    def push(self, registry, user, password, *extra):
        f = h.fixtures()
        env = h.scrubbed_env()
        env["DOCKER_CONFIG"] = self.path("no-docker-config")
        argv = [h.v2d_bin(), "--cache-dir", self.path("cache"), "-b", MISSING_BASE, "--project", f["V2D_PROJECT"],
                "--push", "-n", f"{registry.addr}/pushed/app", "-t", "1", "--creds", f"{user}:{password}", *extra,
                f["V2D_VENV_DEMO"]]
        p = subprocess.run(argv, cwd=self.tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=600)
        return h.Result(argv, p)

    def assertRefusedFirst(self, res, registry, password):
        self.assertEqual(res.returncode, 3, res.describe())
        self.assertIn("venv2docker: error: registry " + registry.addr, res.stderr, res.describe())
        self.assertNotIn("nonexistent-v2d-base", res.stderr, "the base was read before the push was checked")
        self.assertNotIn(password, res.stderr + res.stdout)
        self.assertFalse(os.path.exists(self.path("cache")), "work started before the push was checked")

    def assertNothingSent(self, registry):
        # The registry's own log: reads only, and its storage holds no repository.
        with open(registry.log, errors="replace") as f:
            requests = [line for line in f if '"GET /v2/' in line or '"POST /v2/' in line or '"PUT /v2/' in line or
                        '"PATCH /v2/' in line or '"DELETE /v2/' in line]
        self.assertTrue(requests, "the push access was never asked about")
        self.assertEqual([line for line in requests if '"GET /v2/' not in line], [], requests)
        self.assertFalse(os.path.exists(os.path.join(registry.folder, "data", "docker", "registry", "v2",
                                                     "repositories", "pushed")))

    def test_a_wrong_password_fails_before_the_base_is_read(self):
        res = self.push(self.registry, r.USER, "not-the-password")
        self.assertRefusedFirst(res, self.registry, "not-the-password")
        self.assertIn("refused the credentials from --creds", res.stderr, res.describe())

    def test_an_account_that_may_only_pull_fails_before_the_base_is_read(self):
        res = self.push(self.registry, r.READER, r.READER_PASSWORD)
        self.assertRefusedFirst(res, self.registry, r.READER_PASSWORD)
        self.assertIn("does not let the credentials from --creds push to pushed/app: its token service granted pull",
                      res.stderr, res.describe())
        self.assertIn("hint: use an account that may push to", res.stderr, res.describe())

    def test_a_wrong_basic_password_fails_before_the_base_is_read_with_a_push_hint(self):
        res = self.push(self.basic, r.USER, "not-the-password", "--ca-cert", self.ca)
        self.assertRefusedFirst(res, self.basic, "not-the-password")
        self.assertIn("refused the credentials from --creds", res.stderr, res.describe())
        self.assertIn("may push to " + self.basic.addr + "/pushed/app", res.stderr, res.describe())
        self.assertNothingSent(self.basic)

    def test_accepted_credentials_go_on_having_sent_nothing(self):
        res = self.push(self.registry, r.USER, r.PASSWORD)
        self.assertEqual(res.returncode, 3, res.describe())
        self.assertIn("nonexistent-v2d-base", res.stderr, "with credentials that may push, the build goes on")
        self.assertNothingSent(self.registry)
        log = r.read_log(self.tokens.requests)
        self.assertIn(f"repository:pushed/app:pull,push", [s for e in log for s in e["scopes"]], log)


if __name__ == "__main__":
    unittest.main(verbosity=2)
