#!/usr/bin/python3
"""A Python 3.11 venv onto a base whose Python is 3.13 (Debian trixie) must be refused,
naming both versions, and leave no output behind. A venv made by another 3.11
release than the base's (a uv-managed 3.11.x on the host) gets the base's
release in its pyvenv.cfg, and a rebuild relocates it once."""
import io
import os
import re
import subprocess
import sys
import tarfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


class VersionMismatch(h.Case):
    def test_311_venv_onto_313_base(self):
        b = h.bases(trixie=True)
        self.assertEqual(b["V2D_BASE_TRIXIE_PYTHON"], "3.13")
        self.assertEqual(h.fixtures()["V2D_HOST_PYTHON_VERSION"], "3.11")
        for base in (f"oci:{b['V2D_BASE_TRIXIE_OCI']}:{b['V2D_BASE_TRIXIE_TAG']}",
                     f"docker-archive:{b['V2D_BASE_TRIXIE_ARCHIVE']}"):
            with self.subTest(base=base):
                out = self.path("out.tar")
                r = h.v2d("-b", base, "--project", h.fixtures()["V2D_PROJECT"], "-o", f"docker-archive:{out}",
                          h.fixtures()["V2D_VENV_DEMO"], expect="nonzero")
                self.assertIn("venv2docker: error:", r.stderr, r.describe())
                self.assertIn("3.11", r.stderr, r.describe())
                self.assertIn("3.13", r.stderr, r.describe())
                self.assertEqual(os.listdir(self.tmp), [], "output left behind")


    def test_pyvenv_cfg_names_the_release_of_the_base(self):
        b = h.bases()
        base = f"oci:{b['V2D_BASE_BOOKWORM_OCI']}:{b['V2D_BASE_BOOKWORM_TAG']}"
        venv = self.path("venv")
        subprocess.run(["cp", "-a", h.fixtures()["V2D_VENV_DEMO"], venv], check=True)
        cfg = os.path.join(venv, "pyvenv.cfg")
        with open(cfg) as f:
            text = f.read()
        # A release the base cannot have, in both spellings: venv's and virtualenv's.
        text = re.sub(r"(?m)^version\s*=.*$", "version = 3.11.97", text) + "version_info = 3.11.97.final.0\n"
        with open(cfg, "w") as f:
            f.write(text)
        release = self.base_release(b["V2D_BASE_BOOKWORM_OCI"], b["V2D_BASE_BOOKWORM_TAG"])
        self.assertRegex(release, r"^3\.11\.\d+$")

        cache, out = self.path("cache"), self.path("out.tar")
        # Settled, or the first build records no stage for the rebuild below to reuse.
        h.let_settle()
        h.v2d("--cache-dir", cache, "-b", base, "--project", h.fixtures()["V2D_PROJECT"], "-n", "release-in-pyvenv-cfg", "-o",
              f"docker-archive:{out}", venv)
        with h.ImageLayout(out) as layout:
            layers = layout.manifest()["layers"]
            files = layout.merged_members(layers)
            _, holder = files["opt/venv/pyvenv.cfg"]
            written = layout.layer_file(holder, "opt/venv/pyvenv.cfg").decode()
        self.assertIn(f"version = {release}\n", written)
        self.assertIn(f"version_info = {release}.final.0\n", written)
        self.assertNotIn("3.11.97", written)
        # The image's interpreter says the same release.
        image = self.docker_load(out)
        said = h.docker_run(image, "/opt/venv/bin/python", "-c", "import platform; print(platform.python_version())")
        self.assertEqual(said.strip(), release)

        # A rebuild knows the base's release from the start: its recorded stage is reused,
        # and the venv is not relocated for a wrong guess first.
        again = h.v2d("-v", "--cache-dir", cache, "-b", base, "--project", h.fixtures()["V2D_PROJECT"], "-o", f"oci:{self.path('out2')}:t", venv)
        self.assertIn("unchanged since a recorded build", again.stderr, again.describe())
        self.assertNotIn("relocating the venv again", again.stderr, again.describe())

    def base_release(self, layout_dir, tag):
        """python3.11-minimal's upstream version in the base's dpkg status, read here."""
        with h.ImageLayout(layout_dir) as layout:
            for layer in layout.manifest(tag)["layers"]:
                with tarfile.open(fileobj=io.BytesIO(layout.layer_tar(layer))) as t:
                    for m in t.getmembers():
                        if h.norm(m.name) == "var/lib/dpkg/status":
                            status = t.extractfile(m).read().decode()
        stanza = next(p for p in status.split("\n\n") if re.search(r"(?m)^Package: python3\.11-minimal$", p))
        return re.search(r"(?m)^Version: (?:\d+:)?([^-\n]+)", stanza).group(1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
