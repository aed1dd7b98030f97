#!/usr/bin/python3
"""Build a two-platform Debian base for the --platform tests, offline, with real tools.

usage: make_multiplatform_base.py [--print-env]

amd64 is the bookworm base make-bases.sh builds (its manifest, config and layer as they are).
arm64 is Debian's own arm64 packages, unpacked without running them (no emulator needed):
  mmdebstrap --variant=extract --arch=arm64 --include=python3.11-minimal,python3-minimal bookworm
gzipped as one layer (rootfs_to_oci.py's compressor), with a config saying
architecture arm64, variant v8. From the two, into $V2D_TEST_BASES/multiplatform-<key>/:
  oci/            an OCI layout whose tag "multi" names an image index (the two platforms;
                  the tagged entry is itself an index), "amd64" and "arm64" each manifest alone
  arm64.docker.tar       `skopeo copy oci:...:arm64 docker-archive:...`: a classic archive
                         (manifest.json only), single-platform arm64
  multi.docker.tar       a Docker 25+ style `docker save` archive: the layout's blobs,
                         index.json naming the index (io.containerd.image.name and
                         org.opencontainers.image.ref.name), oci-layout, and manifest.json
                         for the platform a daemon on this machine would hold (amd64)
The folder is named after a hash of the mmdebstrap command, this script, rootfs_to_oci.py
and the amd64 base's folder name, so a rerun takes no time and any change rebuilds;
concurrent runs serialise on a lock file. The Debian mirror is make-bases.sh's (its V2D_DEBIAN_MIRROR).
--print-env prints KEY=VALUE lines: V2D_MULTI_OCI, V2D_MULTI_TAG, V2D_MULTI_INDEX_DIGEST,
V2D_AMD64_MANIFEST_DIGEST, V2D_ARM64_MANIFEST_DIGEST, V2D_ARM64_LAYER_DIGEST,
V2D_ARM64_ARCHIVE, V2D_MULTI_ARCHIVE.
Exit non-zero, with the failing command's output, when a step fails.
"""
import argparse
import fcntl
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rootfs_to_oci as oci  # noqa: E402

BASES = os.environ.get("V2D_TEST_BASES", "/var/cache/v2d-test-bases")
ARM64_PACKAGES = "python3.11-minimal,python3-minimal"
FORMAT = "multiplatform-1"
REF_NAME = "org.opencontainers.image.ref.name"


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"make_multiplatform_base.py: {' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}")
    return p.stdout


def amd64_base():
    """make-bases.sh's bookworm base (built or cached): {V2D_BASE_BOOKWORM_OCI: ..., ...}."""
    out = run([os.path.join(HERE, "make-bases.sh"), "--print-env"])
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def mmdebstrap_cmd(mirror, out):
    return ["mmdebstrap", "--variant=extract", "--arch=arm64", f"--include={ARM64_PACKAGES}", "--skip=output/dev",
            "bookworm", out, mirror]


def cache_key(mirror, amd64_dir):
    h = hashlib.sha256(FORMAT.encode())
    h.update("\0".join(mmdebstrap_cmd(mirror, "OUT")).encode())
    h.update(os.path.basename(os.path.dirname(amd64_dir)).encode())
    for path in (os.path.abspath(__file__), os.path.join(HERE, "rootfs_to_oci.py")):
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def write_json_blob(blobs, value):
    data = oci.canonical(value)
    return {"digest": oci.write_blob(blobs, data), "size": len(data)}


def arm64_image(rootfs_tar, blobs):
    """The arm64 manifest's descriptor (layer and config written into blobs/)."""
    diff_id, layer_digest, layer_size = oci.compress_layer(rootfs_tar, blobs, 6)
    created = "1970-01-01T00:00:00Z"
    config = write_json_blob(blobs, {
        "architecture": "arm64", "variant": "v8", "os": "linux", "created": created,
        "config": {"Env": [oci.PATH_ENV], "Cmd": ["bash"]},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": created, "created_by": " ".join(mmdebstrap_cmd("MIRROR", "OUT")[:-2])}],
    })
    manifest = write_json_blob(blobs, {
        "schemaVersion": 2, "mediaType": oci.MT_MANIFEST,
        "config": {"mediaType": oci.MT_CONFIG, **config},
        "layers": [{"mediaType": oci.MT_LAYER, "digest": layer_digest, "size": layer_size}],
    })
    return {"mediaType": oci.MT_MANIFEST, **manifest}, layer_digest


def copy_blobs(src_layout, blobs):
    src = os.path.join(src_layout, "blobs", "sha256")
    for name in os.listdir(src):
        dest = os.path.join(blobs, name)
        if not os.path.exists(dest):
            try:
                os.link(os.path.join(src, name), dest)
            except OSError:
                shutil.copyfile(os.path.join(src, name), dest)


def docker25_archive(layout, index_entry, amd64_manifest, out):
    """A tar like Docker 25+ `docker save` writes: an OCI layout plus manifest.json."""
    blobs = os.path.join(layout, "blobs", "sha256")
    with open(os.path.join(blobs, amd64_manifest["digest"].split(":")[1]), "rb") as f:
        manifest = json.load(f)
    docker_manifest = [{"Config": "blobs/sha256/" + manifest["config"]["digest"].split(":")[1],
                        "RepoTags": ["multi:latest"],
                        "Layers": ["blobs/sha256/" + l["digest"].split(":")[1] for l in manifest["layers"]]}]
    entry = dict(index_entry, annotations={"io.containerd.image.name": "docker.io/library/multi:latest",
                                           REF_NAME: "latest"})
    documents = {"oci-layout": oci.canonical({"imageLayoutVersion": "1.0.0"}),
                 "index.json": oci.canonical({"schemaVersion": 2, "mediaType": oci.MT_INDEX, "manifests": [entry]}),
                 "manifest.json": json.dumps(docker_manifest).encode()}
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(os.listdir(blobs)):
            tar.add(os.path.join(blobs, name), arcname=f"blobs/sha256/{name}", recursive=False)
        for name, data in documents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, fileobj=io.BytesIO(data))


def build(dir_, mirror, base):
    tmp = dir_ + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    rootfs = os.path.join(tmp, "arm64-rootfs.tar")
    log = run(mmdebstrap_cmd(mirror, rootfs), stdin=subprocess.DEVNULL)
    layout = os.path.join(tmp, "oci")
    blobs = os.path.join(layout, "blobs", "sha256")
    os.makedirs(blobs)
    arm64, arm64_layer = arm64_image(rootfs, blobs)
    os.remove(rootfs)
    amd64_layout = base["V2D_BASE_BOOKWORM_OCI"]
    copy_blobs(amd64_layout, blobs)
    with open(os.path.join(amd64_layout, "index.json")) as f:
        amd64 = next(e for e in json.load(f)["manifests"]
                     if e.get("annotations", {}).get(REF_NAME) == base["V2D_BASE_BOOKWORM_TAG"])
    amd64 = {k: amd64[k] for k in ("mediaType", "digest", "size")}
    arm64_entry = dict(arm64, platform={"architecture": "arm64", "os": "linux", "variant": "v8"})
    amd64_entry = dict(amd64, platform={"architecture": "amd64", "os": "linux"})
    index = {"mediaType": oci.MT_INDEX,
             **write_json_blob(blobs, {"schemaVersion": 2, "mediaType": oci.MT_INDEX,
                                       "manifests": [amd64_entry, arm64_entry]})}
    top = [dict(index, annotations={REF_NAME: "multi"}),
           dict(amd64, annotations={REF_NAME: "amd64"}),
           dict(arm64, annotations={REF_NAME: "arm64"})]
    with open(os.path.join(layout, "index.json"), "wb") as f:
        f.write(oci.canonical({"schemaVersion": 2, "mediaType": oci.MT_INDEX, "manifests": top}))
    with open(os.path.join(layout, "oci-layout"), "wb") as f:
        f.write(oci.canonical({"imageLayoutVersion": "1.0.0"}))
    run(["skopeo", "--insecure-policy", "copy", "--quiet", f"oci:{layout}:arm64",
         f"docker-archive:{tmp}/arm64.docker.tar:arm64:latest"])
    docker25_archive(layout, index, amd64, os.path.join(tmp, "multi.docker.tar"))
    env = {"V2D_MULTI_TAG": "multi", "V2D_MULTI_INDEX_DIGEST": index["digest"],
           "V2D_AMD64_MANIFEST_DIGEST": amd64["digest"], "V2D_ARM64_MANIFEST_DIGEST": arm64["digest"],
           "V2D_ARM64_LAYER_DIGEST": arm64_layer}
    with open(os.path.join(tmp, "env.json"), "w") as f:
        json.dump(env, f)
    with open(os.path.join(tmp, "mmdebstrap.log"), "w") as f:
        f.write(log)
    os.rename(tmp, dir_)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--print-env", action="store_true")
    a = p.parse_args(argv)
    base = amd64_base()
    mirror = base["V2D_DEBIAN_MIRROR"]
    dir_ = os.path.join(BASES, "multiplatform-" + cache_key(mirror, base["V2D_BASE_BOOKWORM_OCI"]))
    os.makedirs(BASES, exist_ok=True)
    with open(os.path.join(BASES, ".lock-multiplatform"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isdir(dir_):
            print(f"make_multiplatform_base: building {dir_} (mmdebstrap arm64, about a minute)", file=sys.stderr)
            build(dir_, mirror, base)
            for old in os.listdir(BASES):  # this fixture from older scripts or bases
                path = os.path.join(BASES, old)
                if old.startswith("multiplatform-") and path != dir_ and os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
    with open(os.path.join(dir_, "env.json")) as f:
        env = json.load(f)
    env.update(V2D_MULTI_OCI=os.path.join(dir_, "oci"), V2D_ARM64_ARCHIVE=os.path.join(dir_, "arm64.docker.tar"),
               V2D_MULTI_ARCHIVE=os.path.join(dir_, "multi.docker.tar"))
    if a.print_env:
        for key, value in sorted(env.items()):
            print(f"{key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
