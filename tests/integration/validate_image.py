"""The one check every test runs on an image it wrote or read: validate_image().

    checked = validate_image(out, tag="t1", report=js)   # an OCI layout folder
    validate_image(archive, report=js)                   # a docker-archive (either shape)
    validate_image("docker://127.0.0.1:5000/app:1")      # a registry (copied by skopeo first)

First validate-oci-layout (../shared/tools: the image-spec schemas, every blob present
with its size and sha256, as many diff_ids as layers, no mixed media-type families), then
what that tool leaves out, as go-containerregistry's validate.Image does:

- a referrer listed in index.json (the image's SBOM: an OCI 1.1 artifact manifest, its
  artifactType in the entry) is an artifact: the empty config, layers that are no image
  layers, a subject that is an image of the layout. validate-oci-layout counts every
  layer type outside application/vnd.oci* as Docker, so for such a manifest, and only
  for it, its "mixes OCI and Docker media types" line is no problem; every other line
  it prints about it (schema, blobs) still is;

- each layer is a readable tar compressed as its media type says, with no path twice,
  and its diff_id in the config is the sha256 of that tar;
- the manifest, its config and its layers are of one family (OCI or Docker); the config's
  rootfs type is "layers";
- the config's history has one non-empty entry per layer;
- an index's platform for an image is that image's config's os, architecture (variant);
- a docker-archive's manifest.json names, for each image, the config and layers of a
  manifest its index.json holds, and its RepoTags agree with index.json's names; a
  classic archive's (no index.json) config and layer files hash to their names and diff_ids;
- the `--json` report (`report`) names this image: manifest and config digests, manifest
  media type, each layer's digest, size, media type and diff_id, and this output.

Every problem is collected; the assertion names them all, with the image.
"""
import atexit
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from image_model import INDEX_TYPES, MANIFEST_TYPES, MEDIA_TYPES, REF_NAME, compression_of, family_of  # noqa: E402

CONFIG_TYPES = {"application/vnd.oci.image.config.v1+json", "application/vnd.docker.container.image.v1+json"}
_layer_facts = {}  # layer digest -> (diff_id, problem or None): the tool checks each blob's bytes first


class Checked:
    """What validate_image found for the image it was asked about (`tag`, or the only one):
    the layout reader, the index entry, the manifest (or index) document and the config."""

    def __init__(self, layout, descriptor, manifest, config):
        self.layout, self.descriptor, self.manifest, self.config = layout, descriptor, manifest, config
        self.digest = descriptor["digest"] if descriptor else None


def validate_image(target, tag=None, report=None):
    """Validate the image at `target`: an OCI layout folder, a docker-archive or OCI
    layout tar, `oci:DIR[:TAG]`, `docker-archive:FILE`, or `docker://REF`. `tag` picks
    the index entry to return (and to compare with `report`); without it the layout must
    hold one, or nothing is returned of it (every entry is still checked). Raises AssertionError listing every problem; returns a Checked."""
    if target.startswith("docker://"):
        return _validate_registry(target[len("docker://"):], report)
    path, tag = _local_path(target, tag)
    problems = []
    layout = h.ImageLayout(path)  # left open: the caller reads the image through checked.layout
    if layout.exists("index.json"):
        artifacts = _check_referrers(layout, problems)
        _run_tool(path, problems, artifacts)
        checked = _check_layout(layout, tag, problems)
    elif layout.exists("manifest.json"):
        checked = _check_classic_archive(layout, problems)
    else:
        raise AssertionError(f"{path} is neither an OCI layout nor a docker-archive")
    if layout.exists("manifest.json") and layout.exists("index.json"):
        _check_manifest_json(layout, problems)
    if report is not None:
        _check_report(report, checked, path, tag, problems)
    if problems:
        raise AssertionError(f"{target} is not a valid image:\n  " + "\n  ".join(problems))
    return checked


def validate_layout_blobs(path):
    """Only validate-oci-layout's checks (schemas, every blob's size and sha256) and the
    referrers', for a quick look at a layout; raises AssertionError listing the problems."""
    problems = []
    with h.ImageLayout(path) as layout:
        _run_tool(path, problems, _check_referrers(layout, problems))
    if problems:
        raise AssertionError(f"{path} is not a valid layout:\n  " + "\n  ".join(problems))


def _local_path(target, tag):
    for prefix in ("oci:", "docker-archive:", "oci-archive:"):
        if target.startswith(prefix):
            rest = target[len(prefix):]
            if prefix != "docker-archive:" and ":" in rest.rsplit("/", 1)[-1]:
                rest, ref_tag = rest.rsplit(":", 1)
                tag = tag or ref_tag
            return rest, tag
    return target, tag


def _run_tool(path, problems, artifacts=()):
    """validate-oci-layout's verdict; `artifacts`: digests of manifests _check_referrers
    found to be OCI 1.1 artifacts, whose layers the tool takes for Docker's."""
    p = h.run_tool([h.validator(), path], check=False)
    if p.returncode == 0:
        return
    misread = {f"invalid: {digest}: mixes OCI and Docker media types" for digest in artifacts}
    lines = [line for line in p.stdout.splitlines() if line.strip() and line not in misread]
    if p.returncode != 1 or lines or p.stderr.strip():
        problems.append(f"validate-oci-layout ({p.returncode}): {p.stdout.strip()} {p.stderr.strip()}")


# ---------------------------------------------------------------------------- referrers

EMPTY_CONFIG = {"mediaType": "application/vnd.oci.empty.v1+json", "size": 2,
                "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"}
IMAGE_LAYER_PREFIXES = ("application/vnd.oci.image.layer.", "application/vnd.docker.image.rootfs.")
OCI_MANIFEST = MEDIA_TYPES["oci"]["manifest"]


def _image_digests(layout):
    """The digests the layout's images are known by: each entry that is no referrer, and
    the manifests of each index among them."""
    digests = set()
    for entry in layout.index().get("manifests", []):
        if "artifactType" in entry:
            continue
        digests.add(entry["digest"])
        if entry.get("mediaType") in INDEX_TYPES:
            digests |= {child["digest"] for child in layout.json_blob(entry["digest"]).get("manifests", [])}
    return digests


def _check_referrers(layout, problems):
    """Checks each referrer entry as an OCI 1.1 artifact (image-spec manifest.md,
    "Guidelines for Artifact Usage") and returns the digests of those that are."""
    artifacts = []
    images = _image_digests(layout)
    for entry in layout.referrers():
        where = f"index.json referrer {entry.get('digest')}"
        found = len(problems)
        try:
            _check_artifact(layout, entry, images, where, problems)
        except (KeyError, AssertionError, ValueError) as e:
            problems.append(f"{where}: unreadable ({e})")
        if len(problems) == found:
            artifacts.append(entry["digest"])
    return artifacts


def _check_artifact(layout, entry, images, where, problems):
    manifest = layout.json_blob(entry["digest"])
    if entry.get("mediaType") != OCI_MANIFEST or manifest.get("mediaType") != OCI_MANIFEST:
        problems.append(f"{where}: not an OCI image manifest ({entry.get('mediaType')})")
    if manifest.get("artifactType") != entry["artifactType"]:
        problems.append(f"{where}: the entry says artifactType {entry['artifactType']!r}, "
                        f"the manifest {manifest.get('artifactType')!r}")
    config = {k: manifest.get("config", {}).get(k) for k in EMPTY_CONFIG}
    if config != EMPTY_CONFIG or layout.blob(EMPTY_CONFIG["digest"]) != b"{}":
        problems.append(f"{where}: its config is not the empty descriptor: {manifest.get('config')}")
    layer_types = [layer.get("mediaType", "") for layer in manifest.get("layers", [])]
    if not layer_types or any(t.startswith(IMAGE_LAYER_PREFIXES) for t in layer_types):
        problems.append(f"{where}: its layers {layer_types} are not an artifact's blobs")
    for layer in manifest.get("layers", []):
        if len(layout.blob(layer["digest"])) != layer["size"]:
            problems.append(f"{where}: blob {layer['digest']} is not {layer['size']} bytes")
    subject = manifest.get("subject", {}).get("digest")
    if subject not in images:
        problems.append(f"{where}: its subject {subject} is no image in the layout")


# ---------------------------------------------------------------------------- OCI layouts

def _check_layout(layout, tag, problems):
    entries = [e for e in layout.index().get("manifests", []) if "artifactType" not in e]  # referrers: above
    for entry in entries:
        _check_node(layout, entry, f"index.json {entry.get('annotations', {}).get(REF_NAME, entry['digest'])}",
                    problems)
    chosen = [e for e in entries if tag is None or e.get("annotations", {}).get(REF_NAME) == tag]
    if len(chosen) != 1:
        if tag is not None or not chosen:
            problems.append(f"{len(chosen)} index.json entries for tag {tag!r} (expected one)")
        return Checked(layout, None, None, None)  # every entry checked, none chosen
    document = layout.json_blob(chosen[0]["digest"])
    config = layout.json_blob(document["config"]["digest"]) if chosen[0]["mediaType"] in MANIFEST_TYPES else None
    return Checked(layout, chosen[0], document, config)


def _check_node(layout, descriptor, where, problems):
    media_type = descriptor.get("mediaType")
    try:
        document = layout.json_blob(descriptor["digest"])
    except (KeyError, AssertionError, ValueError) as e:
        problems.append(f"{where}: {descriptor.get('digest')} unreadable ({e})")
        return
    if media_type in INDEX_TYPES:
        for i, child in enumerate(document.get("manifests", [])):
            _check_node(layout, child, f"{where} > {child.get('digest')}", problems)
    elif media_type in MANIFEST_TYPES:
        _check_manifest(layout, descriptor, document, where, problems)


def _check_manifest(layout, descriptor, manifest, where, problems):
    config_type = manifest["config"].get("mediaType")
    families = {family_of(descriptor["mediaType"]), family_of(config_type)}
    families |= {family_of(layer["mediaType"]) for layer in manifest["layers"]}
    if len(families) > 1 or config_type not in CONFIG_TYPES:
        problems.append(f"{where}: manifest {descriptor['mediaType']}, config {config_type}, layers "
                        f"{sorted({layer['mediaType'] for layer in manifest['layers']})}: not one family")
    try:
        config = layout.json_blob(manifest["config"]["digest"])
    except (KeyError, AssertionError, ValueError) as e:
        problems.append(f"{where}: config unreadable ({e})")
        return
    _check_config(config, len(manifest["layers"]), where, problems)
    platform = descriptor.get("platform")
    if platform:
        for key in ("os", "architecture", "variant"):
            if (key != "variant" or (platform.get(key) and config.get(key))) and platform.get(key) != config.get(key):
                problems.append(f"{where}: the index says {key} {platform.get(key)!r}, the config {config.get(key)!r}")
    diff_ids = config.get("rootfs", {}).get("diff_ids", [])
    for i, layer in enumerate(manifest["layers"]):
        diff_id, problem = _layer(layout, layer)
        if problem:
            problems.append(f"{where}: layer {i} ({layer['digest']}): {problem}")
        elif i < len(diff_ids) and diff_ids[i] != diff_id:
            problems.append(f"{where}: layer {i} ({layer['digest']}) holds a tar of {diff_id}; "
                            f"the config's diff_id is {diff_ids[i]}")


def _check_config(config, layer_count, where, problems):
    rootfs = config.get("rootfs", {})
    if rootfs.get("type") != "layers":
        problems.append(f"{where}: config rootfs type {rootfs.get('type')!r}, not 'layers'")
    if len(rootfs.get("diff_ids", [])) != layer_count:
        problems.append(f"{where}: config has {len(rootfs.get('diff_ids', []))} diff_ids for {layer_count} layers")
    if "history" in config:
        real = [entry for entry in config["history"] if not entry.get("empty_layer")]
        if len(real) != layer_count:
            problems.append(f"{where}: config history has {len(real)} non-empty entries for {layer_count} layers")
    for key in ("os", "architecture"):
        if not config.get(key):
            problems.append(f"{where}: config has no {key}")


# ---------------------------------------------------------------------------- layers

class _HashingReader:
    """Reads from `stream`, hashing everything that passes."""

    def __init__(self, stream):
        self.stream, self.sha = stream, hashlib.sha256()

    def read(self, n=-1):
        data = self.stream.read(n)
        self.sha.update(data)
        return data


def _uncompressed_stream(raw, compression):
    if compression == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if compression == "zstd":
        return _BytesStream(subprocess.run(["zstd", "-dc"], input=raw.read(), stdout=subprocess.PIPE,
                                           check=True).stdout)
    return raw


class _BytesStream:
    def __init__(self, data):
        self.data, self.at = data, 0

    def read(self, n=-1):
        end = len(self.data) if n is None or n < 0 else self.at + n
        chunk, self.at = self.data[self.at:end], min(end, len(self.data))
        return chunk


def layer_facts(open_blob, media_type):
    """(diff_id, problem or None) of a layer blob (`open_blob()` gives a binary file):
    decompressed as `media_type` says, read as a tar, no path twice."""
    compression = compression_of(media_type)
    with open_blob() as raw:
        magic = raw.read(4)
    expected = {"gzip": b"\x1f\x8b", "zstd": b"\x28\xb5\x2f\xfd"}.get(compression)
    if expected and not magic.startswith(expected):
        return None, f"{media_type} but not {compression} data"
    with open_blob() as raw:
        stream = _HashingReader(_uncompressed_stream(raw, compression))
        seen, twice = set(), []
        try:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for member in tar:
                    name = h.norm(member.name)
                    if name and name in seen:
                        twice.append(name)
                    seen.add(name)
            while stream.read(1 << 20):
                pass  # the padding after the end-of-archive blocks is part of the diff_id
        except (tarfile.TarError, OSError, EOFError) as e:
            return None, f"not a readable tar: {e}"
    if twice:
        return None, f"holds {', '.join(sorted(set(twice))[:5])} more than once"
    return "sha256:" + stream.sha.hexdigest(), None


def _layer(layout, descriptor):
    digest = descriptor["digest"]
    if digest not in _layer_facts:
        name = "blobs/" + digest.replace(":", "/", 1)
        _layer_facts[digest] = layer_facts(lambda: layout.open(name), descriptor["mediaType"])
    return _layer_facts[digest]


# ---------------------------------------------------------------------------- docker-archives

def _short_name(name):
    for prefix in ("docker.io/library/", "docker.io/"):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _check_manifest_json(layout, problems):
    """A Docker 25+ archive: manifest.json agrees with index.json."""
    manifests = {}
    names = set()

    def collect(descriptor, names_of_entry):
        document = layout.json_blob(descriptor["digest"])
        if descriptor["mediaType"] in INDEX_TYPES:
            for child in document["manifests"]:
                if layout.exists("blobs/" + child["digest"].replace(":", "/", 1)):
                    collect(child, names_of_entry)
        else:
            manifests[document["config"]["digest"]] = document
    for entry in layout.index()["manifests"]:
        annotations = entry.get("annotations", {})
        if "io.containerd.image.name" in annotations:
            names.add(_short_name(annotations["io.containerd.image.name"]))
        collect(entry, names)
    for i, item in enumerate(json.loads(layout.read("manifest.json"))):
        config_digest = "sha256:" + item["Config"].rsplit("/", 1)[-1]
        manifest = manifests.get(config_digest)
        if manifest is None:
            problems.append(f"manifest.json[{i}]: config {item['Config']} is no config of index.json's manifests")
            continue
        expected = ["blobs/sha256/" + layer["digest"].split(":", 1)[1] for layer in manifest["layers"]]
        if item["Layers"] != expected:
            problems.append(f"manifest.json[{i}]: Layers {item['Layers']} but index.json's manifest has {expected}")
        for repo_tag in item.get("RepoTags") or []:
            if names and _short_name(repo_tag) not in names:
                problems.append(f"manifest.json[{i}]: RepoTag {repo_tag} is not among index.json's names {sorted(names)}")


def _check_classic_archive(layout, problems):
    """An archive with manifest.json only: config and layer files hash to what names them."""
    items = json.loads(layout.read("manifest.json"))
    checked = None
    for i, item in enumerate(items):
        where = f"manifest.json[{i}]"
        raw_config = layout.read(item["Config"])
        config = json.loads(raw_config)
        config_hex = hashlib.sha256(raw_config).hexdigest()
        if os.path.basename(item["Config"]).split(".")[0] not in (config_hex, "sha256:" + config_hex):
            problems.append(f"{where}: config {item['Config']} hashes to sha256:{config_hex}")
        _check_config(config, len(item["Layers"]), where, problems)
        diff_ids = config.get("rootfs", {}).get("diff_ids", [])
        for j, name in enumerate(item["Layers"]):
            with layout.open(name) as f:
                magic = f.read(4)
            media_type = "application/vnd.docker.image.rootfs.diff.tar" + (".gzip" if magic[:2] == b"\x1f\x8b" else "")
            diff_id, problem = layer_facts(lambda: layout.open(name), media_type)
            if problem:
                problems.append(f"{where}: layer {name}: {problem}")
            elif j < len(diff_ids) and diff_id != diff_ids[j]:
                problems.append(f"{where}: layer {name} holds a tar of {diff_id}; the config's diff_id is {diff_ids[j]}")
        checked = checked or Checked(layout, None, None, config)
    return checked


# ---------------------------------------------------------------------------- registries

def _validate_registry(ref, report):
    """Copy `ref` with skopeo (all platforms, digests kept) into a temporary OCI layout,
    check the copy kept the registry's digest, and validate the copy."""
    raw = subprocess.run(["skopeo", "--insecure-policy", "inspect", "--raw", "--tls-verify=false", f"docker://{ref}"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    if raw.returncode != 0:
        raise AssertionError(f"skopeo inspect --raw docker://{ref} failed: {raw.stderr.decode(errors='replace')}")
    digest = "sha256:" + hashlib.sha256(raw.stdout).hexdigest()
    work = tempfile.mkdtemp(prefix="validate-", dir=_tmp_root())
    atexit.register(shutil.rmtree, work, True)
    h.run_tool(["skopeo", "--insecure-policy", "copy", "--quiet", "--all", "--preserve-digests", "--src-tls-verify=false",
                f"docker://{ref}", f"oci:{work}/layout:v"])
    checked = validate_image(os.path.join(work, "layout"), tag="v")
    problems = []
    if checked.digest != digest:
        problems.append(f"the registry's manifest is {digest}, skopeo's copy {checked.digest}")
    if report is not None:
        _check_report(report, checked, ref, None, problems, registry=True)
    if problems:
        raise AssertionError(f"docker://{ref} is not a valid image:\n  " + "\n  ".join(problems))
    return checked


def _tmp_root():
    root = os.path.join(h.STATE, "tmp")
    os.makedirs(root, exist_ok=True)
    return root


# ---------------------------------------------------------------------------- the report

def _check_report(report, checked, where, tag, problems, registry=False):
    """The --json report agrees with the image it says it wrote at `where`."""
    if checked.manifest is None or checked.config is None:
        problems.append("the report cannot be compared: no single image chosen")
        return
    manifest, config = checked.manifest, checked.config
    digest = checked.digest or report.get("manifest_digest")
    facts = {
        "manifest_digest": (report.get("manifest_digest"), digest),
        "manifest_media_type": (report.get("manifest_media_type", manifest.get("mediaType")), manifest.get("mediaType")),
        "config_digest": (report.get("config_digest"), manifest["config"]["digest"]),
        "layer digests": ([l["digest"] for l in report.get("layers", [])], [l["digest"] for l in manifest["layers"]]),
        "layer sizes": ([l["size"] for l in report.get("layers", [])], [l["size"] for l in manifest["layers"]]),
        "layer media types": ([l["media_type"] for l in report.get("layers", [])],
                              [l["mediaType"] for l in manifest["layers"]]),
        "diff_ids": ([l["diff_id"] for l in report.get("layers", [])], config["rootfs"]["diff_ids"]),
    }
    for what, (said, found) in facts.items():
        if said != found:
            problems.append(f"the report's {what} {said} but the image has {found}")
    if not isinstance(report.get("warnings"), list):
        problems.append(f"the report's warnings are not a list: {report.get('warnings')!r}")
    if registry:
        named = [o for o in report.get("outputs", []) if o["type"] == "registry" and o["path"] == where]
        if named and named[0].get("digest") != digest:
            problems.append(f"the report pushed {named[0].get('digest')} to {where}, the registry holds {digest}")
    else:
        named = [o for o in report.get("outputs", []) if os.path.realpath(o["path"]) == os.path.realpath(where)]
        if named and tag is not None and named[0]["type"] == "oci" and named[0].get("tag") != tag:
            problems.append(f"the report wrote tag {named[0].get('tag')} to {where}, not {tag}")
    if not named:
        problems.append(f"the report's outputs {report.get('outputs')} do not name {where}")


def main(argv):
    """validate_image.py TARGET [--tag TAG] [--report JSON_FILE]: for tests in other
    languages (the C++ unit tests). Exit 0 valid, 1 invalid (each problem printed)."""
    import argparse
    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("target")
    parser.add_argument("--tag")
    parser.add_argument("--report")
    args = parser.parse_args(argv)
    report = None
    if args.report:
        with open(args.report) as f:
            report = json.load(f)
    try:
        checked = validate_image(args.target, tag=args.tag, report=report)
    except AssertionError as e:
        print(e)
        return 1
    print(f"valid: {args.target}" + (f" ({checked.digest})" if checked.digest else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
