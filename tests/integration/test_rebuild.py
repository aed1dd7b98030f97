#!/usr/bin/python3
"""Rebuilds from a warm cache: an unchanged venv reuses the recorded venv stage (relocation,
checks, layers) and gives the same image and the same warnings; an edited file, another base
or another interpreter in the image is never answered from the record. A cold build's text
scan, run while packing, relocates again when it finds a file that names an old path.

The venvs are made here with Debian's python3 -m venv and left to settle for 2 s, as the
cache records nothing about files changed moments before a build."""
import json
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

class TextScanWhilePacking(h.Case):
    """A cold build leaves the text scan of files its memo does not know to the layer
    writer, betting they name no old path. A file that does is found while packing, and
    the venv is relocated again with it read first: the image is as if it had been read
    first, its warning is given once, and the next build reads it first without betting."""

    def setUp(self):
        super().setUp()
        self.venv = self.path("venv")
        self.site = make_venv(self.venv)
        # A plain-text format relocation rewrites: the bet on it is lost.
        with open(os.path.join(self.site, "tool_paths.json"), "w") as f:
            f.write(f'{{"data": "{self.venv}/share/tool"}}\n')
        self.cache = self.path("cache")
        h.let_settle()

    def build(self, label, verbosity="-v"):
        """verbosity: "-v" (details on stderr) or "--json" (the result on stdout, no details)."""
        out = self.path(label)
        r = h.v2d(verbosity, "--no-project", "--cache-dir", self.cache, "-b", h.bookworm_oci_ref(),
                  "-o", f"oci:{out}:t", self.venv)
        return r, validate_image(out, tag="t").digest, out

    def test_a_file_found_while_packing_is_relocated_with_the_image_as_if_read_first(self):
        first, digest, out = self.build("first")
        self.assertIn("relocating again", first.stderr, first.describe())
        paths = image_file(out, "opt/venv/" + os.path.relpath(os.path.join(self.site, "tool_paths.json"), self.venv))
        self.assertEqual(paths, b'{"data": "/opt/venv/share/tool"}\n')
        notes = [w for w in warnings_of(first) if "notes.conf still names" in w]
        self.assertEqual(len(notes), 1, first.describe())

        # Another stat, the same bytes: the stage is relocated again, with the two
        # files read first (the memo says relocation acts on them), and no bet lost.
        greeting = os.path.join(self.site, "greeting.py")
        os.utime(greeting, (1_600_000_000, 1_600_000_000))
        h.let_settle()
        second, again, _ = self.build("second")
        self.assertNotIn(REUSED, second.stderr, second.describe())
        self.assertNotIn("relocating again", second.stderr, second.describe())
        self.assertEqual(again, digest)
        self.assertEqual(warnings_of(second), warnings_of(first))

        third, recorded, _ = self.build("third")
        self.assertIn(REUSED, third.stderr, third.describe())
        self.assertEqual(recorded, digest)

    def test_the_result_reports_the_warnings_of_the_relocation_that_stood(self):
        def relocation_findings(result):
            return [f["message"] for f in json.loads(result.stdout)["check"]["findings"] if f["check"] == "relocation"]

        first, digest, _ = self.build("first", "--json")
        findings = relocation_findings(first)
        self.assertEqual(len(findings), 1, first.stdout)
        self.assertIn("notes.conf still names", findings[0])
        # As when the files are read first (the memo says so now, and a new stat misses the stage).
        os.utime(os.path.join(self.site, "greeting.py"), (1_600_000_000, 1_600_000_000))
        h.let_settle()
        second, again, _ = self.build("second", "--json")
        self.assertEqual(again, digest)
        self.assertEqual(relocation_findings(second), findings)

    def test_a_venv_naming_no_old_path_is_packed_once(self):
        os.remove(os.path.join(self.site, "tool_paths.json"))
        os.remove(os.path.join(self.venv, "notes.conf"))
        h.let_settle()
        first, digest, _ = self.build("first")
        self.assertNotIn("relocating again", first.stderr, first.describe())
        self.assertEqual(warnings_of(first), [], first.describe())
        second, again, _ = self.build("second")
        self.assertIn(REUSED, second.stderr, second.describe())
        self.assertEqual(again, digest)


if __name__ == "__main__":
    unittest.main()
