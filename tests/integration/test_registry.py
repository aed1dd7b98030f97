#!/usr/bin/python3
"""A built OCI layout is accepted unchanged by the reference registry (pushed with skopeo)
and pulled and run by dockerd from it."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402


class Registry(h.Case):
    def test_push_with_skopeo_pull_with_docker(self):
        reg = h.registry()
        out = self.path("out")
        js, _ = h.build("-n", "demo", "-t", "reg", "-o", f"oci:{out}:reg")
        ref = f"{reg}/v2d-it/demo-{os.getpid()}:reg"
        # --preserve-digests: skopeo's blob-info cache (shared by every run on the
        # machine) may otherwise send a differently compressed copy of a layer the
        # registry already holds, and the manifest would no longer be ours.
        h.run_tool(["skopeo", "--insecure-policy", "copy", "--preserve-digests", "--dest-tls-verify=false",
                    f"oci:{out}:reg", f"docker://{ref}"])
        validate_image(out, tag="reg", report=js)
        pushed = validate_image(f"docker://{ref}")
        self.assertEqual(pushed.digest, js["manifest_digest"], "the registry must hold the manifest byte for byte")
        h.ensure_base_loaded()
        h.docker("pull", ref)
        self._images.append(ref)
        self.assertEqual(h.docker_run(ref, "hello").strip(), "hello from /opt/venv (speedups=42)")


if __name__ == "__main__":
    unittest.main(verbosity=2)
