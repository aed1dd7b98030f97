#!/usr/bin/python3
"""Turn a root filesystem tar (e.g. from mmdebstrap) into a one-layer OCI image layout.

usage: rootfs_to_oci.py ROOTFS_TAR OUT_DIR [--tag TAG] [--arch amd64] [--created-by TEXT]

The layer is the input tar gzip-compressed as-is (gzip header mtime 0, no file name),
so the same input always gives the same blobs, manifest and index. The config has
os linux, the given architecture, a Debian-like PATH and Cmd ["bash"]. `created` is
SOURCE_DATE_EPOCH when set, else the Unix epoch.
OUT_DIR must not exist; it is written under a temporary name and renamed at the end.
Exit 0 on success; any error raises (non-zero exit, traceback on stderr).
Standard library only.
"""
import argparse
import datetime
import gzip
import hashlib
import json
import os
import shutil
import sys

CHUNK = 1 << 20
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
MT_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"


class HashingWriter:
    """File-like sink that hashes and counts what passes through to `out`.
    Deliberately has no `name` attribute, so GzipFile writes no file name."""

    def __init__(self, out):
        self.out = out
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data):
        self.sha.update(data)
        self.size += len(data)
        return self.out.write(data)

    def flush(self):
        self.out.flush()


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def write_blob(blobs, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest


def compress_layer(rootfs_tar, blobs, level):
    """Gzip rootfs_tar into blobs/; return (diff_id, digest, size)."""
    tmp = os.path.join(blobs, ".layer.tmp")
    diff = hashlib.sha256()
    with open(rootfs_tar, "rb") as src, open(tmp, "wb") as raw:
        sink = HashingWriter(raw)
        with gzip.GzipFile(filename="", mode="wb", fileobj=sink, compresslevel=level, mtime=0) as gz:
            while True:
                chunk = src.read(CHUNK)
                if not chunk:
                    break
                diff.update(chunk)
                gz.write(chunk)
    digest = sink.sha.hexdigest()
    os.rename(tmp, os.path.join(blobs, digest))
    return "sha256:" + diff.hexdigest(), "sha256:" + digest, sink.size


def created_time():
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("rootfs_tar")
    p.add_argument("out_dir")
    p.add_argument("--tag", default="latest")
    p.add_argument("--arch", default="amd64")
    p.add_argument("--created-by", default="rootfs_to_oci.py")
    p.add_argument("--level", type=int, default=6, help="gzip level (default 6)")
    a = p.parse_args(argv)

    out = os.path.abspath(a.out_dir)
    if os.path.exists(out):
        sys.exit(f"rootfs_to_oci.py: {out} already exists")
    work = out + ".tmp"
    shutil.rmtree(work, ignore_errors=True)
    blobs = os.path.join(work, "blobs", "sha256")
    os.makedirs(blobs)

    diff_id, layer_digest, layer_size = compress_layer(a.rootfs_tar, blobs, a.level)
    created = created_time()
    config = {
        "architecture": a.arch,
        "os": "linux",
        "created": created,
        "config": {"Env": [PATH_ENV], "Cmd": ["bash"]},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": created, "created_by": a.created_by}],
    }
    config_bytes = canonical(config)
    config_digest = write_blob(blobs, config_bytes)
    manifest = {
        "schemaVersion": 2,
        "mediaType": MT_MANIFEST,
        "config": {"mediaType": MT_CONFIG, "digest": config_digest, "size": len(config_bytes)},
        "layers": [{"mediaType": MT_LAYER, "digest": layer_digest, "size": layer_size}],
    }
    manifest_bytes = canonical(manifest)
    manifest_digest = write_blob(blobs, manifest_bytes)
    index = {
        "schemaVersion": 2,
        "mediaType": MT_INDEX,
        "manifests": [{
            "mediaType": MT_MANIFEST,
            "digest": manifest_digest,
            "size": len(manifest_bytes),
            "platform": {"architecture": a.arch, "os": "linux"},
            "annotations": {"org.opencontainers.image.ref.name": a.tag},
        }],
    }
    with open(os.path.join(work, "index.json"), "wb") as f:
        f.write(canonical(index))
    with open(os.path.join(work, "oci-layout"), "wb") as f:
        f.write(canonical({"imageLayoutVersion": "1.0.0"}))
    os.rename(work, out)
    print(json.dumps({"manifest_digest": manifest_digest, "config_digest": config_digest,
                      "layer_digest": layer_digest, "diff_id": diff_id, "layer_size": layer_size}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
