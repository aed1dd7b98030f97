#!/usr/bin/python3
"""Podman, a second independent runtime, runs the image straight from the OCI layout and
from the docker-archive (`podman load`), with its own private storage (overlay) and no network."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402

HELLO = "hello from /opt/venv (speedups=42)"


class Podman(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.name = f"v2d-it-podman-{os.getpid()}"
        # Podman names an image from its layout's path, and names must be lower case.
        lower = h.make_tmp("podman")
        cls.addClassCleanup(h.remove_tmp, lower)
        cls.layout = os.path.join(lower, "oci")
        cls.archive = os.path.join(cls.ctmp, "image.tar")
        # The venv's own interpreter on scratch: a small image to load and run.
        cls.js, _ = h.build("-n", cls.name, "-t", "p1", "--python-from", "host", "-o", f"oci:{cls.layout}:p1",
                            "-o", f"docker-archive:{cls.archive}", base="scratch")
        cls.storage = os.path.join(cls.ctmp, "podman")

    def test_outputs_are_valid(self):
        validate_image(self.layout, tag="p1", report=self.js)
        validate_image(self.archive, report=self.js)

    def podman(self, *args):
        return h.podman(self.storage, *args)

    def test_runs_from_the_oci_layout(self):
        self.assertEqual(self.podman("run", f"oci:{self.layout}:p1", "hello").strip(), HELLO)
        self.assertEqual(self.podman("run", f"oci:{self.layout}:p1", "python", "-c",
                                     "import sys; print(sys.prefix)").strip(), "/opt/venv")

    def test_loads_and_runs_the_docker_archive(self):
        loaded = h.podman_load(self.storage, self.archive)
        self.assertTrue(loaded.endswith(f"/{self.name}:p1"), loaded)
        self.assertIn("greetings from the editable package", self.podman("run", loaded, "python", "app.py"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
