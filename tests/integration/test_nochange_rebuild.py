#!/usr/bin/python3
"""A rebuild with nothing changed does nothing after the walk: its venv stage is recorded, so
the base's files are not read (neither its layers nor the records of their listings), and the
OCI layout already holds the image, so nothing in it is written again (index.json keeps its
inode and mtime). Both are watched with strace and stat, on a real Debian base.

And what it skips must come back the moment something changes: a file of the venv rewritten
with its size and mtime kept (only ctime tells, git's racy-clean case) is in the next image,
the base's files are read again for its checks, and the same layout's index names the new
image."""
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
OLD = b"old text 1\n"
NEW = b"NEW TEXT 2\n"  # the same size as OLD
OPENED = re.compile(r'^\d+ +openat\((?:AT_FDCWD|\d+), "((?:[^"\\]|\\.)*)", ([A-Z_|]+)')


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


class NoChangeRebuild(h.Case):
    def setUp(self):
        super().setUp()
        self.venv = self.path("venv")
        self.module = os.path.join(h.bare_venv(self.venv), "racy.py")
        write(self.module, OLD)
        self.project = self.path("project")
        os.makedirs(self.project)
        write(os.path.join(self.project, "app.py"), b"print('app')\n")
        self.cache = self.path("cache")
        self.out = self.path("out")
        self.base = h.bookworm_oci_ref()
        self.base_layers = h.bookworm_layer_digests()
        h.let_settle()

    def build(self, name):
        """One build into the same layout under strace; (result, image digest, files opened)."""
        log = self.path(f"{name}.strace")
        cmd = ["strace", "-f", "-qq", "-s", "4096", "-e", "trace=openat", "-o", log, h.v2d_bin(), "-v",
               "--project", self.project, "--cache-dir", self.cache, "-b", self.base, "-o", f"oci:{self.out}:t",
               self.venv]
        p = subprocess.run(cmd, env=h.scrubbed_env(), cwd=self.path(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, encoding="utf-8", errors="surrogateescape", timeout=900)
        r = h.Result(cmd, p)
        self.assertEqual(r.returncode, 0, r.describe())
        opened, written = [], []
        with open(log, encoding="utf-8", errors="surrogateescape") as f:
            for line in f:
                m = OPENED.match(line)
                if m and " = -1 " not in line:
                    opened.append(m.group(1))
                    if re.search(r"O_WRONLY|O_RDWR|O_CREAT", m.group(2)):
                        written.append(m.group(1))
        self.written = written
        return r, validate_image(self.out, tag="t").digest, opened

    def base_reads(self, opened):
        """The files of the base's index among `opened`: its layers and their listing records."""
        return [path for path in opened
                if "/listings/" in path or any(os.path.basename(path) == layer for layer in self.base_layers)]

    def test_nothing_changed_reads_no_base_file_and_writes_nothing(self):
        _, digest, opened = self.build("first")
        self.assertTrue(self.base_reads(opened), "the first build must read the base's files")
        index = os.path.join(self.out, "index.json")
        before = os.stat(index)
        with open(index, "rb") as f:
            before_bytes = f.read()

        again, again_digest, opened = self.build("again")
        self.assertIn(REUSED, again.stderr, again.describe())
        self.assertEqual(again_digest, digest)
        self.assertEqual(self.base_reads(opened), [], "a rebuild with nothing changed read the base's files")
        after = os.stat(index)
        self.assertEqual((after.st_ino, after.st_mtime_ns), (before.st_ino, before.st_mtime_ns),
                         "a rebuild with nothing changed wrote index.json again")
        # The output's preflight probes that it may write there, and removes its probe.
        self.assertEqual([path for path in self.written if path.startswith(self.out + "/") and
                          "write-probe" not in path], [], "a rebuild with nothing changed wrote into the layout")

        # Only ctime tells: the next build sees it, reads the base for its checks, and the
        # same layout's index names the new image.
        stat = os.lstat(self.module)
        write(self.module, NEW)
        os.utime(self.module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        changed, changed_digest, opened = self.build("changed")
        self.assertNotIn(REUSED, changed.stderr, changed.describe())
        self.assertNotEqual(changed_digest, digest, "a same-size rewrite keeping the mtime went unseen")
        self.assertTrue(self.base_reads(opened), "the checks of a changed venv must read the base's files")
        layout = h.ImageLayout(self.out)
        members = layout.merged_members(layout.manifest("t")["layers"][len(self.base_layers):])
        site = os.path.relpath(self.module, self.venv)
        self.assertEqual(layout.layer_file(members[h.norm(f"/opt/venv/{site}")][1], f"/opt/venv/{site}"), NEW)
        # Not the inode: the build writes index.json twice (the image, then its SBOM), and the
        # second file may take the inode number the first replacement freed.
        with open(index, "rb") as f:
            self.assertNotEqual(f.read(), before_bytes, "the new image's index was not written")

    def sbom_packages(self, digest):
        """The names of the packages the layout's SBOM of the image `digest` lists."""
        layout = h.ImageLayout(self.out)
        for entry in layout.referrers():
            manifest = layout.json_blob(entry["digest"])
            if manifest["subject"]["digest"] == digest:
                document = json.loads(layout.blob(manifest["layers"][0]["digest"]))
                return {package["name"] for package in document["packages"]}
        self.fail(f"the layout lists no SBOM of {digest}")

    def test_changed_project_file_reads_no_base_file_and_its_sbom_lists_the_base(self):
        _, digest, opened = self.build("first")
        self.assertTrue(self.base_reads(opened), "the first build must read the base's files")
        first_packages = self.sbom_packages(digest)
        self.assertIn("dpkg", first_packages, "the SBOM lists the base's Debian packages")

        write(os.path.join(self.project, "app.py"), b"print('changed')\n")
        changed, changed_digest, opened = self.build("changed")
        self.assertNotEqual(changed_digest, digest, changed.describe())
        # A new image needs a new SBOM, whose Debian packages are the base's: kept in the
        # cache by the base's digest, not read from its layers again.
        self.assertEqual(self.base_reads(opened), [], "a changed project file made the build read the base's files")
        self.assertEqual(self.sbom_packages(changed_digest), first_packages)


if __name__ == "__main__":
    unittest.main()
