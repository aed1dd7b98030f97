"""Images as values, for tests that need an input image: layers, an image (config and
manifest) and an index, each holding the bytes its digest is of. Nothing is written
here; image_writers.py puts them into an OCI layout or a docker-archive, and
random_images.py makes random ones.

The idea is go-containerregistry's: a Layer knows its blob, diff_id and media type, an
Image is derived from its config and layers (the manifest is never written by hand),
and edits return a new value (`Image.append`). JSON documents are serialised once,
canonically (sorted keys, no spaces), and their digests are of those bytes.
Standard library only.
"""
import gzip
import hashlib
import io
import json
import os
import tarfile

REF_NAME = "org.opencontainers.image.ref.name"

MEDIA_TYPES = {
    "oci": {
        "index": "application/vnd.oci.image.index.v1+json",
        "manifest": "application/vnd.oci.image.manifest.v1+json",
        "config": "application/vnd.oci.image.config.v1+json",
        "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
        "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
        None: "application/vnd.oci.image.layer.v1.tar",
    },
    "docker": {
        "index": "application/vnd.docker.distribution.manifest.list.v2+json",
        "manifest": "application/vnd.docker.distribution.manifest.v2+json",
        "config": "application/vnd.docker.container.image.v1+json",
        "gzip": "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "zstd": "application/vnd.docker.image.rootfs.diff.tar.zstd",
        None: "application/vnd.docker.image.rootfs.diff.tar",
    },
}
INDEX_TYPES = {types["index"] for types in MEDIA_TYPES.values()}
MANIFEST_TYPES = {types["manifest"] for types in MEDIA_TYPES.values()}


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def family_of(media_type):
    """"oci" or "docker": the family a media type belongs to."""
    return "docker" if "vnd.docker" in media_type else "oci"


def compression_of(layer_media_type):
    """"gzip", "zstd" or None, from a layer media type of either family."""
    for name in ("gzip", "zstd"):
        if layer_media_type.endswith(name):
            return name
    return None


def gzip_bytes(data, level=6):
    """Gzip as rootfs_to_oci.py does (no file name, mtime 0): the same input, the same blob.
    Not gzip.compress, which writes another OS byte."""
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=level, mtime=0) as g:
        g.write(data)
    return out.getvalue()


# ---------------------------------------------------------------------------- layers

class Entry:
    """One member of a layer tar. `kind`: file, dir, symlink, hardlink; `data` is a file's
    bytes, `target` a link's target. Owners are root; `mode` defaults by kind."""

    DEFAULT_MODES = {"file": 0o644, "dir": 0o755, "symlink": 0o777, "hardlink": 0o644}

    def __init__(self, path, kind="file", data=b"", mode=None, target=None, mtime=0):
        if kind not in self.DEFAULT_MODES:
            raise ValueError(f"unknown entry kind {kind!r}")
        self.path, self.kind, self.data, self.target, self.mtime = path, kind, data, target, mtime
        self.mode = self.DEFAULT_MODES[kind] if mode is None else mode

    def tarinfo(self):
        info = tarfile.TarInfo(self.path.rstrip("/"))
        info.mtime, info.mode, info.uid, info.gid, info.uname, info.gname = self.mtime, self.mode, 0, 0, "", ""
        if self.kind == "dir":
            info.type = tarfile.DIRTYPE
        elif self.kind == "symlink":
            info.type, info.linkname = tarfile.SYMTYPE, self.target
        elif self.kind == "hardlink":
            info.type, info.linkname = tarfile.LNKTYPE, self.target
        else:
            info.size = len(self.data)
        return info


def layer_tar(entries):
    """The tar bytes of a layer: `entries` (Entry) in order, PAX format."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            info = entry.tarinfo()
            tar.addfile(info, io.BytesIO(entry.data) if info.isfile() else None)
    return out.getvalue()


class Layer:
    """A layer: its descriptor (media type, digest, size), its diff_id, and where its blob
    is: `data` (bytes), `path` (a file, e.g. a base layout's blob, not read into memory),
    or neither (it is elsewhere already, e.g. in the registry the image goes to)."""

    def __init__(self, media_type, digest, size, diff_id, data=None, path=None):
        if data is not None and path is not None:
            raise ValueError("a Layer has its bytes or a path, not both")
        self.media_type, self.digest, self.size, self.diff_id = media_type, digest, size, diff_id
        self.data, self.path = data, path

    @classmethod
    def from_tar(cls, tar, family="oci", compression="gzip", level=6):
        """A layer from uncompressed tar bytes, gzipped (or stored as is, compression=None)."""
        if compression not in ("gzip", None):
            raise ValueError("layers are written gzipped or uncompressed")
        blob = gzip_bytes(tar, level) if compression == "gzip" else tar
        return cls(MEDIA_TYPES[family][compression], sha256(blob), len(blob), sha256(tar), data=blob)

    @classmethod
    def from_entries(cls, entries, family="oci", compression="gzip"):
        return cls.from_tar(layer_tar(entries), family, compression)

    def descriptor(self):
        return {"mediaType": self.media_type, "digest": self.digest, "size": self.size}

    def blob(self):
        if self.data is not None:
            return self.data
        if self.path is None:
            raise ValueError(f"layer {self.digest} has no bytes here")
        with open(self.path, "rb") as f:
            return f.read()


# ---------------------------------------------------------------------------- images

class Image:
    """An image: a config (without `rootfs`, which comes from the layers) and layers, in
    the media types of `family`. `history`: one entry per layer unless the config has its
    own. `raw_config` keeps bytes read from elsewhere, whose digest must not change."""

    def __init__(self, config, layers, family="oci", annotations=None, raw_config=None):
        self.layers, self.family, self.annotations = list(layers), family, annotations or {}
        config = dict(config)
        config["rootfs"] = {"type": "layers", "diff_ids": [layer.diff_id for layer in self.layers]}
        if "history" not in config:
            created = config.get("created", "1970-01-01T00:00:00Z")
            config["history"] = [{"created": created, "created_by": "image_model"} for _ in self.layers]
        self.config = config
        self.raw_config = raw_config if raw_config is not None else canonical(config)
        manifest = {
            "schemaVersion": 2,
            "mediaType": MEDIA_TYPES[family]["manifest"],
            "config": {"mediaType": MEDIA_TYPES[family]["config"], "digest": sha256(self.raw_config),
                       "size": len(self.raw_config)},
            "layers": [layer.descriptor() for layer in self.layers],
        }
        if self.annotations:
            manifest["annotations"] = self.annotations
        self.manifest = manifest
        self.raw = canonical(manifest)
        self.media_type = manifest["mediaType"]
        self.digest = sha256(self.raw)

    def platform(self):
        out = {"architecture": self.config["architecture"], "os": self.config["os"]}
        if self.config.get("variant"):
            out["variant"] = self.config["variant"]
        return out

    def descriptor(self):
        return {"mediaType": self.media_type, "digest": self.digest, "size": len(self.raw)}

    def append(self, layer, created_by):
        """A new image: this one plus `layer` on top, with its history entry."""
        config = {k: v for k, v in self.config.items() if k != "rootfs"}
        config["history"] = list(config.get("history", [])) + [{"created": config.get("created"),
                                                                 "created_by": created_by}]
        return Image(config, self.layers + [layer], self.family, self.annotations)

    @classmethod
    def from_raw(cls, raw_manifest, raw_config, blobs=None):
        """The image of these manifest and config bytes, both kept as they are (an edit
        makes new ones); its layers are files in the folder `blobs`, or elsewhere."""
        manifest, config = json.loads(raw_manifest), json.loads(raw_config)
        layers = [Layer(d["mediaType"], d["digest"], d["size"], diff_id,
                        path=blobs and os.path.join(blobs, d["digest"].split(":", 1)[1]))
                  for d, diff_id in zip(manifest["layers"], config["rootfs"]["diff_ids"])]
        image = cls(config, layers, family_of(manifest["mediaType"]), manifest.get("annotations"), raw_config)
        image.raw, image.manifest, image.digest = raw_manifest, manifest, sha256(raw_manifest)
        return image

    @classmethod
    def read(cls, layout, tag):
        """The image `tag` names in the OCI layout folder `layout`; its layers stay files
        there."""
        blobs = os.path.join(layout, "blobs", "sha256")
        with open(os.path.join(layout, "index.json")) as f:
            entry = next(d for d in json.load(f)["manifests"] if d.get("annotations", {}).get(REF_NAME) == tag)

        def blob(digest):
            with open(os.path.join(blobs, digest.split(":", 1)[1]), "rb") as f:
                return f.read()
        raw_manifest = blob(entry["digest"])
        return cls.from_raw(raw_manifest, blob(json.loads(raw_manifest)["config"]["digest"]), blobs)


class Index:
    """An image index of images (or indexes), each listed with its platform."""

    def __init__(self, children, family="oci", annotations=None):
        self.children, self.family = list(children), family
        entries = []
        for child in self.children:
            entry = child.descriptor()
            if isinstance(child, Image):
                entry["platform"] = child.platform()
            entries.append(entry)
        document = {"schemaVersion": 2, "mediaType": MEDIA_TYPES[family]["index"], "manifests": entries}
        if annotations:
            document["annotations"] = annotations
        self.document = document
        self.raw = canonical(document)
        self.media_type = document["mediaType"]
        self.digest = sha256(self.raw)

    def descriptor(self):
        return {"mediaType": self.media_type, "digest": self.digest, "size": len(self.raw)}

    def images(self):
        """Every image below this index, depth first."""
        for child in self.children:
            yield from child.images() if isinstance(child, Index) else [child]
