#!/usr/bin/python3
"""--platform P,P: one image per platform over the two-platform Debian base
(make_multiplatform_base.py: amd64 = the bookworm base, arm64 = Debian's arm64 packages),
under one OCI image index.

- in an OCI layout: the tag names the index, validate-oci-layout accepts it, skopeo reads
  the index (--raw) and picks each platform's image from it (--override-arch), `skopeo copy
  --all` copies it whole, umoci unpacks each platform's image;
- pushed to the test registry: skopeo inspect --raw shows the same index, --override-arch
  arm64 --config the arm64 image's config;
- the same inputs give the same index digest (another cache, another run);
- the layers the platforms share (a pure-Python venv's, the project's) are compressed once:
  every new layer of the second platform comes back from the layer cache;
- a venv with x86-64 extensions is refused for arm64, every offending file listed, and
  nothing is written; --venv PLATFORM=PATH gives a platform its own venv;
- outputs that cannot hold an index (docker-archive, the default output, --load) are usage
  errors naming the flag and suggesting oci: or registry:."""
import hashlib
import json
import os
import re
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402

INDEX = "application/vnd.oci.image.index.v1+json"
BOTH = "linux/amd64,linux/arm64"
# A new layer's line in -v output: "LABEL: sha256:HEX (SIZE)[, unchanged: reused from the cache]".
LAYER_LINE = re.compile(r"^(.*): sha256:[0-9a-f]{64} \(.*\)(, unchanged: reused from the cache)?$")


class MultiPlatform(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mp = h.multiplatform_base()
        cls.base = f"oci:{cls.mp['V2D_MULTI_OCI']}:multi"
        cls.cache = os.path.join(cls.ctmp, "cache")
        f = h.fixtures()
        cls.pure, cls.demo, cls.project = f["V2D_VENV_WRAPPED"], f["V2D_VENV_DEMO"], f["V2D_PROJECT"]
        cls.base_layers = {}
        with h.ImageLayout(cls.mp["V2D_MULTI_OCI"]) as layout:
            for arch in ("amd64", "arm64"):
                manifest = layout.json_blob(cls.mp[f"V2D_{arch.upper()}_MANIFEST_DIGEST"])
                cls.base_layers[arch] = [l["digest"] for l in manifest["layers"]]

    def v2d(self, *args, venv=None, cache=None, expect=0):
        return h.v2d("--cache-dir", cache or self.cache, "--project", self.project, "-b", self.base, *args,
                     venv or self.pure, expect=expect)

    def index_of(self, ref, *extra):
        return json.loads(h.run_tool(["skopeo", "--insecure-policy", "inspect", "--raw", *extra, ref]).stdout)

    def check_index(self, index, ref, *extra):
        """Both platforms' images, each over its own base image, sharing every new layer."""
        self.assertEqual(index["mediaType"], INDEX)
        self.assertEqual([m["platform"] for m in index["manifests"]],
                         [{"architecture": "amd64", "os": "linux"},
                          {"architecture": "arm64", "os": "linux", "variant": "v8"}])
        new_layers = []
        for arch, override in (("amd64", ["--override-arch", "amd64"]),
                               ("arm64", ["--override-arch", "arm64", "--override-variant", "v8"])):
            info = h.skopeo_inspect(ref, *extra, *override)
            config = h.skopeo_inspect_config(ref, *extra, *override)
            self.assertEqual((info["Architecture"], config["architecture"], config["os"]), (arch, arch, "linux"))
            base = self.base_layers[arch]
            self.assertEqual(info["Layers"][:len(base)], base, f"{arch} is over the base's {arch} image")
            new_layers.append(info["Layers"][len(base):])
        self.assertTrue(new_layers[0], "the images have layers of their own")
        self.assertEqual(new_layers[0], new_layers[1], "a pure-Python venv and the project are the same everywhere")

    def test_index_in_an_oci_layout(self):
        out = self.path("out")
        r = self.v2d("-v", "--platform", BOTH, "-o", f"oci:{out}:v1", cache=self.path("fresh-cache"))
        validate_image(out)
        with h.ImageLayout(out) as layout:
            entry = layout.manifest_descriptor()
            self.assertEqual((entry["mediaType"], entry["annotations"]["org.opencontainers.image.ref.name"]),
                             (INDEX, "v1"))
            sboms = {layout.json_blob(r["digest"])["subject"]["digest"]: r for r in layout.referrers()}
        index = self.index_of(f"oci:{out}:v1")
        # Each platform's image has its SBOM beside the index; the index has none.
        self.assertEqual(sorted(m["digest"] for m in index["manifests"]), sorted(sboms), r.describe())
        self.assertEqual({"application/spdx+json"}, {e["artifactType"] for e in sboms.values()})
        self.assertEqual(entry["digest"].split(":")[1],
                         h.run_tool(["sha256sum", os.path.join(out, "blobs", "sha256", entry["digest"][7:])])
                         .stdout.split()[0])
        self.check_index(index, f"oci:{out}:v1")
        # stdout names the layout's tag with the index's digest, as --metadata-file does.
        self.assertEqual(r.stdout.strip(), f"oci:{os.path.abspath(out)}:v1@{entry['digest']}")
        metadata = self.path("metadata.json")
        iidfile = self.path("iid")
        self.v2d("--platform", BOTH, "-o", f"oci:{self.path('out2')}:v1", "--metadata-file", metadata,
                 "--iidfile", iidfile)
        with open(metadata) as f:
            built = json.load(f)
        self.assertEqual((built["containerimage.digest"], built["containerimage.descriptor"]["mediaType"]),
                         (entry["digest"], INDEX))
        # No one config stands for the build: buildx writes the index's digest as the ID.
        self.assertNotIn("containerimage.config.digest", built)
        with open(iidfile) as f:
            self.assertEqual(f.read(), entry["digest"])
        # skopeo copies the whole index, and umoci unpacks each image (every blob verified).
        copy = self.path("copy")
        h.run_tool(["skopeo", "--insecure-policy", "copy", "--all", "--quiet", f"oci:{out}:v1", f"oci:{copy}:v1"])
        self.assertEqual(self.index_of(f"oci:{copy}:v1"), index)
        for m in index["manifests"]:
            arch = m["platform"]["architecture"]
            single = self.path(f"single-{arch}")
            h.run_tool(["skopeo", "--insecure-policy", "copy", "--quiet", "--override-arch", arch,
                        f"oci:{out}:v1", f"oci:{single}:{arch}"])
            rootfs = h.umoci_unpack(single, arch, self.path(f"bundle-{arch}"))
            self.assertTrue(os.path.isfile(os.path.join(rootfs, "opt", "venv", "pyvenv.cfg")), arch)
            self.assertTrue(os.path.isdir(os.path.join(rootfs, "app")), arch)
        # Each layer shared by both platforms was compressed once: the second platform's
        # new layers all came back from the layer cache (the first's did not: a fresh cache).
        parts = r.stderr.split("Building for linux/arm64")
        self.assertEqual(len(parts), 2, r.describe())
        first = [m for m in map(LAYER_LINE.match, parts[0].splitlines()) if m]
        second = [m for m in map(LAYER_LINE.match, parts[1].splitlines()) if m]
        self.assertTrue(first and len(first) == len(second), r.describe())
        self.assertEqual([m.group(2) for m in first], [None] * len(first), r.describe())
        self.assertEqual([bool(m.group(2)) for m in second], [True] * len(second), r.describe())
        # The same inputs give the same index: another cache, another run.
        again = self.path("again")
        self.v2d("--platform", BOTH, "-o", f"oci:{again}:v1", cache=self.path("cache2"))
        self.assertEqual(self.index_of(f"oci:{again}:v1"), index)

    def test_index_pushed_to_a_registry(self):
        ref = f"{h.registry()}/v2d-it/multi-out-{os.getpid()}:v1"
        r = self.v2d("--json", "--platform", BOTH, "-o", f"registry:{ref}")
        index = self.index_of(f"docker://{ref}", "--tls-verify=false")
        self.check_index(index, f"docker://{ref}", "--tls-verify=false")
        pushed = [o for o in r.json()["outputs"] if o["type"] == "registry"]
        self.assertEqual(len(pushed), 1, r.describe())
        raw = h.run_tool(["skopeo", "--insecure-policy", "inspect", "--raw", "--tls-verify=false",
                          f"docker://{ref}"]).stdout
        self.assertEqual(pushed[0]["digest"], "sha256:" + hashlib.sha256(raw.encode()).hexdigest())
        # The same index as an OCI layout of the same inputs holds.
        out = self.path("out")
        self.v2d("--platform", BOTH, "-o", f"oci:{out}:v1")
        self.assertEqual(self.index_of(f"oci:{out}:v1"), index)
        config = h.skopeo_inspect_config(f"docker://{ref}", "--tls-verify=false", "--override-arch", "arm64")
        self.assertEqual((config["architecture"], config.get("variant")), ("arm64", "v8"))
        # Each platform's image has its own SBOM, found through its referrers tag.
        repo = ref.rsplit(":", 1)[0]
        for image in index["manifests"]:
            tag = "sha256-" + image["digest"].split(":", 1)[1]
            referrers = json.loads(h.run_tool(["skopeo", "--insecure-policy", "inspect", "--raw",
                                               "--tls-verify=false", f"docker://{repo}:{tag}"]).stdout)
            types = [entry.get("artifactType") for entry in referrers["manifests"]]
            self.assertEqual(types, ["application/spdx+json"], image["platform"])
        # --sbom FILE holds one image's document: refused for several platforms.
        r = self.v2d("--platform", BOTH, "-o", f"registry:{ref}", "--sbom", self.path("sbom.json"), expect=2)
        self.assertIn("--sbom FILE", r.stderr)

    def test_native_code_is_refused_for_the_other_platform(self):
        # The demo venv with its x86-64 extension twice: both files are listed.
        venv = self.path("native")
        shutil.copytree(self.demo, venv, symlinks=True)
        extensions = [os.path.join(d, n) for d, _, names in os.walk(venv) for n in names
                      if n.endswith(".so") and ".cpython-" in n]
        self.assertTrue(extensions, "the demo venv has a C extension")
        twin = extensions[0].replace(".cpython-", "_twin.cpython-")
        shutil.copy(extensions[0], twin)
        out = self.path("out")
        r = self.v2d("--platform", BOTH, "-o", f"oci:{out}:v1", venv=venv, expect=1)
        self.assertIn("linux/arm64: ", r.stderr)
        self.assertIn("files are built for another architecture than the image's linux/arm64", r.stderr)
        for path in (extensions[0], twin):
            self.assertIn("/opt/venv/" + os.path.relpath(path, venv), r.stderr)
        self.assertFalse(os.path.exists(out), "nothing is written")
        # --check says the same per platform: amd64 fits, arm64 does not.
        r = self.v2d("--check", "--json", "--platform", BOTH, venv=venv, expect=1)
        errors = [f["message"] for f in r.json()["findings"] if f["severity"] == "error"]
        self.assertEqual(len(errors), 1, r.describe())
        self.assertTrue(errors[0].startswith("linux/arm64: 2 files are built"), errors)

    def test_a_venv_per_platform(self):
        out = self.path("out")
        # amd64 gets the demo venv (its x86-64 extension fits there), arm64 the pure-Python one.
        self.v2d("--platform", BOTH, "--venv", f"linux/arm64={self.pure}", "-o", f"oci:{out}:v1", venv=self.demo)
        layers = {}
        for arch in ("amd64", "arm64"):
            with self.subTest(arch=arch):
                single = self.path(f"single-{arch}")
                h.run_tool(["skopeo", "--insecure-policy", "copy", "--quiet", "--override-arch", arch,
                            f"oci:{out}:v1", f"oci:{single}:{arch}"])
                rootfs = h.umoci_unpack(single, arch, self.path(f"bundle-{arch}"))
                has_extension = any(n.endswith(".so") for _, _, names in os.walk(os.path.join(rootfs, "opt", "venv"))
                                    for n in names)
                self.assertEqual(has_extension, arch == "amd64")
                layers[arch] = h.skopeo_inspect(f"oci:{out}:v1", "--override-arch", arch)["Layers"]
        self.assertNotEqual(layers["amd64"][-2:], layers["arm64"][-2:])
        # Misspelt --venv: a usage error naming the flag.
        for bad, says in ((f"linux/s390x={self.pure}", "--venv names linux/s390x, which --platform does not list"),
                          (self.pure, "is not PLATFORM=PATH"),
                          ("linux/arm64/v8/x=/v", '"linux/arm64/v8/x" is not a platform')):
            with self.subTest(venv=bad):
                r = self.v2d("--platform", BOTH, "--venv", bad, "-o", f"oci:{self.path('bad')}:v1", expect=2)
                self.assertIn(says, r.stderr)

    def test_outputs_that_cannot_hold_an_index(self):
        archive = self.path("image.tar")
        cases = [(["-o", f"docker-archive:{archive}"], f"-o docker-archive:{archive} cannot hold an image index"),
                 ([], "the default output is a docker-archive, which cannot hold an image index"),
                 (["--load"], "--load loads one image, and --platform names 2 platforms"),
                 (["-o", f"oci:{self.path('out')}:v1", "--cache-to", f"{h.registry()}/x/cache:1"],
                  "--cache-to records one image's build")]
        for args, says in cases:
            with self.subTest(args=args):
                r = self.v2d("--platform", BOTH, "--build-dir", self.path("build"), *args, expect=2)
                self.assertIn(says, r.stderr)
                if "--cache-to" not in args:
                    self.assertIn("-o oci:DIR[:TAG]", r.stderr)
                    self.assertIn("registry:", r.stderr)
        self.assertEqual(os.listdir(self.tmp), [], "nothing is written")


if __name__ == "__main__":
    unittest.main(verbosity=2)
