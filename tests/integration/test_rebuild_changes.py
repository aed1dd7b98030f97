#!/usr/bin/python3
"""Every kind of change a rebuild must see, including those that fool a cache comparing only
size and seconds (git's "racy clean" cases): a same-size rewrite keeping the mtime to the
nanosecond, a same-size file renamed over the old one with its mtime, a same-size rewrite
touched back in time, a mode change, a symlink retargeted, and a file turned into a folder.

Each change is made right after a build whose venv stage record and layer cache records were
written (the inputs had settled for 2 s first, as the cache records nothing younger), once in
the venv (the venv stage record and the venv layers' cache) and once in the project (the
project layer's cache); the very next build must give an image holding the change.

And the other way round: a rebuild with nothing changed onto scratch reuses the recorded venv
stage after one walk, never relocating the venv for an interpreter guess the base then
contradicts."""
import os
import stat
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402

REUSED = "unchanged since a recorded build"
RELOCATED_AGAIN = "relocating the venv again"
OLD = b"old text 1\n"
NEW = b"NEW TEXT 2\n"  # the same size as OLD


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def same_size_same_mtime(path):
    """Rewritten in place with the same size, its mtime put back to the nanosecond: only
    ctime tells."""
    before = os.lstat(path)
    write(path, NEW)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns), follow_symlinks=False)
    return ("file", NEW)


def renamed_over(path):
    """Another file of the same size and mtime renamed over it: only the inode and ctime tell."""
    before = os.lstat(path)
    write(path + ".new", NEW)
    os.utime(path + ".new", ns=(before.st_atime_ns, before.st_mtime_ns))
    os.rename(path + ".new", path)
    return ("file", NEW)


def touched_back(path):
    """Rewritten with the same size, then dated years back with touch(1)."""
    write(path, NEW)
    subprocess.run(["touch", "-d", "2001-02-03 04:05:06", path], check=True)
    return ("file", NEW)


def made_executable(path):
    os.chmod(path, 0o755)
    return ("mode", 0o755)


def link_retargeted(path):
    subprocess.run(["ln", "-sfn", "other-target", path], check=True)
    return ("link", "other-target")


def turned_into_folder(path):
    os.unlink(path)
    os.mkdir(path)
    write(os.path.join(path, "inside.txt"), OLD)
    return ("folder", OLD)


CHANGES = [same_size_same_mtime, renamed_over, touched_back, made_executable, link_retargeted,
           turned_into_folder]


def prepare(folder):
    """One file per change (a symlink for the retarget), named after it."""
    os.makedirs(folder, exist_ok=True)
    for change in CHANGES:
        path = os.path.join(folder, change.__name__)
        if change is link_retargeted:
            os.symlink("first-target", path)
        else:
            write(path, OLD)
            os.chmod(path, 0o644)


class RebuildSeesEveryChange(h.Case):
    def setUp(self):
        super().setUp()
        self.venv = self.path("venv")
        self.site = h.bare_venv(self.venv)
        self.project = self.path("project")
        prepare(os.path.join(self.site, "racy"))
        prepare(os.path.join(self.project, "racy"))
        self.cache = self.path("cache")
        self.base = h.bookworm_oci_ref()
        self.base_layers = len(h.bookworm_layer_digests())
        self.builds = 0
        h.let_settle()

    def build(self):
        self.builds += 1
        out = self.path(f"out{self.builds}")
        r = h.v2d("-v", "--project", self.project, "--cache-dir", self.cache, "-b", self.base,
                  "-o", f"oci:{out}:t", self.venv)
        return r, validate_image(out, tag="t").digest, out

    def members(self, out):
        """{path: (TarInfo, layer descriptor)} of the layers venv2docker added."""
        layout = h.ImageLayout(out)
        return layout, layout.merged_members(layout.manifest("t")["layers"][self.base_layers:])

    def assert_holds(self, out, image_path, expected):
        layout, members = self.members(out)
        what, value = expected
        found = members.get(h.norm(image_path))
        self.assertIsNotNone(found, f"{image_path} is not in the image")
        member, layer = found
        if what == "file":
            self.assertTrue(member.isfile(), image_path)
            self.assertEqual(layout.layer_file(layer, image_path), value, image_path)
        elif what == "mode":
            self.assertEqual(stat.S_IMODE(member.mode), value, image_path)
        elif what == "link":
            self.assertTrue(member.issym(), image_path)
            self.assertEqual(member.linkname, value, image_path)
        else:
            self.assertTrue(member.isdir(), image_path)
            inside = image_path + "/inside.txt"
            self.assertIn(h.norm(inside), members, f"{inside} is not in the image")
            self.assertEqual(layout.layer_file(members[h.norm(inside)][1], inside), value, inside)

    def test_every_change_is_seen_by_the_next_build(self):
        _, digest, _ = self.build()
        # The record is there: an unchanged rebuild reuses it (so what follows tests a record).
        again, again_digest, _ = self.build()
        self.assertIn(REUSED, again.stderr, again.describe())
        self.assertEqual(again_digest, digest)

        relative_site = os.path.relpath(self.site, self.venv)
        for change in CHANGES:
            with self.subTest(change=change.__name__):
                expected = change(os.path.join(self.site, "racy", change.__name__))
                in_venv, venv_digest, out = self.build()
                self.assertNotIn(REUSED, in_venv.stderr, in_venv.describe())
                self.assertNotEqual(venv_digest, digest, f"{change.__name__} in the venv went unseen")
                self.assert_holds(out, f"/opt/venv/{relative_site}/racy/{change.__name__}", expected)

                expected = change(os.path.join(self.project, "racy", change.__name__))
                _, project_digest, out = self.build()
                self.assertNotEqual(project_digest, venv_digest, f"{change.__name__} in the project went unseen")
                self.assert_holds(out, f"/app/racy/{change.__name__}", expected)

                # Settled, the new state is recorded (as the first two builds showed)
                # for the next change to be made against.
                h.let_settle()
                _, digest, _ = self.build()
                self.assertEqual(digest, project_digest)


class NoChangeOntoScratch(h.Case):
    def test_unchanged_venv_is_walked_once_and_reused(self):
        venv = self.path("venv")
        h.bare_venv(venv)
        h.let_settle()
        cache = self.path("cache")
        digests = []
        for build in ("first", "again"):
            # Scratch has no Python: a warning, so --force (the image is still written).
            r = h.v2d("-v", "--force", "--cache-dir", cache, "-b", "scratch", "-o", f"oci:{self.path(build)}:t", venv)
            self.assertNotIn(RELOCATED_AGAIN, r.stderr, r.describe())
            digests.append(validate_image(self.path(build), tag="t").digest)
        self.assertEqual(r.stderr.count(REUSED), 1, r.describe())
        self.assertEqual(digests[0], digests[1])


if __name__ == "__main__":
    unittest.main()
