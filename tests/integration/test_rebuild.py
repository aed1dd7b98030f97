#!/usr/bin/python3
"""Rebuilds from a warm cache: an unchanged venv reuses the recorded venv stage (relocation,
checks, layers) and gives the same image and the same warnings; an edited file, another base
or another interpreter in the image is never answered from the record.

The venvs are made here with Debian's python3 -m venv and left to settle for 2 s, as the
cache records nothing about files changed moments before a build."""
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402

REUSED = "unchanged since a recorded build"


def make_venv(path):
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", path], check=True)
    site = next(os.path.join(path, "lib", d, "site-packages") for d in os.listdir(os.path.join(path, "lib")))
    with open(os.path.join(site, "greeting.py"), "w") as f:
        f.write("TEXT = 'hello'\n")
    # A text file naming the venv's folder in a format that is not rewritten: a
    # relocation warning, which a reused stage must report again.
    with open(os.path.join(path, "notes.conf"), "w") as f:
        f.write(f"home={path}\n")
    return site


def image_file(out, path):
    """The bytes of `path` in the image at the OCI layout `out` (tag t), or None."""
    layout = h.ImageLayout(out)
    found = layout.merged_members(layout.manifest("t")["layers"]).get(h.norm(path))
    return None if found is None else layout.layer_file(found[1], path)


def warnings_of(result):
    return sorted(line for line in result.stderr.splitlines() if line.startswith("venv2docker: warning:"))


class Rebuild(h.Case):
    def setUp(self):
        super().setUp()
        self.venv = self.path("venv")
        self.site = make_venv(self.venv)
        self.cache = self.path("cache")
        h.let_settle()

    def build(self, label, *extra, base=None, expect=0):
        out = self.path(label)
        r = h.v2d("-v", "--no-project", "--cache-dir", self.cache, "-b", base or h.bookworm_oci_ref(),
                  "-o", f"oci:{out}:t", *extra, self.venv, expect=expect)
        digest = validate_image(out, tag="t").digest if expect == 0 else None
        return r, digest, out

    def test_unchanged_venv_reuses_the_stage_with_the_same_image_and_warnings(self):
        first, digest, _ = self.build("first")
        self.assertNotIn(REUSED, first.stderr)
        self.assertTrue(any("notes.conf still names" in w for w in warnings_of(first)), first.describe())

        second, again, _ = self.build("second")
        self.assertIn(REUSED, second.stderr, second.describe())
        self.assertEqual(again, digest)
        self.assertEqual(warnings_of(second), warnings_of(first))

    def test_an_edited_file_is_built_again_and_recorded_anew(self):
        _, digest, _ = self.build("first")
        with open(os.path.join(self.site, "greeting.py"), "a") as f:
            f.write("EDITED = True\n")
        h.let_settle()

        edited, edited_digest, out = self.build("edited")
        self.assertNotIn(REUSED, edited.stderr, edited.describe())
        self.assertNotEqual(edited_digest, digest)
        relative = os.path.relpath(os.path.join(self.site, "greeting.py"), self.venv)
        self.assertIn(b"EDITED = True", image_file(out, "opt/venv/" + relative) or b"")

        again, again_digest, _ = self.build("again")
        self.assertIn(REUSED, again.stderr, again.describe())
        self.assertEqual(again_digest, edited_digest)

    def test_another_base_is_checked_again(self):
        self.build("bookworm")
        # The venv is Python 3.11; trixie has 3.13: its check must fail, not
        # repeat bookworm's passing report.
        b = h.bases(trixie=True)
        failed, _, _ = self.build("trixie", base=f"oci:{b['V2D_BASE_TRIXIE_OCI']}:{b['V2D_BASE_TRIXIE_TAG']}",
                                  expect=1)
        self.assertNotIn(REUSED, failed.stderr)
        self.assertIn("python", failed.stderr.lower())
        self.assertTrue(re.search(r"3\.13", failed.stderr), failed.describe())

    def test_another_venv_destination_is_relocated_again(self):
        _, digest, _ = self.build("opt")
        moved, moved_digest, out = self.build("srv", "--venv-path", "/srv/venv")
        self.assertNotIn(REUSED, moved.stderr, moved.describe())
        self.assertNotEqual(moved_digest, digest)
        self.assertIn(b"/srv/venv", image_file(out, "srv/venv/bin/activate") or b"")

if __name__ == "__main__":
    unittest.main()
