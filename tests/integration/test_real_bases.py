#!/usr/bin/python3
"""Bases made by real builders (make_real_bases.py: docker build, buildah, umoci, GNU tar
and Python's tarfile, a python:3.X-slim-like import; one also as a Docker v2s2 image in
the registry). Onto each, the awkward venv and project (make_venvs.py) are built once per
class, as an OCI layout and a docker-archive; Docker runs every one, podman two (the
buildah base from the OCI layout, the docker-build base from `podman load` of the
docker-archive). From inside the containers:
  - the base's /corpus is what corpus.py says: deleted files gone, replaced folders and
    files of their new kind, hard links sharing an inode, non-ASCII names byte for byte;
  - the venv runs (its console script and C extension);
  - every awkward name of the venv and the project is there, byte for byte, as on the host.
And venv2docker's file index of the built image (tests/tools/print_file_index) is the file
system Docker makes of it (`docker create` + `docker export`): any difference fails.
Last, the README's first example on the slim base, from a shell with no locale: the active
venv pushed to the registry, then pulled and run by Docker."""
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402
import harness as h  # noqa: E402
import registries as r  # noqa: E402
from validate_image import validate_image  # noqa: E402
import tree_snapshot  # noqa: E402

VENV_PACKAGE = "/opt/venv/lib/python3.11/site-packages/awkward_names"
HELLO = "hello from /opt/venv (speedups=42)"
SLIM_CERTS = "/usr/share/ca-certificates/mozilla"
NETLOCK = "NetLock_Arany_=Class_Gold=_F\u0151tan\u00fas\u00edtv\u00e1ny.crt".encode()
with open(tree_snapshot.__file__) as _f:
    SNAPSHOT = _f.read()

# What Docker's init layer and the runtime put in every container's file system, added
# or replaced (an image's /etc/hostname becomes an empty file): not the image's, so not
# compared.
DOCKER_ADDS = {b"/.dockerenv", b"/etc/hostname", b"/etc/hosts", b"/etc/resolv.conf", b"/etc/mtab", b"/dev",
               b"/dev/console", b"/dev/pts", b"/dev/shm", b"/proc", b"/sys"}


def print_file_index(base, cache):
    """{path: (kind, link target, size, mode)} of venv2docker's index of image `base`."""
    tool = os.environ.get("V2D_PRINT_FILE_INDEX") or os.path.join(h.REPO, "build", "tests", "print_file_index")
    p = subprocess.run([tool, cache, base], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
    if p.returncode != 0:
        raise AssertionError(f"print_file_index {base} failed ({p.returncode}):\n{p.stderr.decode(errors='replace')}")
    fields = p.stdout.split(b"\0")[:-1]
    records = [fields[i:i + 5] for i in range(0, len(fields), 5)]
    return {path: (kind.decode(), target, int(size), int(mode, 8)) for path, kind, target, size, mode in records
            if path != b"/"}


def tar_kind(member):
    return "dir" if member.isdir() else "symlink" if member.issym() else "file"


def docker_export(container):
    """The same form of `docker export`: names as the bytes in the tar, hard links as the
    file they share (a container sees a file, not a link)."""
    files = {}
    p = subprocess.Popen(["docker", "export", container], stdout=subprocess.PIPE,
                         env=dict(os.environ, DOCKER_HOST=h.services()["DOCKER_HOST"]))
    with tarfile.open(fileobj=p.stdout, mode="r|", encoding="utf-8", errors="surrogateescape") as t:
        for member in t:
            path = b"/" + h.norm(member.name).encode("utf-8", "surrogateescape")
            if member.islnk():
                files[path] = files[b"/" + h.norm(member.linkname).encode("utf-8", "surrogateescape")]
                continue
            target = member.linkname.encode("utf-8", "surrogateescape") if member.issym() else b""
            files[path] = (tar_kind(member), target, member.size if member.isfile() else 0, member.mode & 0o7777)
    if p.wait() != 0:
        raise AssertionError(f"docker export {container} failed ({p.returncode})")
    files.pop(b"/", None)
    return files


def describe(paths, limit=40):
    paths = sorted(paths)
    return "\n".join(repr(p) for p in paths[:limit]) + (f"\n... and {len(paths) - limit} more" if len(paths) > limit else "")


_podman_storage = []


def podman_storage():
    """One podman storage for the module: the images podman runs share the bookworm layer."""
    if not _podman_storage:
        _podman_storage.append(h.make_tmp("podman-real-bases"))
        unittest.addModuleCleanup(h.remove_tmp, _podman_storage[0])
    return _podman_storage[0]


class RealBase:
    """The checks every base gets; a test class is this, h.Case and a TAG."""
    TAG = None
    CORPUS_ROOT = "/corpus"
    # How podman runs the image, if at all (each run unpacks the whole image again):
    # "oci" from the OCI layout, "archive" after `podman load` of the docker-archive.
    PODMAN = None

    @classmethod
    def base_ref(cls):
        return f"oci:{h.real_bases()['V2D_CORPUS_OCI']}:{cls.TAG}"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        h.services()
        f = h.fixtures()
        cls.cache = os.path.join(cls.ctmp, "cache")
        cls.layout = os.path.join(cls.ctmp, "oci")
        cls.archive = archive = os.path.join(cls.ctmp, "image.tar")
        name = f"v2d-it-real-{cls.__name__.lower()}-{os.getpid()}"
        what = cls.__name__
        with h.timed(f"{what}: venv2docker build"):
            # One venv layer: vfs copies every layer for each image and container.
            cls.js, _ = h.build("-n", name, "-t", "t1", "--max-layers", "1", "-o", f"oci:{cls.layout}:t1",
                    "-o", f"docker-archive:{archive}", venv=f["V2D_VENV_AWKWARD"], project=f["V2D_PROJECT_AWKWARD"],
                    base=cls.base_ref(), env=h.scrubbed_env(XDG_CACHE_HOME=cls.cache))
        roots = [VENV_PACKAGE, "/app", cls.CORPUS_ROOT]
        probe = ["python", "-c", SNAPSHOT, *roots, "--run", "hello"]
        with h.timed(f"{what}: docker load"):
            h.ensure_base_loaded()  # the corpus bases share its layer
            image = cls.class_docker_load(archive)
        with h.timed(f"{what}: docker create + export"):
            container = h.docker("create", "--network", "none", "-e", "PYTHONDONTWRITEBYTECODE=1", image,
                                 *probe).stdout.strip()
            cls.addClassCleanup(h.docker, "rm", "-f", container, check=False)
            # Exported before it runs, so nothing the run writes is in it.
            cls.exported = docker_export(container)
        with h.timed(f"{what}: docker start"):
            cls.reports = {"docker": json.loads(h.docker("start", "-a", container).stdout)}
        if cls.PODMAN:
            with h.timed(f"{what}: podman ({cls.PODMAN})"):
                storage = podman_storage()
                if cls.PODMAN == "oci":
                    ref = f"oci:{cls.layout}:t1"
                else:
                    ref = h.podman_load(storage, archive)
                cls.reports["podman"] = json.loads(h.podman(storage, "run", ref, *probe))
                if cls.PODMAN != "oci":
                    h.podman(storage, "rmi", ref)

    def test_outputs_are_valid(self):
        validate_image(self.layout, tag="t1", report=self.js)
        validate_image(self.archive, report=self.js)

    def tree(self, runtime, root):
        return tree_snapshot.from_json(self.reports[runtime]["trees"][root])

    def test_venv_runs(self):
        for runtime, report in self.reports.items():
            self.assertEqual(report["run"].strip(), HELLO, runtime)

    def test_awkward_names_arrive_byte_for_byte(self):
        f = h.fixtures()
        host_package = os.path.join(f["V2D_VENV_AWKWARD"], "lib", "python3.11", "site-packages", "awkward_names")
        for root, host in ((VENV_PACKAGE, host_package), ("/app", f["V2D_PROJECT_AWKWARD"])):
            want = {path: entry[:2] for path, entry in tree_snapshot.snapshot(host).items()}
            for runtime in self.reports:
                got = {path: entry[:2] for path, entry in self.tree(runtime, root).items()}
                self.assertEqual(got, want, f"{root} inside {runtime}")

    def test_file_index_is_what_docker_sees(self):
        index = {path: entry for path, entry in print_file_index(f"oci:{self.layout}:t1", self.cache).items()
                 if path not in DOCKER_ADDS}
        exported = {path: entry for path, entry in self.exported.items() if path not in DOCKER_ADDS}
        only_docker = exported.keys() - index.keys()
        only_index = index.keys() - exported.keys()
        differ = [path for path in index.keys() & exported.keys() if index[path] != exported[path]]
        report = (f"only in docker export:\n{describe(only_docker)}\nonly in the index:\n{describe(only_index)}\n"
                  "different (index, docker):\n" + "\n".join(f"{p!r}: {index[p]} {exported[p]}" for p in sorted(differ)[:40]))
        self.assertFalse(only_docker or only_index or differ, report)
        self.assertGreater(len(index), 1000)


class CorpusBase(RealBase):
    """A base built from corpus.py's two steps."""
    HARDLINK_GROUPS = corpus.HARDLINK_GROUPS
    EXPECTED = corpus.EXPECTED

    def test_corpus_is_the_file_system_the_layers_describe(self):
        expected = {path: (kind, hashlib.sha256(detail).digest() if kind == "f" else detail or b"")
                    for path, (kind, detail) in self.EXPECTED.items()}
        for runtime in self.reports:
            tree = self.tree(runtime, "/corpus")
            self.assertEqual({path: entry[:2] for path, entry in tree.items()}, expected, runtime)
            for group in self.HARDLINK_GROUPS:
                self.assertEqual(len({tree[path][2] for path in group}), 1, f"{sorted(group)} inside {runtime}")


# dockerd's vfs driver finds a layer's changes by comparing files, and a new hard link
# does not change its target's mtime or size: the layer holds late-link as a copy, so in
# the container it no longer shares early's inode (its bytes are still checked).
DOCKER_VFS_GROUPS = [group for group in corpus.HARDLINK_GROUPS if b"late-link" not in group]


class DockerBuild(CorpusBase, h.Case):
    TAG = "docker-build"
    HARDLINK_GROUPS = DOCKER_VFS_GROUPS
    PODMAN = "archive"


class Buildah(CorpusBase, h.Case):
    TAG = "buildah"
    PODMAN = "oci"


class Umoci(CorpusBase, h.Case):
    TAG = "umoci"
    EXPECTED = corpus.EXPECTED_UMOCI  # no folder replaced by a file: see corpus.STEP2_UMOCI


class GnuTar(CorpusBase, h.Case):
    TAG = "gnu-tar"


class Slim(RealBase, h.Case):
    """python:3.X-slim's kind of base: Go wrote its non-ASCII names as PAX records."""
    TAG = "slim"
    CORPUS_ROOT = SLIM_CERTS

    @classmethod
    def base_ref(cls):
        return f"oci:{h.real_bases()['V2D_SLIM_OCI']}:slim"

    def test_non_ascii_certificate_name(self):
        for runtime in self.reports:
            self.assertIn(NETLOCK, self.tree(runtime, SLIM_CERTS), runtime)


class DockerV2s2(h.Case):
    """The docker-build base pushed to the registry as a Docker v2s2 image (what `docker
    push` makes): read over the distribution API, its index is the OCI copy's, and the image
    built onto it holds the very layers of the one built onto the OCI copy, which
    DockerBuild runs under Docker and podman."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cache = os.path.join(cls.ctmp, "cache")
        # A registry of the class's own, empty: skopeo's machine-wide blob-info cache
        # may know a differently compressed copy of a layer in a registry that holds
        # one, and push that instead, and then the layers would not be the OCI copy's.
        registry = r.start_registry(os.path.join(cls.ctmp, "registry"))
        cls.addClassCleanup(registry.stop)
        cls.ref = f"{registry.addr}/v2d-corpus/docker-v2s2:latest"
        cls.oci = f"oci:{h.real_bases()['V2D_CORPUS_OCI']}:docker-build"
        h.run_tool(["skopeo", "--insecure-policy", "copy", "--quiet", "--dest-tls-verify=false", "--format", "v2s2",
                    cls.oci, f"docker://{cls.ref}"])

    def build(self, base, out):
        f = h.fixtures()
        js, _ = h.build("-t", "t1", "--max-layers", "1", "-o", f"oci:{out}:t1", venv=f["V2D_VENV_AWKWARD"],
                        project=f["V2D_PROJECT_AWKWARD"], base=base, env=h.scrubbed_env(XDG_CACHE_HOME=self.cache))
        return validate_image(out, tag="t1", report=js).layout

    def test_is_docker_format_with_the_oci_image_index(self):
        manifest = json.loads(h.run_tool(["skopeo", "--insecure-policy", "inspect", "--raw", "--tls-verify=false",
                                          f"docker://{self.ref}"]).stdout)
        self.assertEqual(manifest["mediaType"], "application/vnd.docker.distribution.manifest.v2+json")
        self.assertEqual(print_file_index(self.ref, self.cache), print_file_index(self.oci, self.cache))

    def test_built_image_has_the_layers_of_the_one_on_the_oci_copy(self):
        onto_v2s2 = self.build(self.ref, self.path("v2s2"))
        onto_oci = self.build(self.oci, self.path("oci"))
        self.assertEqual(onto_v2s2.config("t1")["rootfs"], onto_oci.config("t1")["rootfs"])
        self.assertEqual([layer["digest"] for layer in onto_v2s2.manifest("t1")["layers"]],
                         [layer["digest"] for layer in onto_oci.manifest("t1")["layers"]])
        # Every image is OCI, whatever the base's family (docs/images.md).
        for built in (onto_v2s2, onto_oci):
            self.assertEqual(built.manifest("t1")["mediaType"], "application/vnd.oci.image.manifest.v1+json")


README_PROBE = ("import hashlib, subprocess, sys; print(subprocess.run(['hello'], check=True, stdout=subprocess.PIPE)"
                ".stdout.decode().strip()); print(hashlib.sha256(open(bytes.fromhex(sys.argv[1]), 'rb').read()).hexdigest())")


class ReadmeFirstExample(h.Case):
    """README's first example as a user types it, in a shell with no locale (only PATH,
    HOME and the active venv set): `venv2docker -n REGISTRY/team/app -t 1.2 --push` with
    the slim base, pushed to the test registry as library/python:3.11-slim; Docker pulls
    the image and runs the venv's console script, and the base's non-ASCII certificate
    is there byte for byte."""

    def test_active_venv_pushed_onto_slim(self):
        registry = h.registry()
        slim = h.real_bases()["V2D_SLIM_OCI"]
        base = f"{registry}/library/python:3.11-slim"
        h.run_tool(["skopeo", "--insecure-policy", "copy", "--quiet", "--dest-tls-verify=false", f"oci:{slim}:slim",
                    f"docker://{base}"])
        home, work = self.path("home"), self.path("work")
        os.mkdir(home)
        os.mkdir(work)
        command = f"venv2docker -n {registry}/team/app -t 1.2 --push --base {base}"
        env = {"PATH": os.path.dirname(h.v2d_bin()) + ":/usr/sbin:/usr/bin:/sbin:/bin", "HOME": home,
               "VIRTUAL_ENV": h.fixtures()["V2D_VENV_DEMO"]}
        with h.timed("README example: venv2docker --push"):
            p = subprocess.run(["/bin/sh", "-c", command], env=env, cwd=work, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=900)
        self.assertEqual(p.returncode, 0, f"{command}\n{p.stdout.decode(errors='replace')}\n"
                                          f"{p.stderr.decode(errors='replace')}")
        image = f"{registry}/team/app:1.2"
        validate_image(f"docker://{image}")
        self.addCleanup(h.docker, "rmi", "-f", image, check=False)
        with h.timed("README example: docker pull + run"):
            h.docker("pull", "-q", image)
            out = h.docker_run(image, "python", "-c", README_PROBE, (SLIM_CERTS.encode() + b"/" + NETLOCK).hex())
        hello, digest = out.split()[:-1], out.split()[-1]
        self.assertEqual(" ".join(hello), HELLO)
        layout = h.ImageLayout(slim)
        (layer,) = layout.manifest("slim")["layers"]
        certificate = layout.layer_file(layer, (SLIM_CERTS.encode() + b"/" + NETLOCK).decode())
        self.assertIsNotNone(certificate)
        self.assertEqual(digest, hashlib.sha256(certificate).hexdigest())


if __name__ == "__main__":
    unittest.main(verbosity=2)
