#!/usr/bin/python3
"""Build the corpus of base images made by real builders, offline, into one OCI layout.

usage: make_real_bases.py [--rebuild] [--print-env]

Needs the test services (services.sh start: dockerd and the registry) and the bookworm
base (make-bases.sh). Each base but `slim` is the bookworm base plus two layers that make
and then change the tree of corpus.py under /corpus (whiteouts, a folder replaced by a
file and the reverse, a folder's contents replaced, hard links within a layer and to a
file of the layer below, NFC, NFD, CJK, emoji and Latin-1 names). Tags in the layout:

  docker-build  `docker build` (dockerd 20.10, legacy builder, RUN steps), `docker push`
                to the test registry (a Docker v2s2 manifest, layers written by Go's
                archive/tar), then `skopeo copy --format oci` into the layout
  buildah       `buildah from`, `run --isolation chroot`, `commit`, twice; overlay
                storage, whose diffs (unlike vfs's) hold opaque whiteouts
  umoci         `umoci unpack`, the changes made in the bundle, `umoci repack`, twice
                (all but the folder replaced by a file, which umoci writes as a layer
                Docker and podman refuse: corpus.STEP2_UMOCI)
  gnu-tar       layers written by GNU tar in --format=gnu (the tree), --format=ustar
                (whiteouts, a folder and a file replaced) and --format=pax (an opaque
                whiteout, a hard link, new non-ASCII names), then one by Python's
                tarfile (as rules_docker's build_tar.py writes layers) holding a hard
                link to a file of the first layer; added with `umoci raw add-layer`
  slim          like python:3.X-slim: mmdebstrap --variant=minbase
                --include=python3,ca-certificates,netbase,tzdata bookworm, `docker
                import`, `docker push`, `skopeo copy --format oci`: its non-ASCII names
                (NetLock_Arany_=Class_Gold=_Főtanúsítvány.crt) are PAX records by Go

Cached in $V2D_TEST_BASES (default /var/cache/v2d-test-bases): the corpus in
real-bases-<key> (a hash of this script, corpus.py, the bookworm base, the mirror and
the builders' versions), slim apart in real-base-slim-<key> (a hash of what makes it
only, as mmdebstrap is the slow part); a complete folder is reused, concurrent runs
serialise on a lock.
--print-env prints V2D_CORPUS_OCI=DIR (every tag but slim), V2D_CORPUS_TAGS=tag,... and
V2D_SLIM_OCI=DIR (tag slim).
Exits non-zero with the failing command's output when a step fails.
"""
import argparse
import fcntl
import hashlib
import inspect
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree from the imports below
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus  # noqa: E402
import harness as h  # noqa: E402

FORMAT = "real-bases-1"
TAGS = ["docker-build", "buildah", "umoci", "gnu-tar", "slim"]
# Layers each adds to the bookworm base (slim has one of its own): a builder that folds
# the two corpus steps into one layer would test nothing across layers.
ADDED_LAYERS = {"docker-build": 2, "buildah": 2, "umoci": 2, "gnu-tar": 4}
TOOLS = ["docker.io", "buildah", "umoci", "skopeo", "tar", "mmdebstrap", "python3.11"]
SLIM_TOOLS = ["docker.io", "skopeo", "mmdebstrap"]  # what makes slim: a new buildah keeps it
SLIM_PACKAGES = "python3,ca-certificates,netbase,tzdata"
# As make-bases.sh: no docs, man pages or translations (vfs copies whole layers).
DPKG_OPTS = ["--dpkgopt=path-exclude=/usr/share/doc/*", "--dpkgopt=path-include=/usr/share/doc/*/copyright",
             "--dpkgopt=path-exclude=/usr/share/man/*", "--dpkgopt=path-exclude=/usr/share/info/*",
             "--dpkgopt=path-exclude=/usr/share/locale/*"]


def log(message):
    print(f"make_real_bases: {message}", file=sys.stderr, flush=True)


def run(cmd, env=None, cwd=None):
    """Runs cmd (no shell); its stdout as bytes. Exits with its output when it fails."""
    p = subprocess.run(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.stderr.buffer.write(p.stdout[-4000:] + p.stderr[-8000:])
        shown = " ".join(map(str, cmd))
        sys.exit(f"make_real_bases.py: command failed ({p.returncode}): {shown[:400]}")
    return p.stdout


def docker_env():
    return dict(os.environ, DOCKER_HOST=h.services()["DOCKER_HOST"], DOCKER_BUILDKIT="0")


def skopeo_copy(source, dest, *options):
    run(["skopeo", "--insecure-policy", "copy", "--quiet", "--src-tls-verify=false", *options, source, dest])


def mirror():
    return run([os.path.join(HERE, "make-bases.sh"), "--print-mirror"]).decode().strip()


def cache_key(*parts, tools=TOOLS):
    """A hash of `parts` (bytes or text), the mirror and the versions of `tools`."""
    digest = hashlib.sha256(FORMAT.encode())
    for part in (*parts, mirror(), run(["dpkg-query", "-W", *tools])):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def corpus_key():
    sources = []
    for source in (__file__, corpus.__file__):
        with open(source, "rb") as f:
            sources.append(f.read())
    with open(os.path.join(h.bases()["V2D_BASE_BOOKWORM_OCI"], "index.json"), "rb") as f:
        sources.append(f.read())
    return cache_key(*sources)


def slim_key():
    # Only what makes it: the slow mmdebstrap run is not redone when the corpus changes.
    return cache_key(inspect.getsource(slim), inspect.getsource(push_to_layout), SLIM_PACKAGES, *DPKG_OPTS,
                     tools=SLIM_TOOLS)


# ---------------------------------------------------------------------------- builders

def push_to_layout(image, registry, layout, tag, env):
    """docker push, then the registry's copy into the layout as OCI; the image leaves dockerd."""
    remote = f"{registry}/v2d-corpus/{tag}:latest"
    run(["docker", "tag", image, remote], env=env)
    run(["docker", "push", remote], env=env)
    skopeo_copy(f"docker://{remote}", f"oci:{layout}:{tag}", "--format", "oci")
    run(["docker", "rmi", "-f", image, remote], env=env)


def docker_build(work, layout):
    env = docker_env()
    base_image = h.ensure_base_loaded()
    context = os.path.join(work, "docker-context")
    os.makedirs(context)
    with open(os.path.join(context, "Dockerfile"), "w") as f:
        f.write(f"FROM {base_image}\nRUN {corpus.STEP1}\nRUN {corpus.STEP2}\n")
    image = f"v2d-corpus-docker-build:{os.getpid()}"
    run(["docker", "build", "--network", "none", "-q", "-t", image, context], env=env)
    push_to_layout(image, h.registry(), layout, "docker-build", env)


def unmount_under(folder):
    with open("/proc/self/mounts") as f:
        points = [line.split()[1] for line in f]
    for point in sorted((p for p in points if p.startswith(folder + "/")), reverse=True):
        subprocess.run(["umount", "-l", point], stderr=subprocess.DEVNULL)


def buildah(work, layout):
    storage = os.path.join(work, "buildah")
    tool = ["buildah", "--root", os.path.join(storage, "root"), "--runroot", os.path.join(storage, "run"),
            "--storage-driver", "overlay"]
    base = h.bases()
    try:
        source = f"oci:{base['V2D_BASE_BOOKWORM_OCI']}:{base['V2D_BASE_BOOKWORM_TAG']}"
        for script, target in ((corpus.STEP1, "v2d-corpus-step1"), (corpus.STEP2, f"oci:{layout}:buildah")):
            container = run([*tool, "from", "--quiet", source]).decode().strip()
            run([*tool, "run", "--isolation", "chroot", container, "--", "sh", "-c", script])
            run([*tool, "commit", "--quiet", "--rm", "--format", "oci", container, target])
            source = "localhost/v2d-corpus-step1"
        run([*tool, "rmi", "--all", "--force"])
    finally:
        unmount_under(storage)
        shutil.rmtree(storage, ignore_errors=True)


def run_step(script, root):
    """One corpus step on the host, under folder `root`."""
    run(["sh", "-c", script], env=dict(os.environ, R=root))


def umoci(work, layout):
    base = h.bases()
    own = os.path.join(work, "umoci-layout")
    shutil.copytree(base["V2D_BASE_BOOKWORM_OCI"], own)
    bundle = os.path.join(work, "umoci-bundle")
    # A fresh bundle per step: repack diffs against the image the bundle was unpacked
    # from, so a second repack of one bundle would fold both steps into one layer.
    for source, script, tag in ((base["V2D_BASE_BOOKWORM_TAG"], corpus.STEP1, "step1"),
                                ("step1", corpus.STEP2_UMOCI, "umoci")):
        run(["umoci", "unpack", "--image", f"{own}:{source}", bundle])
        run_step(script, os.path.join(bundle, "rootfs"))
        run(["umoci", "repack", "--image", f"{own}:{tag}", bundle])
        shutil.rmtree(bundle)
    skopeo_copy(f"oci:{own}:umoci", f"oci:{layout}:umoci")
    shutil.rmtree(own)


def write_file(path, data=b""):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def gnu_tar_layers(work):
    """The four layer tars: what STEP1 makes, then STEP2's changes as whiteouts and files."""
    stages = os.path.join(work, "gnu-stages")
    c = corpus
    first = os.path.join(stages, "1")
    run_step(c.STEP1, first)

    second = os.fsencode(os.path.join(stages, "2"))
    for rel, data in ((b"corpus/.wh.delete-me", b""), (b"corpus/.wh.deleted-dir", b""),
                      (b"corpus/names/.wh.gone-" + c.NFC, b""),
                      (b"corpus/dir-to-file", b"now-a-file"),
                      (b"corpus/file-to-dir/child.txt", b"child")):
        write_file(os.path.join(second, rel), data)

    third = os.fsencode(os.path.join(stages, "3"))
    for rel, data in ((b"corpus/opaque/.wh..wh..opq", b""), (b"corpus/opaque/new.txt", b"new"),
                      (b"corpus/" + c.NEW_FOLDER + b"/" + c.EMOJI, b"new-emoji"),
                      (b"corpus/b-hard-1", b"b-shared")):
        write_file(os.path.join(third, rel), data)
    os.link(os.path.join(third, b"corpus/b-hard-1"), os.path.join(third, b"corpus/b-hard-2"))

    tars = []
    for folder, tar_format in ((first, "gnu"), (second, "ustar"), (third, "pax")):
        out = os.path.join(work, f"layer-{tar_format}.tar")
        # The C locale: GNU tar then writes names as the bytes they are.
        run(["tar", f"--format={tar_format}", "--sort=name", "-C", folder, "-cf", out, "corpus"],
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"})
        tars.append(out)

    out = os.path.join(work, "layer-tarfile.tar")
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT, encoding="utf-8", errors="surrogateescape") as t:
        link = tarfile.TarInfo("corpus/late-link")
        link.type, link.linkname, link.mode, link.mtime = tarfile.LNKTYPE, "corpus/early", 0o644, int(time.time())
        t.addfile(link)
    tars.append(out)
    shutil.rmtree(stages)
    return tars


def gnu_tar(work, layout):
    base = h.bases()
    own = os.path.join(work, "gnu-layout")
    shutil.copytree(base["V2D_BASE_BOOKWORM_OCI"], own)
    tag = base["V2D_BASE_BOOKWORM_TAG"]
    for number, layer in enumerate(gnu_tar_layers(work)):
        new_tag = f"layer{number}"
        run(["umoci", "raw", "add-layer", "--image", f"{own}:{tag}", "--tag", new_tag, layer])
        tag = new_tag
        # The point is each writer's bytes: the layer must hold the tar unchanged.
        with open(layer, "rb") as f:
            diff_id = "sha256:" + hashlib.sha256(f.read()).hexdigest()
        if h.ImageLayout(own).config(tag)["rootfs"]["diff_ids"][-1] != diff_id:
            sys.exit(f"make_real_bases.py: umoci raw add-layer changed {layer}")
    skopeo_copy(f"oci:{own}:{tag}", f"oci:{layout}:gnu-tar")
    shutil.rmtree(own)


def slim(work, layout):
    rootfs = os.path.join(work, "slim.tar")
    run(["mmdebstrap", "--variant=minbase", f"--include={SLIM_PACKAGES}", "--skip=output/dev", *DPKG_OPTS,
         "bookworm", rootfs, mirror()])
    env = docker_env()
    image = f"v2d-corpus-slim:{os.getpid()}"
    run(["docker", "import", "--change", 'CMD ["python3"]', rootfs, image], env=env)
    os.remove(rootfs)
    push_to_layout(image, h.registry(), layout, "slim", env)


BUILDERS = {"docker-build": docker_build, "buildah": buildah, "umoci": umoci, "gnu-tar": gnu_tar, "slim": slim}


# ---------------------------------------------------------------------------- main

def build(out, tags):
    work = out + ".tmp"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    layout = os.path.join(work, "oci")
    for tag in tags:
        started = time.monotonic()
        BUILDERS[tag](work, layout)
        log(f"{tag} built in {time.monotonic() - started:.0f} s")
    made = h.ImageLayout(layout)
    found = sorted(d["annotations"]["org.opencontainers.image.ref.name"] for d in made.index()["manifests"])
    if found != sorted(tags):
        sys.exit(f"make_real_bases.py: the layout holds {found}, expected {sorted(tags)}")
    base_layers = len(h.ImageLayout(h.bases()["V2D_BASE_BOOKWORM_OCI"]).manifest()["layers"])
    for tag in tags:
        want = base_layers + ADDED_LAYERS[tag] if tag in ADDED_LAYERS else 1
        if len(made.manifest(tag)["layers"]) != want:
            sys.exit(f"make_real_bases.py: {tag} has {len(made.manifest(tag)['layers'])} layers, expected {want}")
    for name in os.listdir(work):
        path = os.path.join(work, name)
        if name != "oci":
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    os.rename(work, out)
    open(os.path.join(out, "complete"), "w").close()


def cached(bases, name, key, tags, rebuild):
    """The layout of `tags` in bases/name-key, built unless complete; older keys removed."""
    out = os.path.join(bases, f"{name}-{key}")
    with open(os.path.join(bases, f".lock-{name}"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if rebuild:
            shutil.rmtree(out, ignore_errors=True)
        if not os.path.exists(os.path.join(out, "complete")):
            started = time.monotonic()
            build(out, tags)
            log(f"{name} built in {time.monotonic() - started:.0f} s: {out}")
            for old in os.listdir(bases):
                path = os.path.join(bases, old)
                if old.startswith(name + "-") and path != out:
                    shutil.rmtree(path, ignore_errors=True)
    return os.path.join(out, "oci")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rebuild", action="store_true")
    p.add_argument("--print-env", action="store_true")
    a = p.parse_args()
    bases = os.path.abspath(os.environ.get("V2D_TEST_BASES", "/var/cache/v2d-test-bases"))
    os.makedirs(bases, exist_ok=True)
    try:
        corpus_layout = cached(bases, "real-bases", corpus_key(), [t for t in TAGS if t != "slim"], a.rebuild)
        slim_layout = cached(bases, "real-base-slim", slim_key(), ["slim"], a.rebuild)
    except h.SetupError as e:
        sys.exit(f"make_real_bases.py: {e}")
    if a.print_env:
        print(f"V2D_CORPUS_OCI={corpus_layout}\nV2D_CORPUS_TAGS={','.join(t for t in TAGS if t != 'slim')}\n"
              f"V2D_SLIM_OCI={slim_layout}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
