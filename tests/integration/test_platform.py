#!/usr/bin/python3
"""--platform for every base source, on a real two-platform Debian base (make_multiplatform_base.py:
amd64 = the bookworm base, arm64 = Debian's arm64 python3.11-minimal unpacked by mmdebstrap):

- an OCI layout whose tag names an image index, the same index pushed to the test registry
  (skopeo copy --all), and a Docker 25+ style docker-archive holding it: every spelling of a
  platform (linux/arm64, linux/arm64/v8, arm64, linux/aarch64, linux/amd64, linux/x86_64,
  amd64) builds on the image skopeo itself chooses for it, and the image's config says so;
- no match (linux/s390x, linux/arm/v7) is an error listing the platforms there are, with
  nothing written;
- a single-platform base (a manifest alone in a layout, a classic docker-archive) that is
  not the platform asked for is refused; without --platform it is used, with a warning;
- a Docker 25+ archive that lists a platform it does not hold (as `docker save` keeps only
  the pulled platforms) says so for that platform and still gives the others;
- the checks hold the venv to the chosen image: on arm64 the demo venv's x86_64 extension
  is an architecture error, on amd64 there is none."""
import json
import os
import sys
import tarfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402

ARM64_FORMS = ["linux/arm64", "linux/arm64/v8", "arm64", "linux/aarch64"]
AMD64_FORMS = ["linux/amd64", "linux/x86_64", "amd64"]
# skopeo's own choice for each form, to check ours against (--override-arch/-variant).
SKOPEO_PLATFORM = {"arm64": ["--override-arch", "arm64", "--override-variant", "v8"],
                   "amd64": ["--override-arch", "amd64"]}


class Platform(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mp = h.multiplatform_base()
        cls.cache = os.path.join(cls.ctmp, "cache")
        cls.layout = f"oci:{cls.mp['V2D_MULTI_OCI']}"
        cls.expected = {"arm64": cls.mp["V2D_ARM64_MANIFEST_DIGEST"], "amd64": cls.mp["V2D_AMD64_MANIFEST_DIGEST"]}
        with h.ImageLayout(cls.mp["V2D_MULTI_OCI"]) as layout:
            cls.expected_layers = {arch: [l["digest"] for l in layout.json_blob(digest)["layers"]]
                                   for arch, digest in cls.expected.items()}
            arm64_config = layout.json_blob(layout.json_blob(cls.expected["arm64"])["config"]["digest"])
            cls.arm64_diff_ids = arm64_config["rootfs"]["diff_ids"]
        # The same index in a registry, digests preserved.
        cls.registry_ref = f"{h.registry()}/v2d-it/multi-{os.getpid()}:multi"
        h.run_tool(["skopeo", "--insecure-policy", "copy", "--all", "--preserve-digests", "--quiet",
                    "--dest-tls-verify=false", f"{cls.layout}:multi", f"docker://{cls.registry_ref}"])
        cls.sources = {"oci layout": f"{cls.layout}:multi", "registry": cls.registry_ref,
                       "docker-archive": f"docker-archive:{cls.mp['V2D_MULTI_ARCHIVE']}"}

    def build(self, base, *args, venv=None, expect=0):
        """Build `venv` (default: the pure-Python wrapped venv) on `base`; (json or None, Result)."""
        f = h.fixtures()
        r = h.v2d("--json", "--cache-dir", self.cache, "--no-project", "-b", base, *args,
                  venv or f["V2D_VENV_WRAPPED"], expect=expect)
        return (r.json() if expect == 0 else None), r

    def base_digest(self, out, tag):
        with h.ImageLayout(out) as layout:
            return layout.manifest(tag)["annotations"]["org.opencontainers.image.base.digest"]

    def test_skopeo_chooses_the_same_images(self):
        index = json.loads(h.run_tool(["skopeo", "--insecure-policy", "inspect", "--raw",
                                       f"{self.layout}:multi"]).stdout)
        self.assertEqual(index["mediaType"], "application/vnd.oci.image.index.v1+json")
        self.assertEqual([m["digest"] for m in index["manifests"]], [self.expected["amd64"], self.expected["arm64"]])
        remote = json.loads(h.run_tool(["skopeo", "--insecure-policy", "inspect", "--raw", "--tls-verify=false",
                                        f"docker://{self.registry_ref}"]).stdout)
        self.assertEqual(remote, index, "the registry holds the same index")
        for arch, override in SKOPEO_PLATFORM.items():
            # skopeo's Digest is the index's; the layers and architecture are the chosen image's.
            for ref, extra in ((f"{self.layout}:multi", []), (f"docker://{self.registry_ref}", ["--tls-verify=false"])):
                info = h.skopeo_inspect(ref, *extra, *override)
                self.assertEqual((info["Architecture"], info["Layers"]), (arch, self.expected_layers[arch]), ref)

    def test_every_form_picks_its_image_from_every_source(self):
        for source, base in self.sources.items():
            out = self.path(source.replace(" ", "-"))
            for arch, forms in (("arm64", ARM64_FORMS), ("amd64", AMD64_FORMS)):
                for i, form in enumerate(forms):
                    with self.subTest(source=source, platform=form):
                        tag = f"{arch}-{i}"
                        js, r = self.build(base, "--platform", form, "-o", f"oci:{out}:{tag}")
                        self.assertEqual(self.base_digest(out, tag), self.expected[arch], r.describe())
                        config = h.skopeo_inspect_config(f"oci:{out}:{tag}")
                        self.assertEqual((config["os"], config["architecture"]), ("linux", arch))
                        self.assertEqual(h.skopeo_inspect(f"oci:{out}:{tag}")["Layers"][:len(self.expected_layers[arch])],
                                         self.expected_layers[arch])
                        if arch == "arm64":
                            self.assertEqual(config["variant"], "v8")
                        self.assertEqual(h.skopeo_inspect(f"oci:{out}:{tag}")["Architecture"], arch)
                        self.assertEqual(platform_warnings(js), [])
            validate_image(out)

    def test_default_is_this_machines_platform(self):
        for source, base in self.sources.items():
            with self.subTest(source=source):
                out = self.path(source.replace(" ", "-"))
                js, r = self.build(base, "-o", f"oci:{out}:default")
                self.assertEqual(self.base_digest(out, "default"), self.expected["amd64"], r.describe())
                self.assertEqual(platform_warnings(js), [])

    def test_no_match_lists_what_is_there(self):
        for source, base in self.sources.items():
            for form in ("linux/s390x", "linux/arm/v7"):
                with self.subTest(source=source, platform=form):
                    out = self.path("out")
                    _, r = self.build(base, "--platform", form, "-o", f"oci:{out}:x", expect=3)
                    self.assertIn(f"has no {normalised(form)} image; it has linux/amd64, linux/arm64", r.stderr)
                    self.assertIn("--platform", r.stderr)
                    self.assertFalse(os.path.exists(out), "nothing is written")

    def test_a_bad_platform_is_a_usage_error(self):
        _, r = self.build(f"{self.layout}:multi", "--platform", "linux/arm64/v8/x", expect=2)
        self.assertIn('--platform "linux/arm64/v8/x" is not a platform', r.stderr)

    def test_single_platform_base_of_another_platform_is_refused(self):
        cases = [(f"{self.layout}:amd64", "linux/arm64", "linux/amd64"),
                 (f"{self.layout}:arm64", "amd64", "linux/arm64"),
                 (f"docker-archive:{self.mp['V2D_ARM64_ARCHIVE']}", "linux/x86_64", "linux/arm64")]
        for base, form, actual in cases:
            with self.subTest(base=base, platform=form):
                out = self.path("out")
                _, r = self.build(base, "--platform", form, "-o", f"oci:{out}:x", expect=3)
                self.assertIn(f"is a {actual} image, not {normalised(form)} as --platform asks", r.stderr)
                self.assertIn(f"--platform {actual}", r.stderr)
                self.assertFalse(os.path.exists(out), "nothing is written")

    def test_classic_docker_archive_is_its_configs_platform(self):
        base = f"docker-archive:{self.mp['V2D_ARM64_ARCHIVE']}"
        out = self.path("out")
        js, r = self.build(base, "--platform", "linux/aarch64", "-o", f"oci:{out}:arm")
        self.assertEqual(h.skopeo_inspect_config(f"oci:{out}:arm")["architecture"], "arm64")
        # The classic archive holds the layer uncompressed: the same tar, another blob.
        self.assertEqual(js["layers"][0]["diff_id"], self.arm64_diff_ids[0])
        self.assertEqual(platform_warnings(js), [])
        # Without --platform the base decides, and says it is not this machine's.
        js, r = self.build(base, "-o", f"oci:{out}:default")
        self.assertEqual(h.skopeo_inspect_config(f"oci:{out}:default")["architecture"], "arm64")
        self.assertEqual(len(platform_warnings(js)), 1, r.describe())
        self.assertIn("is a linux/arm64 image, not one for this machine (linux/amd64)", platform_warnings(js)[0])

    def test_docker_save_without_a_listed_platform(self):
        # As `docker save` writes a multi-platform image pulled for one platform: the index
        # names both, the archive holds amd64's blobs only. Made by hand on purpose: an
        # archive missing blobs is not a valid image, so image_writers never writes one.
        with h.ImageLayout(self.mp["V2D_MULTI_OCI"]) as layout:
            amd64_config = layout.json_blob(self.expected["amd64"])["config"]["digest"]
        kept = {"blobs/sha256/" + d.split(":")[1] for d in
                [self.mp["V2D_MULTI_INDEX_DIGEST"], self.expected["amd64"], amd64_config, *self.expected_layers["amd64"]]}
        trimmed = self.path("amd64-only.docker.tar")
        with tarfile.open(self.mp["V2D_MULTI_ARCHIVE"]) as src, tarfile.open(trimmed, "w") as dest:
            for member in src.getmembers():
                if not member.name.startswith("blobs/") or member.name in kept:
                    dest.addfile(member, src.extractfile(member))
        out = self.path("out")
        _, r = self.build(f"docker-archive:{trimmed}", "--platform", "arm64", "-o", f"oci:{out}:arm", expect=3)
        self.assertIn(f"lacks the blob {self.expected['arm64']} that its index names", r.stderr)
        self.assertIn("--platform", r.stderr)
        self.assertFalse(os.path.exists(out))
        self.build(f"docker-archive:{trimmed}", "-o", f"oci:{out}:amd")
        self.assertEqual(self.base_digest(out, "amd"), self.expected["amd64"])

    def test_checks_use_the_chosen_images_architecture(self):
        demo = h.fixtures()["V2D_VENV_DEMO"]
        for source, base in self.sources.items():
            with self.subTest(source=source):
                r = h.v2d("--check", "--json", "--cache-dir", self.cache, "-b", base, "--platform", "linux/arm64",
                          demo, expect=1)
                errors = [f for f in r.json()["findings"] if f["severity"] == "error"]
                arch = [f for f in errors if f["check"] == "architecture"]
                self.assertEqual(len(arch), 1, r.describe())
                self.assertIn("x86_64", arch[0]["message"])
                self.assertIn("the image is linux/arm64", arch[0]["message"])
                self.assertTrue(arch[0]["file"].endswith(".so"), arch[0])
                r = h.v2d("--check", "--json", "--cache-dir", self.cache, "-b", base, "--platform", "linux/amd64", demo)
                self.assertEqual([f for f in r.json()["findings"] if f["severity"] == "error"], [], r.describe())
        # A build stops there, with nothing written.
        out = self.path("out")
        _, r = self.build(f"{self.layout}:multi", "--platform", "arm64", "-o", f"oci:{out}:x", venv=demo, expect=1)
        self.assertIn("x86_64", r.stderr)
        self.assertFalse(os.path.exists(out))


def platform_warnings(js):
    """The build's warnings about the base's platform (the wrapped venv has others of its own)."""
    return [w for w in js["warnings"] if "this machine" in w]


def normalised(form):
    """The normalised spelling the errors use."""
    return {"linux/s390x": "linux/s390x", "linux/arm/v7": "linux/arm/v7", "linux/arm64": "linux/arm64",
            "amd64": "linux/amd64", "linux/x86_64": "linux/amd64"}[form]


if __name__ == "__main__":
    unittest.main(verbosity=2)
