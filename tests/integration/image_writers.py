"""Write image_model values where venv2docker reads bases from: an OCI layout folder, and
a docker-archive in either of the shapes `docker save` writes (classic: manifest.json,
config and uncompressed layer tars; Docker 25+: an OCI layout with manifest.json beside
it). Every document and blob comes from the values, so what is written agrees with
itself by construction; validate_image.py checks it independently.
Standard library only.
"""
import gzip
import io
import json
import os
import platform as host
import shutil
import tarfile

from image_model import REF_NAME, Image, Index, canonical

LAYOUT_VERSION = canonical({"imageLayoutVersion": "1.0.0"})


def _blobs(node):
    """{digest: bytes or a file path} of everything `node` (an Image or Index) needs."""
    out = {node.digest: node.raw}
    if isinstance(node, Index):
        for child in node.children:
            out.update(_blobs(child))
        return out
    out[node.manifest["config"]["digest"]] = node.raw_config
    for layer in node.layers:
        if layer.data is None and layer.path is None:
            raise ValueError(f"layer {layer.digest} has no bytes to write")
        out[layer.digest] = layer.path if layer.data is None else layer.data
    return out


def _write_blob(blobs_dir, digest, source):
    dest = os.path.join(blobs_dir, digest.split(":", 1)[1])
    if os.path.exists(dest):
        return
    if isinstance(source, bytes):
        with open(dest, "wb") as f:
            f.write(source)
        return
    try:
        os.link(source, dest)  # a base's layer: no copy of many megabytes
    except OSError:
        shutil.copyfile(source, dest)


def _index_json(tagged, extra_annotations=None):
    entries = []
    for tag, node in tagged.items():
        entry = node.descriptor()
        if isinstance(node, Image):
            entry["platform"] = node.platform()
        entry["annotations"] = {REF_NAME: tag, **(extra_annotations or {})}
        entries.append(entry)
    return canonical({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                      "manifests": entries})


def write_oci_layout(path, tagged):
    """An OCI layout folder at `path` (must not exist) holding `tagged`: {tag: Image or
    Index}. Returns `path`."""
    if os.path.exists(path):
        raise FileExistsError(path)
    blobs_dir = os.path.join(path, "blobs", "sha256")
    os.makedirs(blobs_dir)
    for node in tagged.values():
        for digest, source in _blobs(node).items():
            _write_blob(blobs_dir, digest, source)
    with open(os.path.join(path, "index.json"), "wb") as f:
        f.write(_index_json(tagged))
    with open(os.path.join(path, "oci-layout"), "wb") as f:
        f.write(LAYOUT_VERSION)
    return path


def _host_image(node):
    """The image a daemon on this machine would keep of `node`: itself, or its amd64 (or
    this machine's) entry."""
    if isinstance(node, Image):
        return node
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(host.machine(), host.machine())
    return next(image for image in node.images() if image.config["architecture"] == arch)


class _TarOut:
    """Members added in order, owned by root, mtime 0: the same values, the same tar."""

    def __init__(self, path):
        self.tar = tarfile.open(path, "w", format=tarfile.PAX_FORMAT)

    def add(self, name, source):
        info = tarfile.TarInfo(name)
        if isinstance(source, bytes):
            info.size = len(source)
            self.tar.addfile(info, io.BytesIO(source))
        else:
            info.size = os.path.getsize(source)
            with open(source, "rb") as f:
                self.tar.addfile(info, f)

    def close(self):
        self.tar.close()


def write_docker_archive(path, node, repo_tag, style="oci"):
    """A docker-archive tar at `path` naming `node` (an Image, or with style "oci" an
    Index) as `repo_tag` ("name:tag").

    style "oci": Docker 25+'s: blobs/sha256/*, oci-layout, index.json (annotated with
    io.containerd.image.name and the tag), and manifest.json naming the blobs of the image
    a daemon here would hold. style "classic": Docker 24's and skopeo's: manifest.json,
    the config as <hex>.json and each layer uncompressed as <diff_id hex>.tar (an Image
    only; layers must be uncompressed or gzip)."""
    out = _TarOut(path)
    try:
        if style == "oci":
            image = _host_image(node)
            for digest, source in sorted(_blobs(node).items()):
                out.add("blobs/sha256/" + digest.split(":", 1)[1], source)
            out.add("oci-layout", LAYOUT_VERSION)
            name, tag = repo_tag.rsplit(":", 1)
            full = repo_tag if "/" in name else "docker.io/library/" + repo_tag
            out.add("index.json", _index_json({tag: node}, {"io.containerd.image.name": full}))
            out.add("manifest.json", json.dumps([{
                "Config": "blobs/sha256/" + image.manifest["config"]["digest"].split(":", 1)[1],
                "RepoTags": [repo_tag],
                "Layers": ["blobs/sha256/" + layer.digest.split(":", 1)[1] for layer in image.layers],
            }]).encode())
        elif style == "classic":
            if not isinstance(node, Image):
                raise ValueError("a classic docker-archive holds one image, not an index")
            config_name = node.manifest["config"]["digest"].split(":", 1)[1] + ".json"
            out.add(config_name, node.raw_config)
            layer_names = []
            for layer in node.layers:
                name = layer.diff_id.split(":", 1)[1] + ".tar"
                if name not in layer_names:
                    out.add(name, _uncompressed(layer))
                layer_names.append(name)
            out.add("manifest.json", json.dumps([{"Config": config_name, "RepoTags": [repo_tag],
                                                  "Layers": layer_names}]).encode())
        else:
            raise ValueError(f"unknown docker-archive style {style!r}")
    finally:
        out.close()
    return path


def _uncompressed(layer):
    data = layer.blob()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
