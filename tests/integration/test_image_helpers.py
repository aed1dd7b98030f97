#!/usr/bin/python3
"""The test helpers themselves: random_images' images are valid (validate_image passes
them, skopeo, umoci and the registry read them, the same seed gives the same bytes), the
fixtures every other test builds on pass validate_image, and validate_image refuses what
it must: a corrupted blob, a wrong diff_id, a config another manifest's, an index whose
platform is not the config's, history that does not count the layers, a layer whose
bytes are not the compression its media type says, a docker-archive whose manifest.json
disagrees with its index.json, a referrer (an SBOM listed beside its image) that is no
artifact of an image in the layout, and a --json report that is not of this image.

The broken images here are made by hand on purpose: each is one valid image with one
thing changed."""
import gzip
import io
import json
import os
import sys
import tarfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import image_writers as iw  # noqa: E402
import random_images as ri  # noqa: E402
from image_model import Entry, Image, Layer, canonical, layer_tar, sha256  # noqa: E402
from validate_image import validate_image  # noqa: E402


class GeneratedImages(h.Case):
    def test_same_seed_same_bytes_other_seed_other_bytes(self):
        self.assertEqual(ri.random_image(seed=7).digest, ri.random_image(seed=7).digest)
        self.assertNotEqual(ri.random_image(seed=7).digest, ri.random_image(seed=8).digest)
        self.assertEqual(ri.random_index(seed=7).raw, ri.random_index(seed=7).raw)

    def test_oci_layout_of_images_and_an_index(self):
        image = ri.random_image(seed=1, layers=3)
        index = ri.random_index(seed=2, platforms=("linux/amd64", "linux/arm64/v8", "linux/arm/v7"))
        plain = ri.random_image(seed=3, layers=1, compression=None)
        layout = iw.write_oci_layout(self.path("oci"), {"one": image, "multi": index, "plain": plain})
        checked = validate_image(layout, tag="one")
        self.assertEqual(checked.digest, image.digest)
        self.assertEqual(checked.config["rootfs"]["diff_ids"], [layer.diff_id for layer in image.layers])
        self.assertEqual(validate_image(f"oci:{layout}:multi").digest, index.digest)
        for tag, expected in (("one", image), ("plain", plain)):
            info = h.skopeo_inspect(f"oci:{layout}:{tag}")
            self.assertEqual((info["Digest"], info["Layers"]), (expected.digest, [l.digest for l in expected.layers]))
        arm = h.skopeo_inspect(f"oci:{layout}:multi", "--override-arch", "arm", "--override-variant", "v7")
        self.assertEqual(arm["Layers"], [l.digest for l in index.children[2].layers])
        rootfs = h.umoci_unpack(layout, "one", self.path("bundle"))
        for layer in image.layers:
            with tarfile.open(fileobj=io.BytesIO(gzip.decompress(layer.data))) as tar:
                for member in tar.getmembers():
                    self.assertTrue(os.path.lexists(os.path.join(rootfs, member.name)), member.name)

    def test_docker_archives_both_shapes_both_families(self):
        for family in ("oci", "docker"):
            image = ri.random_image(seed=4, family=family)
            for style in ("oci", "classic"):
                with self.subTest(family=family, style=style):
                    archive = iw.write_docker_archive(self.path(f"{family}-{style}.tar"), image, "gen/x:1", style)
                    validate_image(archive)
                    # skopeo finds the image by the name manifest.json gives it.
                    config = h.skopeo_inspect_config(f"docker-archive:{archive}:gen/x:1")
                    self.assertEqual(config["rootfs"]["diff_ids"], [l.diff_id for l in image.layers])
        index = ri.random_index(seed=5)
        archive = iw.write_docker_archive(self.path("multi.tar"), index, "gen/multi:1")
        validate_image(archive)
        self.assertEqual(h.skopeo_inspect(f"oci-archive:{archive}:1")["Digest"], index.digest)

    def test_pushed_to_the_registry_in_both_families(self):
        for family in ("oci", "docker"):
            with self.subTest(family=family):
                image = ri.random_image(seed=6, family=family)
                archive = iw.write_docker_archive(self.path(f"{family}.tar"), image, "gen:1", "classic")
                ref = f"{h.registry()}/v2d-it/generated-{family}:1"
                h.run_tool(["skopeo", "--insecure-policy", "copy", "--quiet", "--dest-tls-verify=false",
                            *(["--format", "v2s2"] if family == "docker" else ["--format", "oci"]),
                            f"docker-archive:{archive}", f"docker://{ref}"])
                checked = validate_image(f"docker://{ref}")
                self.assertIn("vnd.docker" if family == "docker" else "vnd.oci", checked.manifest["mediaType"])
                self.assertEqual(checked.config["rootfs"]["diff_ids"], [l.diff_id for l in image.layers])


class Fixtures(h.Case):
    """The inputs every other test builds on pass the one validator."""

    def test_debian_bases(self):
        b = h.bases()
        validate_image(b["V2D_BASE_BOOKWORM_OCI"], tag=b["V2D_BASE_BOOKWORM_TAG"])
        validate_image(b["V2D_BASE_BOOKWORM_ARCHIVE"])

    def test_two_platform_base_and_its_archives(self):
        mp = h.multiplatform_base()
        self.assertEqual(validate_image(mp["V2D_MULTI_OCI"], tag=mp["V2D_MULTI_TAG"]).digest,
                         mp["V2D_MULTI_INDEX_DIGEST"])
        validate_image(mp["V2D_ARM64_ARCHIVE"])
        validate_image(mp["V2D_MULTI_ARCHIVE"])

    def test_bases_made_by_real_builders(self):
        corpus = h.real_bases()
        for tag in corpus["V2D_CORPUS_TAGS"].split(","):
            with self.subTest(tag=tag):
                validate_image(corpus["V2D_CORPUS_OCI"], tag=tag)
        validate_image(corpus["V2D_SLIM_OCI"], tag="slim")


class ValidatorRefuses(h.Case):
    """Each case: a valid image, one thing changed, and the problem validate_image names."""

    def assertRefused(self, target, *needles, **kw):
        with self.assertRaises(AssertionError) as caught:
            validate_image(target, **kw)
        for needle in needles:
            self.assertIn(needle, str(caught.exception))

    def layout(self, tagged, name="oci"):
        return iw.write_oci_layout(self.path(name), tagged)

    def blob_path(self, layout, digest):
        return os.path.join(layout, "blobs", "sha256", digest.split(":", 1)[1])

    def test_corrupted_blob(self):
        image = ri.random_image(seed=10)
        layout = self.layout({"t": image})
        path = self.blob_path(layout, image.layers[0].digest)
        with open(path, "r+b") as f:
            f.seek(20)
            byte = f.read(1)
            f.seek(20)
            f.write(bytes([byte[0] ^ 0xFF]))
        self.assertRefused(layout, "validate-oci-layout", "hashes to")

    def test_wrong_diff_id(self):
        good = ri.random_layer(seed=11)
        wrong = Layer(good.media_type, good.digest, good.size, sha256(b"another tar"), data=good.data)
        image = Image(ri.random_config(seed=11, layers=1), [wrong])
        self.assertRefused(self.layout({"t": image}), f"the config's diff_id is {sha256(b'another tar')}",
                           f"holds a tar of {good.diff_id}")

    def test_config_of_another_image(self):
        one, other = ri.random_image(seed=12), ri.random_image(seed=13)
        manifest = dict(one.manifest, config=other.manifest["config"])
        swapped = Image(one.config, one.layers)
        swapped.raw_config = other.raw_config
        swapped.raw = canonical(manifest)
        swapped.manifest, swapped.digest = manifest, sha256(swapped.raw)
        self.assertRefused(self.layout({"t": swapped}), "holds a tar of", "the config's diff_id is")

    def test_index_platform_is_not_the_configs(self):
        image = ri.random_image(seed=14, platform="linux/arm64/v8")
        layout = self.layout({"t": image})
        with open(os.path.join(layout, "index.json")) as f:
            index = json.load(f)
        index["manifests"][0]["platform"]["architecture"] = "amd64"
        with open(os.path.join(layout, "index.json"), "w") as f:
            json.dump(index, f)
        self.assertRefused(layout, "the index says architecture 'amd64', the config 'arm64'")

    def test_history_that_does_not_count_the_layers(self):
        config = ri.random_config(seed=15, layers=3)
        image = Image(config, [ri.random_layer(seed=s) for s in (1, 2)])
        self.assertRefused(self.layout({"t": image}), "config history has 3 non-empty entries for 2 layers")

    def test_layer_not_compressed_as_its_media_type_says(self):
        tar = ri.random_layer(seed=16, compression=None).data
        liar = Layer("application/vnd.oci.image.layer.v1.tar+gzip", sha256(tar), len(tar), sha256(tar), data=tar)
        self.assertRefused(self.layout({"t": Image(ri.random_config(seed=16, layers=1), [liar])}),
                           "but not gzip data")

    def test_layer_with_a_path_twice(self):
        twice = Layer.from_tar(layer_tar([Entry("etc"), Entry("etc/x", data=b"1"), Entry("etc/x", data=b"2")]))
        self.assertRefused(self.layout({"t": Image(ri.random_config(seed=17, layers=1), [twice])}),
                           "holds etc/x more than once")

    def add_referrer(self, layout, subject, layer_type="application/spdx+json", payload=b'{"spdxVersion":"SPDX-2.3"}'):
        """Lists in `layout` an artifact about `subject` (an Image) the way an SBOM is listed:
        untagged, with its artifactType; returns `layout`."""
        blobs = os.path.join(layout, "blobs", "sha256")
        for data in (b"{}", payload):
            with open(os.path.join(blobs, sha256(data).split(":", 1)[1]), "wb") as f:
                f.write(data)
        manifest = canonical({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "artifactType": "application/spdx+json",
            "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": sha256(b"{}"), "size": 2},
            "layers": [{"mediaType": layer_type, "digest": sha256(payload), "size": len(payload)}],
            "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": subject.digest,
                        "size": len(subject.raw)}})
        with open(os.path.join(blobs, sha256(manifest).split(":", 1)[1]), "wb") as f:
            f.write(manifest)
        with open(os.path.join(layout, "index.json")) as f:
            index = json.load(f)
        index["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha256(manifest),
                                   "size": len(manifest), "artifactType": "application/spdx+json"})
        with open(os.path.join(layout, "index.json"), "w") as f:
            json.dump(index, f)
        return layout

    def test_referrers(self):
        """An SBOM listed beside its image passes (validate-oci-layout's family line about
        it is the one it misreads); a referrer about nothing in the layout, one whose
        layers are image layers, and one whose blob is corrupt do not."""
        image, other = ri.random_image(seed=21), ri.random_image(seed=22)
        good = self.layout({"t": image}, "good")
        self.assertEqual(image.digest, validate_image(self.add_referrer(good, image)).digest,
                         "the referrer is no image to pick")
        self.assertRefused(self.add_referrer(self.layout({"t": image}, "orphan"), other), "is no image in the layout")
        disguised = self.layout({"t": image}, "disguised")
        self.add_referrer(disguised, image, layer_type="application/vnd.oci.image.layer.v1.tar")
        self.assertRefused(disguised, "are not an artifact's blobs")
        payload = b'{"spdxVersion":"SPDX-2.3","name":"x"}'
        corrupt = self.layout({"t": image}, "corrupt")
        self.add_referrer(corrupt, image, payload=payload)
        with open(self.blob_path(corrupt, sha256(payload)), "wb") as f:
            f.write(payload.replace(b"x", b"y"))
        self.assertRefused(corrupt, "validate-oci-layout", "hashes to")

    def test_docker_archive_whose_manifest_json_disagrees(self):
        image = ri.random_image(seed=18, layers=2)
        archive = iw.write_docker_archive(self.path("good.tar"), image, "gen:1")
        bad = self.path("bad.tar")
        with tarfile.open(archive) as src, tarfile.open(bad, "w") as dest:
            for member in src.getmembers():
                data = src.extractfile(member).read()
                if member.name == "manifest.json":
                    items = json.loads(data)
                    items[0]["Layers"].reverse()
                    items[0]["RepoTags"] = ["other:2"]
                    data = json.dumps(items).encode()
                    member.size = len(data)
                dest.addfile(member, io.BytesIO(data))
        self.assertRefused(bad, "manifest.json[0]: Layers", "RepoTag other:2 is not among")

    def test_classic_archive_whose_layer_is_not_its_diff_id(self):
        image = ri.random_image(seed=19, layers=1)
        archive = iw.write_docker_archive(self.path("good.tar"), image, "gen:1", "classic")
        bad = self.path("bad.tar")
        with tarfile.open(archive) as src, tarfile.open(bad, "w") as dest:
            for member in src.getmembers():
                data = src.extractfile(member).read()
                if member.name.endswith(".tar"):
                    data = ri.random_layer(seed=99, compression=None).data
                    member.size = len(data)
                dest.addfile(member, io.BytesIO(data))
        self.assertRefused(bad, "the config's diff_id is " + image.layers[0].diff_id)

    def test_report_of_another_image(self):
        image, other = ri.random_image(seed=20), ri.random_image(seed=21)
        layout = self.layout({"t": image})
        report = {"manifest_digest": other.digest, "config_digest": other.manifest["config"]["digest"],
                  "manifest_media_type": other.media_type, "warnings": [],
                  "layers": [{"digest": l.digest, "size": l.size, "media_type": l.media_type, "diff_id": l.diff_id}
                             for l in other.layers],
                  "outputs": [{"type": "oci", "path": layout, "tag": "t"}]}
        self.assertRefused(layout, f"the report's manifest_digest {other.digest}", "the report's diff_ids",
                           tag="t", report=report)
        good = dict(report, manifest_digest=image.digest, config_digest=image.manifest["config"]["digest"],
                    layers=[{"digest": l.digest, "size": l.size, "media_type": l.media_type, "diff_id": l.diff_id}
                            for l in image.layers])
        validate_image(layout, tag="t", report=good)
        self.assertRefused(layout, "do not name", tag="t", report=dict(good, outputs=[]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
