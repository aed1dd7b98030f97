#!/usr/bin/python3
"""The SBOM (docs/sbom.md): an SPDX 2.3 JSON document made for every image, written by
--sbom FILE and attached to pushed images as an OCI 1.1 referrer.

The document is validated against the SPDX 2.3 JSON schema (a copy of spdx-spec's, in
tests/data/spdx) and its packages compared with the truth: the venv's distributions as its
own interpreter's importlib.metadata sees them, and the installed packages of the base's
dpkg status read from the base's layers. In the test registry (docker-registry 2.8, with
no referrers API) the referrer is found through the referrers tag sha256-<hex>, whose other
entries a push keeps. In an OCI layout it is listed in index.json beside its image
(untagged, with its artifactType): skopeo and venv2docker still read the image, and
replacing the tag drops the old image's SBOM. --no-sbom attaches nothing."""
import json
import os
import subprocess
import sys
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402

import jsonschema  # noqa: E402

SCHEMA = os.path.join(h.REPO, "tests", "data", "spdx", "spdx-schema-2.3.json")
SPDX = "application/spdx+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def norm_name(name):
    """PEP 503."""
    out, run = [], False
    for c in name.lower():
        if c in "-_.":
            if not run:
                out.append("-")
            run = True
        else:
            out.append(c)
            run = False
    return "".join(out)


def purl_quote(text):
    """Percent-encoding as the purl spec asks: all but letters, digits and '.-_~'."""
    return urllib.parse.quote(text, safe=".-_~")


def venv_distributions(venv):
    """(normal name, version) of every distribution the venv's own interpreter sees."""
    code = ("import importlib.metadata as m, json; "
            "print(json.dumps([[d.metadata['Name'], d.version] for d in m.distributions()]))")
    out = subprocess.run([os.path.join(venv, "bin", "python"), "-I", "-c", code], check=True,
                         stdout=subprocess.PIPE, text=True, env={"PATH": "/usr/bin:/bin"}).stdout
    return {(norm_name(name), version) for name, version in json.loads(out)}


def installed_dpkg_packages(status):
    """(name, version, arch) of the status file's installed entries."""
    found = set()
    for paragraph in status.split("\n\n"):
        fields, last = {}, None
        for line in paragraph.splitlines():
            if line[:1] in (" ", "\t") and last:
                continue
            name, _, value = line.partition(":")
            last = name.strip().lower()
            fields[last] = value.strip()
        if fields.get("status", "").endswith(" installed"):
            found.add((fields["package"], fields["version"], fields.get("architecture", "")))
    return found


def base_dpkg_status():
    base = h.bases()
    layout = h.ImageLayout(base["V2D_BASE_BOOKWORM_OCI"])
    status = None
    for layer in layout.manifest(base["V2D_BASE_BOOKWORM_TAG"])["layers"]:
        status = layout.layer_file(layer, "var/lib/dpkg/status") or status
    return status.decode()


def registry_get(path, accept=None):
    request = urllib.request.Request(f"http://{h.registry()}{path}")
    if accept:
        request.add_header("Accept", accept)
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.read()


def registry_put_index(repo, tag, manifests):
    body = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}).encode()
    request = urllib.request.Request(f"http://{h.registry()}/v2/{repo}/manifests/{tag}", data=body, method="PUT",
                                     headers={"Content-Type": OCI_INDEX})
    urllib.request.urlopen(request, timeout=60).read()


def referrers_index(repo, subject_digest):
    """The referrers tag index of `subject_digest` in `repo`, or None (404)."""
    tag = "sha256-" + subject_digest.split(":", 1)[1]
    try:
        return json.loads(registry_get(f"/v2/{repo}/manifests/{tag}", OCI_INDEX))
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise


def packages_of(document, origin):
    return [p for p in document["packages"] if p["SPDXID"].startswith(f"SPDXRef-{origin}-")]


def purl_of(package):
    return next(r["referenceLocator"] for r in package["externalRefs"] if r["referenceType"] == "purl")


class Sbom(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open(SCHEMA) as f:
            cls.schema = json.load(f)

    def check_schema(self, document):
        errors = sorted(jsonschema.Draft7Validator(self.schema).iter_errors(document), key=str)
        self.assertEqual([], [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors])

    def repo(self, name):
        """A repository of this run alone: the registry outlives the test."""
        return f"sbom/{name}-{os.getpid()}"

    def push(self, repo, *extra):
        js, r = h.build("-o", f"registry:{h.registry()}/{repo}:1", *extra)
        pushed = [o for o in js["outputs"] if o["type"] == "registry"]
        self.assertEqual(1, len(pushed), r.describe())
        return pushed[0]["digest"], r

    def test_document_matches_the_venv_and_the_base(self):
        sbom_file = self.path("sbom.spdx.json")
        repo = self.repo("content")
        digest, r = self.push(repo, "--sbom", sbom_file)
        with open(sbom_file, "rb") as f:
            raw = f.read()
        document = json.loads(raw)
        self.check_schema(document)
        self.assertEqual("SPDX-2.3", document["spdxVersion"])
        self.assertEqual("2000-01-01T00:00:00Z", document["creationInfo"]["created"], "SOURCE_DATE_EPOCH's default")
        self.assertIn(digest.split(":", 1)[1], document["documentNamespace"])

        python = packages_of(document, "python")
        listed = {(norm_name(p["name"]), p["versionInfo"]) for p in python}
        self.assertEqual(venv_distributions(h.fixtures()["V2D_VENV_DEMO"]), listed)
        for p in python:
            self.assertEqual(f"pkg:pypi/{norm_name(p['name'])}@{purl_quote(p['versionInfo'])}", purl_of(p))

        deb = packages_of(document, "deb")
        expected = installed_dpkg_packages(base_dpkg_status())
        self.assertGreater(len(expected), 50, "a Debian base lists its packages")
        self.assertEqual({(n, v) for n, v, _ in expected}, {(p["name"], p["versionInfo"]) for p in deb})
        libc = next(p for p in deb if p["name"] == "libc6")
        arch = next(a for n, _, a in expected if n == "libc6")
        self.assertEqual(f"pkg:deb/debian/libc6@{purl_quote(libc['versionInfo'])}?arch={arch}", purl_of(libc))

        # Every package is contained in the image, the one package the document describes.
        contained = {rel["relatedSpdxElement"] for rel in document["relationships"] if rel["relationshipType"] == "CONTAINS"}
        self.assertEqual({p["SPDXID"] for p in python + deb}, contained)

        # The referrer, through the referrers tag the registry (no referrers API) holds.
        index = referrers_index(repo, digest)
        self.assertIsNotNone(index, "no referrers tag index\n" + r.describe())
        entries = [e for e in index["manifests"] if e.get("artifactType") == SPDX]
        self.assertEqual(1, len(entries), index)
        manifest = json.loads(registry_get(f"/v2/{repo}/manifests/{entries[0]['digest']}", OCI_MANIFEST))
        self.assertEqual(SPDX, manifest["artifactType"])
        self.assertEqual("application/vnd.oci.empty.v1+json", manifest["config"]["mediaType"])
        self.assertEqual(digest, manifest["subject"]["digest"])
        self.assertEqual([SPDX], [layer["mediaType"] for layer in manifest["layers"]])
        self.assertEqual(raw, registry_get(f"/v2/{repo}/blobs/{manifest['layers'][0]['digest']}"))
        # skopeo finds the referrers tag as any tag.
        tags = json.loads(h.run_tool(["skopeo", "list-tags", "--tls-verify=false",
                                      f"docker://{h.registry()}/{repo}"]).stdout)["Tags"]
        self.assertIn("sha256-" + digest.split(":", 1)[1], tags)

        # The same inputs give the same bytes, whatever the output.
        again = self.path("again.spdx.json")
        h.build("-o", "oci:" + self.path("layout"), "--sbom", again)
        with open(again, "rb") as f:
            self.assertEqual(raw, f.read())

    def layout_sboms(self, out):
        """{subject digest: (artifactType, layer media types, document bytes)} of the
        referrers listed in the layout `out`, after validate_image passed it."""
        validate_image(out)
        sboms = {}
        with h.ImageLayout(out) as layout:
            for entry in layout.referrers():
                manifest = layout.json_blob(entry["digest"])
                self.assertEqual(SPDX, manifest["artifactType"])
                sboms[manifest["subject"]["digest"]] = (entry["artifactType"],
                                                        [layer["mediaType"] for layer in manifest["layers"]],
                                                        layout.blob(manifest["layers"][0]["digest"]))
        return sboms

    def test_oci_layout_lists_the_sbom_beside_the_image(self):
        out = self.path("layout")
        sbom_file = self.path("sbom.spdx.json")
        js, r = h.build("-o", f"oci:{out}:1", "--sbom", sbom_file)
        first = js["manifest_digest"]
        with open(sbom_file, "rb") as f:
            self.assertEqual({first: (SPDX, [SPDX], f.read())}, self.layout_sboms(out), r.describe())
        # Readers still find the image: skopeo by its tag, venv2docker with no tag.
        self.assertEqual(first, h.skopeo_inspect(f"oci:{out}:1")["Digest"])
        h.v2d("-q", "--check", "-b", f"oci:{out}", h.fixtures()["V2D_VENV_DEMO"])
        # A new image under the tag takes its SBOM with it; another tag keeps its own.
        js, r = h.build("-o", f"oci:{out}:1", "--label", "rev=2")
        second = js["manifest_digest"]
        self.assertNotEqual(first, second)
        self.assertEqual([second], list(self.layout_sboms(out)), r.describe())
        h.build("-o", f"oci:{out}:2")
        self.assertEqual({first, second}, set(self.layout_sboms(out)))
        # --no-sbom lists none.
        none = self.path("none")
        h.build("-o", f"oci:{none}:1", "--no-sbom")
        self.assertEqual({}, self.layout_sboms(none))

    def test_referrers_tag_keeps_other_entries(self):
        repo = self.repo("keep")
        digest, r = self.push(repo)
        index = referrers_index(repo, digest)
        self.assertIsNotNone(index, "no referrers tag index\n" + r.describe())
        ours = [e for e in index["manifests"] if e.get("artifactType") == SPDX]
        self.assertEqual(1, len(ours), index)
        # Another tool's referrer (here: a descriptor of the image itself, which the registry holds).
        size = len(registry_get(f"/v2/{repo}/manifests/{digest}", OCI_MANIFEST))
        foreign = {"mediaType": OCI_MANIFEST, "digest": digest, "size": size, "artifactType": "application/x-other"}
        registry_put_index(repo, "sha256-" + digest.split(":", 1)[1], [foreign] + ours)
        again, r = self.push(repo)
        self.assertEqual(digest, again)
        after = referrers_index(repo, digest)["manifests"]
        self.assertEqual([foreign["digest"], ours[0]["digest"]], [e["digest"] for e in after], r.describe())
        self.assertEqual("application/x-other", after[0]["artifactType"])

    def test_interpreter_of_python_from_host(self):
        sbom_file = self.path("sbom.spdx.json")
        h.build("--python-from", "host", "-o", "docker-archive:" + self.path("image.tar"), "--sbom", sbom_file,
                base="scratch")
        with open(sbom_file) as f:
            document = json.load(f)
        self.check_schema(document)
        venv = h.fixtures()["V2D_VENV_DEMO"]
        with open(os.path.join(venv, "pyvenv.cfg")) as f:
            config = dict(line.split("=", 1) for line in f.read().splitlines() if "=" in line)
        version = {k.strip(): v.strip() for k, v in config.items()}["version"]
        self.assertEqual([("python", version, f"pkg:generic/python@{version}")],
                         [(p["name"], p["versionInfo"], purl_of(p)) for p in packages_of(document, "interpreter")])
        self.assertEqual([], packages_of(document, "deb"), "scratch has no dpkg database")
        self.assertTrue(packages_of(document, "python"))

    def test_no_sbom_attaches_nothing(self):
        sbom_file = self.path("sbom.spdx.json")
        repo = self.repo("none")
        digest, r = self.push(repo, "--no-sbom")
        self.assertIsNone(referrers_index(repo, digest), r.describe())
        tags = json.loads(registry_get(f"/v2/{repo}/tags/list"))["tags"]
        self.assertEqual(["1"], tags)
        h.v2d("--no-sbom", "--sbom", sbom_file, "-b", h.bookworm_oci_ref(), h.fixtures()["V2D_VENV_DEMO"], expect=2)
        self.assertFalse(os.path.exists(sbom_file))


if __name__ == "__main__":
    unittest.main(verbosity=2)
