#!/usr/bin/python3
"""`--load` streams the image into the test dockerd (DOCKER_HOST) through its API, with
no file in between; the loaded image runs."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402


class DaemonLoad(h.Case):
    def test_load_into_dockerd(self):
        docker_host = h.services()["DOCKER_HOST"]
        h.ensure_base_loaded()
        name = f"v2d-it-load-{os.getpid()}"
        js, _ = h.build("-n", name, "-t", "l1", "--load", "-o", f"oci:{self.path('out')}:l1",
                        env=h.scrubbed_env(DOCKER_HOST=docker_host))
        self._images.append(f"{name}:l1")
        validate_image(self.path("out"), tag="l1", report=js)
        info = json.loads(h.docker("image", "inspect", f"{name}:l1").stdout)[0]
        config_digest = js["config_digest"]
        self.assertEqual(info["Id"], config_digest, "dockerd's image id is the config digest")
        self.assertEqual(info["RootFS"]["Layers"], [l["diff_id"] for l in js["layers"]])
        self.assertEqual(h.docker_run(f"{name}:l1", "hello").strip(), "hello from /opt/venv (speedups=42)")


if __name__ == "__main__":
    unittest.main(verbosity=2)
