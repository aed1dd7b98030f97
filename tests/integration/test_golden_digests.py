#!/usr/bin/python3
"""Golden digests: images built from inputs fixed byte for byte (golden_inputs.py) have
the manifest digests recorded in fixtures/golden_digests.json, for each of a set of
builds that between them reach every stage that writes bytes into an image (venv layers
split by package or whole, relocation of scripts and RECORD, the project layer with its
.dockerignore, the config over a base and over scratch, runtime settings, annotations,
the docker-archive writer).

A change that alters an image's bytes fails here. When the change is meant to, run the
test with V2D_GOLDEN_UPDATE=1 to rewrite the file, and say why in the commit."""
import hashlib
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_inputs  # noqa: E402
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "golden_digests.json")

# name: flags (the venv is the last argument; every build gets --force, --json, -n, -t).
# The base is named relative to the inputs' folder: its name is an annotation of the image.
BUILDS = {
    "scratch-venv-only": ["-b", "scratch", "--no-project"],
    "scratch-one-layer": ["-b", "scratch", "--no-project", "--max-layers", "1"],
    "base-with-project": ["-b", "oci:base:golden", "--project", "{project}"],
    "base-runtime-settings": ["-b", "oci:base:golden", "--project", "{project}",
                              "--venv-path", "/srv/venv", "--project-path", "/srv/app",
                              "-e", "MODE=golden", "--label", "team=tools", "--annotation", "note=golden",
                              "--entrypoint", "demo", "--args", "one", "--args", "two", "--ports", "8080/tcp",
                              "-u", "1000:1000", "-w", "/srv", "--volume", "/data",
                              "--paths", "/opt/tools", "--pypaths", "/opt/lib",
                              "--maintainer", "Golden <golden@example.org>"],
    "base-level-9": ["-b", "oci:base:golden", "--project", "{project}", "--compression-level", "9"],
}
# The docker-archive writer's tar, as a file digest (the manifest is the same as above).
ARCHIVE_BUILD = "base-with-project"


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class GoldenDigests(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.venv = golden_inputs.make_venv(cls.ctmp)
        cls.project = golden_inputs.make_project(cls.ctmp)
        golden_inputs.make_base(cls.ctmp)

    def build(self, name, outputs, *extra):
        argv = [a.format(project=self.project) for a in BUILDS[name]]
        env = h.scrubbed_env(SOURCE_DATE_EPOCH=str(golden_inputs.EPOCH))
        r = h.v2d("--json", "--force", "-n", "golden", "-t", name, "--cache-dir", self.path("cache"),
                  *argv, *[a for o in outputs for a in ("-o", o)], *extra, self.venv, env=env, cwd=self.ctmp)
        return r.json()

    def test_digests_are_the_recorded_ones(self):
        seen = {}
        for name in BUILDS:
            layout = self.path("oci-" + name)
            extra = []
            if name == ARCHIVE_BUILD:
                archive = self.path("golden.tar")
                extra = [f"docker-archive:{archive}"]
            js = self.build(name, [f"oci:{layout}:{name}", *extra])
            validate_image(layout, tag=name, report=js)
            seen[name] = js["manifest_digest"]
            if name == ARCHIVE_BUILD:
                validate_image(archive, report=js)
                seen[name + " (docker-archive file)"] = "sha256:" + file_sha256(archive)
        if os.environ.get("V2D_GOLDEN_UPDATE") == "1":
            with open(GOLDEN, "w") as f:
                json.dump(seen, f, indent=2, sort_keys=True)
                f.write("\n")
            print(f"wrote {GOLDEN}", file=sys.stderr)
        with open(GOLDEN) as f:
            recorded = json.load(f)
        self.assertEqual(recorded, seen, "an image's bytes changed; if that is meant, rerun with "
                         "V2D_GOLDEN_UPDATE=1 and say why in the commit")

    def test_thread_count_and_warm_cache_change_nothing(self):
        name = "base-with-project"
        first = self.build(name, [f"oci:{self.path('a')}:{name}"], "--threads", "1")
        again = self.build(name, [f"oci:{self.path('b')}:{name}"], "--threads", "2")
        self.assertEqual(first["manifest_digest"], again["manifest_digest"])


if __name__ == "__main__":
    unittest.main()
