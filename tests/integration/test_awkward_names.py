#!/usr/bin/python3
"""Awkward names (awkward_names.py: NFC, NFD, CJK, emoji, Latin-1, 240 bytes, a deep path,
hard links, non-ASCII symlink targets) in a venv and a project, read back by a trusted
tool: GNU tar extracts venv2docker's layers (in the C locale, which converts nothing),
and every name, kind, link target and content equals the host's, byte for byte. A name
that is not valid UTF-8 carries a pax `hdrcharset=BINARY` record, as GNU tar's own
pax writer would need to say it is raw bytes.
(test_real_bases.py checks the same names from inside running containers.)"""
import io
import os
import subprocess
import sys
import tarfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402
import tree_snapshot  # noqa: E402

VENV_PACKAGE = "opt/venv/lib/python3.11/site-packages/awkward_names"
C_LOCALE = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"}


def is_utf8(name):
    try:
        name.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


class AwkwardNames(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        f = h.fixtures()
        cls.layout_dir = os.path.join(cls.ctmp, "oci")
        js, _ = h.build("-o", f"oci:{cls.layout_dir}:t1", venv=f["V2D_VENV_AWKWARD"], project=f["V2D_PROJECT_AWKWARD"])
        base_layers = len(h.ImageLayout(h.bases()["V2D_BASE_BOOKWORM_OCI"]).manifest()["layers"])
        cls.layout = validate_image(cls.layout_dir, tag="t1", report=js).layout
        cls.addClassCleanup(cls.layout.close)
        cls.layers = cls.layout.top_layers(base_layers, "t1")
        cls.rootfs = os.path.join(cls.ctmp, "rootfs")
        os.mkdir(cls.rootfs)
        for layer in cls.layers:
            p = subprocess.run(["tar", "-x", "-f", "-", "-C", cls.rootfs], input=cls.layout.layer_tar(layer),
                               env=C_LOCALE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if p.returncode != 0:
                raise AssertionError(f"GNU tar could not extract layer {layer['digest']}:\n{p.stderr.decode(errors='replace')}")

    def assertSameTree(self, extracted, host):
        want = {path: entry[:2] for path, entry in tree_snapshot.snapshot(host).items()}
        got = {path: entry[:2] for path, entry in tree_snapshot.snapshot(extracted).items()}
        self.assertEqual(got, want)
        self.assertGreater(len(want), 10)

    def test_gnu_tar_extracts_the_venv_names_byte_for_byte(self):
        f = h.fixtures()
        host = os.path.join(f["V2D_VENV_AWKWARD"], "lib", "python3.11", "site-packages", "awkward_names")
        self.assertSameTree(os.path.join(self.rootfs, VENV_PACKAGE), host)

    def test_gnu_tar_extracts_the_project_names_byte_for_byte(self):
        self.assertSameTree(os.path.join(self.rootfs, "app"), h.fixtures()["V2D_PROJECT_AWKWARD"])

    def test_names_that_are_not_utf8_are_marked_binary(self):
        raw = []
        for layer in self.layers:
            with tarfile.open(fileobj=io.BytesIO(self.layout.layer_tar(layer)), encoding="utf-8",
                              errors="surrogateescape") as t:
                for member in t:
                    for name in (member.name, member.linkname):
                        if not is_utf8(name.encode("utf-8", "surrogateescape")):
                            raw.append(name)
                            self.assertEqual(member.pax_headers.get("hdrcharset"), "BINARY", repr(name))
        # The Latin-1 file's name, and the name and target of the symlink to it: in the
        # venv and in the project.
        self.assertEqual(len(raw), 2 * 3, raw)


if __name__ == "__main__":
    unittest.main(verbosity=2)
