#!/usr/bin/python3
"""Hostile content inside a venv and a project: nothing of the host's private files
reaches an image, no crafted file crashes or hangs venv2docker, no whiteout reaches a layer.

Real venvs (/usr/bin/python3 -m venv, as make_venvs.py makes them) with files a wheel
could drop without running any code, and a fake HOME (set in the environment the binary
runs with) holding a fake ~/.ssh/id_rsa:
- a site-packages .pth naming $HOME, ~/.ssh, / or the folder holding the venv (each a
  Python project otherwise, so only the rule at stake refuses it) or a plain folder:
  the build fails naming the .pth, its line and the folder, nothing is written at the
  destination, and the `--exclude` the hint gives makes the next build succeed without
  the secret; a .pth naming a real Python project outside the venv is still copied;
- a 64 KiB .so whose version needs would take over 100 million steps: `--check` ends
  (under a timeout) with a warning that names it;
- an editable finder whose MAPPING nests 100 000 lists: an error naming the file, not
  a crash;
- files named .wh.something and .wh..wh..opq in the venv and the project: the build
  succeeds with a warning naming each, and no layer of the image holds such a name
  (read back with Python's tarfile)."""
import os
import pathlib
import signal
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crafted_elf  # noqa: E402
import harness as h  # noqa: E402
import make_venvs  # noqa: E402
from validate_image import validate_image  # noqa: E402

SECRET = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key, a test's\n"
# Far beyond what a --check of a small venv takes; a reading that follows the
# crafted counts takes many minutes.
CHECK_TIMEOUT = 120


def make_venv(path):
    make_venvs.run([make_venvs.HOST_PYTHON, "-m", "venv", "--without-pip", path])
    return next(os.path.join(path, "lib", d, "site-packages") for d in os.listdir(os.path.join(path, "lib")))


def write(path, text, mode=0o644):
    file = pathlib.Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)
    file.chmod(mode)


def make_python_project(folder):
    write(os.path.join(folder, "pyproject.toml"), "[project]\nname = 'x'\nversion = '1'\n")


def image_names(layout_dir, tag):
    """Every member name of every layer of the image, normalised."""
    layout = h.ImageLayout(layout_dir)
    names = set()
    for descriptor in layout.manifest(tag)["layers"]:
        names |= set(layout.layer_members(descriptor))
    return names


def whiteout_names(names):
    return sorted(n for n in names if any(part.startswith(".wh.") for part in n.split("/")))


class HostileVenv(h.Case):
    """One venv per test under <tmp>/work, a fake HOME beside it."""

    def setUp(self):
        super().setUp()
        self.work = self.path("work")
        self.venv = os.path.join(self.work, "venv")
        self.site = make_venv(self.venv)
        self.home = self.path("home")
        write(os.path.join(self.home, ".ssh", "id_rsa"), SECRET, 0o600)
        self.env = h.scrubbed_env(HOME=self.home)
        self.out = self.path("out")

    def run_v2d(self, *args, expect=0, timeout=900):
        return h.v2d("--no-project", "--cache-dir", self.path("cache"), *args, self.venv,
                     env=self.env, expect=expect, timeout=timeout)

    def build(self, *args, expect=0):
        return self.run_v2d("-b", h.bookworm_oci_ref(), "-o", f"oci:{self.out}:t", *args, expect=expect)

    def pth(self, folder, name="evil.pth"):
        write(os.path.join(self.site, name), f"import os\n{folder}\n")
        return os.path.relpath(os.path.join(self.site, name), self.venv)


class RefusedFolders(HostileVenv):
    def assert_refused(self, folder, reason):
        relative = self.pth(folder)
        r = self.build(expect=3)
        err = r.stderr
        self.assertIn(os.path.join(self.venv, relative) + " line 2 names " + folder, err, r.describe())
        self.assertIn(reason, err, r.describe())
        self.assertIn("--exclude " + relative, err, r.describe())
        self.assertNotIn(SECRET.splitlines()[0], r.stdout + err)
        self.assertFalse(os.path.exists(self.out), "the destination was written")
        # The hint is true: with that --exclude the build succeeds, and the key is nowhere.
        self.build("--exclude", relative)
        names = image_names(self.out, "t")
        self.assertFalse([n for n in names if n.endswith("id_rsa") or n.endswith(relative)], sorted(names))
        validate_image(self.out, tag="t")

    def test_home(self):
        make_python_project(self.home)
        self.assert_refused(self.home, "it is the home folder " + self.home)

    def test_dot_folder_of_home(self):
        make_python_project(os.path.join(self.home, ".ssh"))
        self.assert_refused(os.path.join(self.home, ".ssh"), "a hidden folder of a home")

    def test_root(self):
        self.assert_refused("/", "it is the root folder")

    def test_folder_holding_the_venv(self):
        make_python_project(self.work)
        self.assert_refused(self.work, "it holds " + self.venv)

    def test_folder_that_is_no_python_project(self):
        plain = self.path("plain")
        write(os.path.join(plain, "module.py"), "X = 1\n")
        self.assert_refused(plain, "no Python project")

    def test_a_python_project_outside_is_still_copied(self):
        project = self.path("lib-project")
        make_python_project(project)
        write(os.path.join(project, "libmod.py"), "X = 1\n")
        self.pth(project)
        r = self.build()
        self.assertIn("the editable source " + project, r.stderr)
        names = image_names(self.out, "t")
        self.assertIn("opt/venv/src/lib-project/libmod.py", names)
        self.assertIn("opt/venv/src/lib-project/pyproject.toml", names)


class CraftedFiles(HostileVenv):
    def test_version_needs_bomb_is_a_warning_not_a_hang(self):
        bomb = os.path.join(self.site, "libbomb.so")
        with open(bomb, "wb") as f:
            f.write(crafted_elf.version_needs_bomb())
        os.chmod(bomb, 0o755)
        r = self.run_v2d("--check", "-b", h.bookworm_oci_ref(), timeout=CHECK_TIMEOUT)
        self.assertRegex(r.stdout + r.stderr, rf"{bomb} is a truncated or malformed ELF file \(.*needed versions")

    def test_deeply_nested_finder_mapping_is_an_error_not_a_crash(self):
        finder = os.path.join(self.site, "__editable___evil_1_0_finder.py")
        depth = 100_000
        write(finder, "MAPPING = " + "[" * depth + "]" * depth + "\n")
        r = self.build(expect=None)
        self.assertNotEqual(r.returncode, -signal.SIGSEGV, r.describe())
        self.assertEqual(r.returncode, 3, r.describe())
        self.assertIn(f"MAPPING in {finder} nests lists, tuples or dicts deeper than 200 levels", r.stderr)
        self.assertFalse(os.path.exists(self.out))


class Whiteouts(HostileVenv):
    def test_venv_and_project_whiteouts_never_reach_a_layer(self):
        write(os.path.join(self.site, ".wh.something"), "would delete something\n")
        write(os.path.join(self.site, "pkg", ".wh..wh..opq"), "would hide the base's pkg\n")
        write(os.path.join(self.site, "pkg", "__init__.py"), "")
        project = self.path("project")
        write(os.path.join(project, "app.py"), "print('app')\n")
        write(os.path.join(project, ".wh.something"), "")
        write(os.path.join(project, "etc", ".wh..wh..opq"), "")
        write(os.path.join(project, ".wh.folder", "inside.txt"), "")
        r = h.v2d("--cache-dir", self.path("cache"), "-b", h.bookworm_oci_ref(), "--project", project,
                  "-o", f"oci:{self.out}:t", self.venv, env=self.env)
        for path in (os.path.join(self.site, ".wh.something"), os.path.join(self.site, "pkg", ".wh..wh..opq"),
                     os.path.join(project, ".wh.something"), os.path.join(project, "etc", ".wh..wh..opq"),
                     os.path.join(project, ".wh.folder")):
            self.assertIn(f"{path} is named like an OCI whiteout", r.stderr, r.describe())
        base_layers = len(h.ImageLayout(h.bases()["V2D_BASE_BOOKWORM_OCI"]).manifest()["layers"])
        layout = h.ImageLayout(self.out)
        new_names = set()
        for descriptor in layout.manifest("t")["layers"][base_layers:]:
            new_names |= set(layout.layer_members(descriptor))
        self.assertEqual(whiteout_names(new_names), [])
        self.assertIn("app/app.py", new_names)
        self.assertIn("opt/venv/" + os.path.relpath(os.path.join(self.site, "pkg", "__init__.py"), self.venv), new_names)
        validate_image(self.out, tag="t")


if __name__ == "__main__":
    unittest.main()
