#!/usr/bin/python3
"""Outputs that must not hurt the user: --clean removes only a build folder venv2docker
made (it holds a marker), never ".", nor a folder the user named that already existed;
and an output that cannot be written (a file where a folder must be, a folder where the
file goes, a read-only folder) is refused before the base is read, by the path the user
gave, never a temporary name."""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

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
        self.assertEqual(r.returncode, 1, r.describe())
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
        self.assertEqual(r.returncode, 1, r.describe())
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


if __name__ == "__main__":
    unittest.main(verbosity=2)
