#!/usr/bin/python3
"""Whatever the base's media types, every output holds OCI media types end to end and
carries --annotation, and every client reads it: a Docker v2 base (the bookworm base
pushed to the test registry by `skopeo copy --format v2s2`) and the OCI bookworm base,
each built once into an OCI layout, a docker-archive and the registry (--push), read by
skopeo, umoci, the validator, docker (load, pull, run) and podman (run, load)."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402

HELLO = "hello from /opt/venv (speedups=42)"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
NOTE = "org.example.note"

def registry_manifest(ref):
    return json.loads(h.run_tool(["skopeo", "--insecure-policy", "inspect", "--raw", "--tls-verify=false",
                                  f"docker://{ref}"]).stdout)


class _Outputs:
    """The checks, for a base made by the subclass's make_base(): (the --base
    argument, the same image as skopeo names it)."""

    family = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.base_ref, skopeo_source = cls.make_base()
        cls.base_digest = h.skopeo_inspect(skopeo_source, "--tls-verify=false")["Digest"]
        # skopeo's own OCI description of the base: what the base's layers must look like.
        skopeo_base = os.path.join(cls.ctmp, "skopeo-base")
        h.run_tool(["skopeo", "--insecure-policy", "copy", "--quiet", "--src-tls-verify=false", skopeo_source,
                    f"oci:{skopeo_base}:b"])
        with h.ImageLayout(skopeo_base) as layout:
            cls.skopeo_base_manifest = layout.manifest("b")
            cls.skopeo_base_config = layout.config("b")

        cls.note = f"kept on the {cls.family} base"
        cls.name = f"{h.registry()}/v2d-it/media-{cls.family}-{os.getpid()}"
        cls.ref = f"{cls.name}:m1"
        # Podman names an image run from oci:DIR after DIR: a lower-case path.
        cls.layout = os.path.join(h.make_tmp(f"layout-{cls.family}"), "oci")
        cls.addClassCleanup(h.remove_tmp, os.path.dirname(cls.layout))
        cls.archive = os.path.join(cls.ctmp, "image.tar")
        # Podman's own storage per class: both classes build the same config, and podman
        # keeps the manifest an image ID was first stored with. A short path: podman
        # refuses a run root of more than 50 characters.
        cls.podman_storage = h.make_tmp("pm")
        cls.addClassCleanup(h.remove_tmp, cls.podman_storage)
        cls.js, _ = h.build("-n", cls.name, "-t", "m1", "--annotation", f"{NOTE}={cls.note}",
                                     "-o", f"oci:{cls.layout}:m1", "-o", f"docker-archive:{cls.archive}", "--push",
                                     base=cls.base_ref)

    def assertOciEndToEnd(self, manifest, where):
        self.assertEqual(manifest.get("mediaType"), OCI_MANIFEST, where)
        self.assertEqual(manifest["config"]["mediaType"], OCI_CONFIG, where)
        self.assertEqual({layer["mediaType"] for layer in manifest["layers"]}, {OCI_LAYER}, where)
        self.assertNotIn("vnd.docker", json.dumps(manifest), where)
        self.assertEqual(manifest["annotations"][NOTE], self.note, where)
        # The base as it was read, before its descriptors were converted.
        self.assertEqual(manifest["annotations"]["org.opencontainers.image.base.digest"], self.base_digest, where)

    def test_every_output_is_the_same_oci_image_with_the_annotation(self):
        for path in (self.layout, self.archive):
            checked = validate_image(path, tag="m1", report=self.js)
            self.assertEqual(checked.descriptor["mediaType"], OCI_MANIFEST, path)
            self.assertOciEndToEnd(checked.manifest, path)
        self.assertOciEndToEnd(registry_manifest(self.ref), self.ref)
        validate_image(f"docker://{self.ref}", report=self.js)

    def test_base_layers_described_as_skopeo_describes_them(self):
        base_layers = self.skopeo_base_manifest["layers"]
        with h.ImageLayout(self.layout) as layout:
            manifest, config = layout.manifest("m1"), layout.config("m1")
        # Same blobs, same descriptors: only the media types changed, never a byte.
        self.assertEqual(manifest["layers"][:len(base_layers)], base_layers)
        base_diff_ids = self.skopeo_base_config["rootfs"]["diff_ids"]
        self.assertEqual(config["rootfs"]["diff_ids"][:len(base_diff_ids)], base_diff_ids)
        self.assertGreater(len(manifest["layers"]), len(base_layers))

    def test_oci_layout_read_by_skopeo_umoci_and_podman(self):
        info = h.skopeo_inspect(f"oci:{self.layout}:m1")
        self.assertEqual(info["Digest"], self.js["manifest_digest"])
        self.assertEqual(len(info["Layers"]), len(self.js["layers"]))
        h.run_tool(["umoci", "stat", "--image", f"{self.layout}:m1"])
        rootfs = h.umoci_unpack(self.layout, "m1", self.path("bundle"))
        self.assertTrue(os.path.isfile(os.path.join(rootfs, "opt/venv/bin/hello")))
        self.assertTrue(os.path.isfile(os.path.join(rootfs, "usr/bin/python3.11")))
        self.assertEqual(h.podman(self.podman_storage, "run", f"oci:{self.layout}:m1", "hello").strip(), HELLO)

    def test_docker_archive_read_by_skopeo_docker_and_podman(self):
        classic = h.skopeo_inspect(f"docker-archive:{self.archive}")
        self.assertEqual(len(classic["Layers"]), len(self.js["layers"]))
        oci_side = json.loads(h.run_tool(["skopeo", "--insecure-policy", "inspect", "--raw",
                                          f"oci-archive:{self.archive}:m1"]).stdout)
        self.assertOciEndToEnd(oci_side, "oci-archive:" + self.archive)
        # Debian's Docker 20.10: the classic store, which reads manifest.json.
        h.ensure_base_loaded()
        loaded = self.docker_load(self.archive)
        self.assertEqual(loaded, self.ref)
        self.assertEqual(h.docker_run(loaded, "hello").strip(), HELLO)
        podman_ref = h.podman_load(self.podman_storage, self.archive)
        try:
            inspected = json.loads(h.podman(self.podman_storage, "image", "inspect", podman_ref))[0]
            self.assertEqual(inspected["Digest"], self.js["manifest_digest"])
            self.assertEqual(inspected["Annotations"][NOTE], self.note)
        finally:
            h.podman(self.podman_storage, "rmi", "-f", podman_ref)

    def test_pushed_image_pulled_by_skopeo_and_docker(self):
        pulled = self.path("pulled")
        h.run_tool(["skopeo", "--insecure-policy", "copy", "--quiet", "--src-tls-verify=false",
                    f"docker://{self.ref}", f"oci:{pulled}:p"])
        with h.ImageLayout(pulled) as layout:
            self.assertEqual(layout.manifest_descriptor("p")["digest"], self.js["manifest_digest"])
        h.run_tool(["umoci", "stat", "--image", f"{pulled}:p"])
        h.ensure_base_loaded()
        h.docker("pull", self.ref)
        self._images.append(self.ref)
        self.assertEqual(h.docker_run(self.ref, "hello").strip(), HELLO)


class DockerFormatBase(_Outputs, h.Case):
    family = "docker"

    @classmethod
    def make_base(cls):
        b = h.bases()
        ref = f"{h.registry()}/v2d-it/bookworm-v2s2-{os.getpid()}:latest"
        h.run_tool(["skopeo", "--insecure-policy", "copy", "--quiet", "--format", "v2s2", "--dest-tls-verify=false",
                    f"oci:{b['V2D_BASE_BOOKWORM_OCI']}:{b['V2D_BASE_BOOKWORM_TAG']}", f"docker://{ref}"])
        manifest = registry_manifest(ref)
        if manifest.get("mediaType") != DOCKER_MANIFEST:
            raise h.SetupError(f"the Docker-format base {ref} is a {manifest.get('mediaType')} manifest")
        return ref, f"docker://{ref}"


class OciFormatBase(_Outputs, h.Case):
    family = "oci"

    @classmethod
    def make_base(cls):
        return h.bookworm_oci_ref(), h.bookworm_oci_ref()


if __name__ == "__main__":
    unittest.main(verbosity=2)
