#!/usr/bin/python3
"""Concurrent runs: eight builds at once into one OCI layout and one cache, each with its
own tag and image, all succeed; index.json keeps all eight tags and their SBOMs; the layout is valid
(validate_image and validate-oci-layout); each tag's digest equals that of the same build
run alone; and no temporary is left in the cache or beside the layout."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import safety as s  # noqa: E402
from validate_image import validate_image, validate_layout_blobs  # noqa: E402

BUILDS = 8


class ConcurrentBuilds(h.Case):
    def argv(self, cache, layout, i):
        # A label per build: eight different images, so a lost tag cannot hide
        # behind another build's identical digest.
        return s.build_args(cache, layout, f"t{i}", extra=("--label", f"build={i}"))

    def test_eight_builds_into_one_layout(self):
        cache, layout = self.path("cache"), self.path("out", "layout")
        procs = []
        for i in range(BUILDS):
            work = self.path(f"run-{i}")
            os.makedirs(work)
            procs.append(s.start(self.argv(cache, layout, i), work))
        failures = [f"build {i} exited {p.wait(timeout=900)}" + s.logs(p) for i, p in enumerate(procs)
                    if p.wait(timeout=900) != 0]
        self.assertEqual(failures, [])
        with h.ImageLayout(layout) as reader:
            tags = sorted(d["annotations"]["org.opencontainers.image.ref.name"] for d in reader.index()["manifests"]
                          if "artifactType" not in d)
            sbom_subjects = {reader.json_blob(d["digest"])["subject"]["digest"] for d in reader.referrers()}
        self.assertEqual(tags, [f"t{i}" for i in range(BUILDS)], "index.json lost tags")
        validate_layout_blobs(layout)
        concurrent = {f"t{i}": validate_image(layout, tag=f"t{i}").digest for i in range(BUILDS)}
        self.assertEqual(sbom_subjects, set(concurrent.values()), "index.json lost an image's SBOM")

        serial_cache, serial_layout = self.path("serial-cache"), self.path("serial", "layout")
        for i in range(BUILDS):
            h.v2d(*self.argv(serial_cache, serial_layout, i)[1:])
        serial = {f"t{i}": s.tag_digest(serial_layout, f"t{i}") for i in range(BUILDS)}
        self.assertEqual(concurrent, serial, "concurrent builds made other images than serial ones")
        self.assertEqual(len(set(serial.values())), BUILDS)
        self.assertEqual(s.temporaries(cache), [], "temporaries left in the cache")
        self.assertEqual(s.temporaries(layout), [], "temporaries left in the layout")
        self.assertEqual(s.beside_layout(layout), [], "temporaries left beside the layout")


if __name__ == "__main__":
    unittest.main(verbosity=2)
