#!/usr/bin/python3
"""The registry as the cache of a CI fleet (--cache-to / --cache-from, docs/registry-cache.md),
against real docker-registry servers behind the counting proxy (fault_proxy.py), which logs
every request with its method, path, query keys, body size and the bytes it sent back.

Each runner has its own empty HOME and --cache-dir, as a fresh CI runner has. A fresh runner
reading the first runner's record pushes the same manifest while it compresses nothing (no
layer blob enters its store), uploads no blob (HEAD or mount only) and downloads no layer (at
most 1 MiB of blobs: the record and configs). The record holds the venv stage's outcome by
content, so the fresh runner neither relocates nor checks the venv again. A bumped package
uploads its own layer and the config only (and the SBOM, which names the new version), and its
stage runs again. A missing, foreign or corrupt record is a warning and a normal build of the
same image. A fresh runner writes back the record it read without compressing it again.
Basic (plain registry) and Bearer (token service) registries both."""
import contextlib
import json
import lzma
import os
import re
import shlex
import shutil
import subprocess
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apt_archive as aa  # noqa: E402
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402
import registries as r  # noqa: E402

BASE_REPO, BASE_TAG = "base/bookworm", "py"
RECORD_TYPE = "application/vnd.venv2docker.cache.record.v1.cbor+xz"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
ONE_MIB = 1 << 20


def skopeo_copy(src, dest, *extra):
    h.run_tool(["skopeo", "--insecure-policy", "copy", *extra, src, f"docker://{dest}"])


def make_distribution(site, name, version, text):
    """A distribution as pip leaves it: its package and a dist-info whose RECORD lists both."""
    package = os.path.join(site, name)
    os.makedirs(package, exist_ok=True)
    with open(os.path.join(package, "__init__.py"), "w") as f:
        f.write(text)
    info = os.path.join(site, f"{name}-{version}.dist-info")
    os.makedirs(info, exist_ok=True)
    with open(os.path.join(info, "METADATA"), "w") as f:
        f.write(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    with open(os.path.join(info, "RECORD"), "w") as f:
        f.write(f"{name}/__init__.py,,\n{name}-{version}.dist-info/METADATA,,\n{name}-{version}.dist-info/RECORD,,\n")


def blob_writes(log):
    """Requests that put blob bytes into the registry: upload sessions (POST without mount),
    PATCH and PUT into them."""
    return [e for e in log if "/blobs/" in e["path"] and (
        e["method"] in ("PUT", "PATCH") or (e["method"] == "POST" and "mount" not in e["query"]))]


# What a runner's cache holds once it relocated the venv (text scan memos), ran the checks
# (ELF memos) and recorded the outcome (venv stage records).
STAGE_WORK = ("scan-memos", "elf-memos", "venv-stages")


def stage_work(cache):
    return [d for d in STAGE_WORK if os.path.isdir(os.path.join(cache, d))]


def blob_reads(log):
    return [e for e in log if e["method"] == "GET" and "/blobs/" in e["path"]]


@contextlib.contextmanager
def strace_wrapper(folder, log):
    """With `log`: the binary runs under strace (every process, its execve and openat calls,
    whole strings) writing to `log`, through a wrapper script given as $V2D_BIN."""
    if log is None:
        yield
        return
    os.makedirs(folder)
    wrapper = os.path.join(folder, "venv2docker")
    with open(wrapper, "w") as f:
        f.write(f'#!/bin/sh\nexec strace -f -qq -s 4096 -e trace=execve,openat -o {shlex.quote(log)} '
                f'{shlex.quote(h.v2d_bin())} "$@"\n')
    os.chmod(wrapper, 0o755)
    before = os.environ.get("V2D_BIN")
    os.environ["V2D_BIN"] = wrapper
    try:
        yield
    finally:
        if before is None:
            del os.environ["V2D_BIN"]
        else:
            os.environ["V2D_BIN"] = before


TRACED = re.compile(r'^\d+ +(execve|openat)\((?:AT_FDCWD, )?"((?:[^"\\]|\\.)*)", (?:\[[^]]*\]|([A-Z_|]+))')


def traced_calls(log):
    """(programs executed, files opened for reading) in a strace log: each successful call once."""
    executed, opened = [], []
    with open(log, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            m = TRACED.match(line)
            if not m or line.rstrip().endswith(")") or " = -1 " in line:
                continue
            if m.group(1) == "execve":
                executed.append(m.group(2))
            elif "O_DIRECTORY" not in (m.group(3) or "") and "O_WRONLY" not in (m.group(3) or "") \
                    and "O_RDWR" not in (m.group(3) or ""):
                opened.append(m.group(2))
    return executed, opened


def copied_interpreter(folder):
    """Debian's python3.11 and its standard library copied under `folder` (it finds its
    standard library beside itself), so a test may change the interpreter's files."""
    os.makedirs(os.path.join(folder, "bin"))
    shutil.copy2("/usr/bin/python3.11", os.path.join(folder, "bin", "python3.11"))
    shutil.copytree("/usr/lib/python3.11", os.path.join(folder, "lib", "python3.11"), symlinks=True,
                    ignore=shutil.ignore_patterns("test", "idlelib", "tkinter", "turtledemo", "ensurepip"))
    return os.path.join(folder, "bin", "python3.11")


class Runners(h.Case):
    """Fresh CI runners against a plain registry (HTTP, no auth) holding the bookworm base,
    behind the counting proxy. No tests of its own: test_registry_cache_apt shares it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.services = []
        cls.addClassCleanup(lambda: [s.stop() for s in cls.services])
        cls.plain, cls.proxy = cls.registry_behind_proxy("plain")

    @classmethod
    def registry_behind_proxy(cls, name, token=None):
        """A registry holding the bookworm base, and the counting proxy every build goes through."""
        registry = r.start_registry(os.path.join(cls.ctmp, name), token=token)
        proxy = r.start_proxy(os.path.join(cls.ctmp, name + "-proxy"), registry.addr, ok=(200, 401))
        cls.services += [registry, proxy]
        creds = [f"--dest-creds={r.USER}:{r.PASSWORD}"] if token else []
        layout = f"oci:{h.bases()['V2D_BASE_BOOKWORM_OCI']}:{h.bases()['V2D_BASE_BOOKWORM_TAG']}"
        skopeo_copy(layout, f"{registry.addr}/{BASE_REPO}:{BASE_TAG}", "--dest-tls-verify=false", *creds)
        return registry, proxy

    def setUp(self):
        super().setUp()
        r.read_log(self.proxy.requests)
        self.repo = f"app/{self.id().rsplit('.', 1)[-1].replace('_', '-')}-{os.getpid()}"
        self.runners = 0

    def runner(self, registry, *args, venv=None, creds=False, base=None, traced=None):
        """One CI runner: a new empty HOME and cache, the image pushed to REGISTRY/repo:v1
        (onto the bookworm base there, or `base`); under strace writing to `traced` if given.
        Returns (json, result, cache folder)."""
        self.runners += 1
        home, cache = self.path(f"home{self.runners}"), self.path(f"cache{self.runners}")
        os.makedirs(home)
        env = h.scrubbed_env(HOME=home, DOCKER_CONFIG=os.path.join(home, ".docker"), REGISTRY_AUTH_FILE=None,
                             XDG_RUNTIME_DIR=os.path.join(home, "run"), XDG_CONFIG_HOME=None, XDG_CACHE_HOME=None)
        for k in ("VENV2DOCKER_REGISTRY_USER", "VENV2DOCKER_REGISTRY_PASSWORD", "DOCKER_AUTH_CONFIG"):
            env.pop(k, None)
        extra = ["--creds", f"{r.USER}:{r.PASSWORD}"] if creds else []
        with strace_wrapper(self.path(f"strace{self.runners}"), traced):
            js, res = h.build("-v", "--cache-dir", cache, "-n", f"{registry}/{self.repo}", "-t", "v1", "-p", *extra,
                              *args, base=base or f"{registry}/{BASE_REPO}:{BASE_TAG}", venv=venv, env=env)
        return js, res, cache

    def stored_layers(self, cache, js):
        """The image's layers whose blobs are in the runner's store (compressed or downloaded there)."""
        folder = os.path.join(cache, "blobs", "sha256")
        stored = set(os.listdir(folder)) if os.path.isdir(folder) else set()
        return [l["digest"] for l in js["layers"] if l["digest"].split(":")[1] in stored]

    def assert_moved_nothing(self, log, js):
        self.assertEqual(blob_writes(log), [], "no blob uploaded:\n" + "\n".join(json.dumps(e) for e in log))
        layer_paths = {f"/blobs/{l['digest']}" for l in js["layers"]}
        reads = blob_reads(log)
        self.assertEqual([e for e in reads if any(e["path"].endswith(p) for p in layer_paths)], [],
                         "no layer downloaded")
        self.assertLessEqual(sum(e.get("sent", 0) for e in reads), ONE_MIB, reads)

    def record_manifest(self, tag):
        """The record artifact's manifest under REPO-cache:TAG, read straight from the registry,
        and its record blob's descriptor."""
        manifest, _ = r.get_json(f"http://{self.plain.addr}", f"/v2/{self.repo}-cache/manifests/{tag}", OCI_MANIFEST)
        return manifest, next(l for l in manifest["layers"] if l["mediaType"] == RECORD_TYPE)

    def record_blob(self, descriptor):
        with urllib.request.urlopen(f"http://{self.plain.addr}/v2/{self.repo}-cache/blobs/{descriptor['digest']}") as f:
            return f.read()

    def put_record(self, manifest, descriptor, blob, tag):
        """REPO-cache:TAG: `manifest` with its record blob replaced by `blob`; returns its reference."""
        base_url = f"http://{self.plain.addr}"
        descriptor.update(digest=r.put_blob(base_url, f"{self.repo}-cache", blob), size=len(blob))
        r.put_manifest(base_url, f"{self.repo}-cache", tag, json.dumps(manifest).encode(), OCI_MANIFEST)
        return f"{self.proxy.addr}/{self.repo}-cache:{tag}"


class RegistryCache(Runners):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Besides the plain registry: token auth (Bearer) with a token service as the realm.
        cls.tokens, token_config = r.start_token_service(os.path.join(cls.ctmp, "tokens"))
        cls.services.append(cls.tokens)
        cls.tokreg, cls.tokproxy = cls.registry_behind_proxy("tokreg", token=token_config)

    def setUp(self):
        super().setUp()
        r.read_log(self.tokproxy.requests)

    # ------------------------------------------------------------------ round trips

    def round_trip(self, registry, proxy, creds):
        cache_ref = f"{registry}/{self.repo}-cache:main"
        first, _, first_cache = self.runner(registry, "--cache-to", cache_ref, creds=creds)
        self.assertTrue(self.stored_layers(first_cache, first), "the first runner compressed its layers")
        self.assertEqual(stage_work(first_cache), list(STAGE_WORK), "the first runner relocated and checked the venv")
        r.read_log(proxy.requests)

        js, res, cache = self.runner(registry, "--cache-from", cache_ref, "--cache-to", cache_ref, creds=creds)
        log = r.read_log(proxy.requests)
        self.assertEqual(js["manifest_digest"], first["manifest_digest"], res.stderr)
        self.assertNotIn("warning", res.stderr)
        self.assert_moved_nothing(log, js)
        self.assertEqual(self.stored_layers(cache, js), [], "no layer compressed or downloaded by the fresh runner")
        # The record holds the venv stage by content: the fresh runner neither relocates the
        # venv (no text scan) nor checks it (no ELF read), it reuses the first runner's outcome.
        self.assertEqual(stage_work(cache), [], "the fresh runner relocated or checked the venv again")
        if not creds:
            # One ping for the whole build, whatever the number of sessions (the push check, the
            # record read, the image's, the SBOM's and the record's pushes): how the registry
            # answered is kept for the process. The other GET /v2/ is the push check's own
            # authorised request (test_output_safety).
            self.assertEqual(len([e for e in log if e["path"] == "/v2/"]), 2, log)
        blob_heads = [e for e in log if e["method"] == "HEAD" and "/blobs/" in e["path"]]
        self.assertEqual(blob_heads, [], "both manifests were there already: one manifest HEAD each, no blob HEAD")
        manifest_puts = sorted(e["path"] for e in log if e["method"] == "PUT")
        # Besides the image and the record: the SBOM (docs/sbom.md), by digest and in its referrers tag.
        sbom_puts = [f"/v2/{self.repo}/manifests/sha256-{js['manifest_digest'].split(':')[1]}"]
        sbom_puts += [p for p in manifest_puts if p.startswith(f"/v2/{self.repo}/manifests/sha256:")]
        self.assertEqual(manifest_puts, sorted([f"/v2/{self.repo}/manifests/v1", f"/v2/{self.repo}-cache/manifests/main",
                                                *sbom_puts]))
        self.assertEqual(len(sbom_puts), 2, manifest_puts)
        return js

    def test_fresh_runner_pushes_the_same_image_moving_no_layer(self):
        js = self.round_trip(self.proxy.addr, self.proxy, creds=False)
        # Read straight from the registry: the proxy merges repeated Accept headers.
        pushed = validate_image(f"docker://{self.plain.addr}/{self.repo}:v1")
        self.assertEqual(pushed.digest, js["manifest_digest"])

    def test_fresh_runner_with_bearer_auth(self):
        js = self.round_trip(self.tokproxy.addr, self.tokproxy, creds=True)
        info = h.skopeo_inspect(f"docker://{self.tokreg.addr}/{self.repo}:v1", "--tls-verify=false",
                                f"--creds={r.USER}:{r.PASSWORD}")
        self.assertEqual(info["Digest"], js["manifest_digest"])

    def test_fresh_runner_writes_back_the_record_it_read(self):
        """A fresh runner that found everything in the record writes that record back as it
        read it, without compressing it again: here the record's body was recompressed with
        another integrity check (Python's lzma, CRC32; venv2docker's xz writes CRC64), bytes
        venv2docker never makes, and the fresh runner's push still names that blob and
        uploads nothing."""
        base_url = f"http://{self.plain.addr}"
        cache_ref = f"{self.proxy.addr}/{self.repo}-cache:main"
        first, _, _ = self.runner(self.proxy.addr, "--cache-to", cache_ref)
        manifest, record = self.record_manifest("main")
        written = self.record_blob(record)
        other = lzma.compress(lzma.decompress(written), check=lzma.CHECK_CRC32)
        self.assertNotEqual(other, written)
        other_ref = self.put_record(manifest, record, other, "other")
        r.read_log(self.proxy.requests)

        js, res, cache = self.runner(self.proxy.addr, "--cache-from", other_ref, "--cache-to", other_ref)
        self.assertEqual(js["manifest_digest"], first["manifest_digest"], res.stderr)
        self.assert_moved_nothing(r.read_log(self.proxy.requests), js)
        after, _ = r.get_json(base_url, f"/v2/{self.repo}-cache/manifests/other", OCI_MANIFEST)
        self.assertEqual([l for l in after["layers"] if l["mediaType"] == RECORD_TYPE], [record], res.stderr)

    def test_bumped_package_uploads_only_its_layer(self):
        venv = self.path("venv")
        subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", venv], check=True)
        site = next(os.path.join(venv, "lib", d, "site-packages") for d in os.listdir(os.path.join(venv, "lib")))
        make_distribution(site, "alpha", "1.0", "A = 1\n")
        make_distribution(site, "beta", "1.0", "B = 1\n")
        cache_ref = f"{self.proxy.addr}/{self.repo}-cache:main"
        first, _, _ = self.runner(self.proxy.addr, "--cache-to", cache_ref, venv=venv)

        shutil.rmtree(os.path.join(site, "beta-1.0.dist-info"))
        make_distribution(site, "beta", "1.1", "B = 2\n")
        r.read_log(self.proxy.requests)
        js, res, cache = self.runner(self.proxy.addr, "--cache-from", cache_ref, venv=venv)
        log = r.read_log(self.proxy.requests)
        changed = [l["digest"] for l in js["layers"] if l["digest"] not in {f["digest"] for f in first["layers"]}]
        self.assertEqual(len(changed), 1, "one venv layer holds beta")
        self.assertEqual(len(js["layers"]), len(first["layers"]))
        self.assertEqual(self.stored_layers(cache, js), changed, "only beta's layer compressed")
        self.assertTrue(stage_work(cache), "a changed venv is relocated and checked again")
        uploads = [e for e in log if e["method"] == "PUT" and "/blobs/uploads/" in e["path"]]
        self.assertEqual(len(uploads), 3, "beta's layer, the config and the SBOM (it lists beta 1.1):\n" +
                         "\n".join(json.dumps(e) for e in log))
        info = h.skopeo_inspect(f"docker://{self.plain.addr}/{self.repo}:v1", "--tls-verify=false")
        self.assertEqual(info["Layers"], [l["digest"] for l in js["layers"]])

    def test_fresh_runner_verifies_the_interpreter_instead_of_collecting_it(self):
        """--python-from host on scratch: the record holds the interpreter's collection by content
        (its files' hashes, what its library search saw), so a fresh runner runs no interpreter
        (nor anything else), and opens each of the interpreter's, the venv's and the project's
        files once (hashed once for the stage's and the layers' keys). Once a module is added to
        the interpreter's standard library, the record's collection no longer matches: a fresh
        runner collects again and its image holds the new module."""
        prefix = self.path("python")
        python = copied_interpreter(prefix)
        venv = self.path("venv")
        subprocess.run([python, "-m", "venv", "--without-pip", venv], check=True)
        site = os.path.join(venv, "lib", "python3.11", "site-packages")
        make_distribution(site, "alpha", "1.0", "A = 1\n")
        cache_ref = f"{self.proxy.addr}/{self.repo}-cache:main"
        args = ["--python-from", "host", "--cache-to", cache_ref]
        first, _, _ = self.runner(self.proxy.addr, *args, venv=venv, base="scratch")
        r.read_log(self.proxy.requests)

        log = self.path("fresh.strace")
        js, res, cache = self.runner(self.proxy.addr, *args, "--cache-from", cache_ref, venv=venv, base="scratch",
                                     traced=log)
        self.assertEqual(js["manifest_digest"], first["manifest_digest"], res.stderr)
        self.assertNotIn("warning", res.stderr)
        self.assert_moved_nothing(r.read_log(self.proxy.requests), js)
        self.assertEqual(self.stored_layers(cache, js), [], "nothing compressed")
        executed, opened = traced_calls(log)
        self.assertEqual([p for p in executed if os.path.basename(p) != "venv2docker"], [],
                         "the fresh runner ran no interpreter")
        # The interpreter's files, and the venv's modules (its metadata files are read by other
        # parts of a build too: pyvenv.cfg to find the venv, METADATA for the SBOM).
        watched = [p for p in opened if p.startswith(prefix + "/") or (p.startswith(venv + "/") and p.endswith(".py"))]
        self.assertTrue(any(p.startswith(prefix + "/lib/") for p in watched), "the interpreter's files are hashed")
        self.assertIn(os.path.join(site, "alpha", "__init__.py"), watched, "the venv's files are hashed")
        twice = sorted({p for p in watched if watched.count(p) > 1})
        self.assertEqual(twice, [], "files the fresh runner opened more than once")

        added = os.path.join(prefix, "lib", "python3.11", "added_module.py")
        with open(added, "w") as f:
            f.write("ADDED = True\n")
        js, res, _ = self.runner(self.proxy.addr, *args, "--cache-from", cache_ref, venv=venv, base="scratch")
        self.assertNotEqual(js["manifest_digest"], first["manifest_digest"], res.stderr)
        pushed = validate_image(f"docker://{self.plain.addr}/{self.repo}:v1")
        self.assertEqual(pushed.digest, js["manifest_digest"])
        names = set()
        for layer in pushed.manifest["layers"]:
            names |= set(pushed.layout.layer_members(layer))
        self.assertIn(h.norm(added), names, "the added module is in the interpreter's layer")

    def test_apt_suggestions_come_from_the_record(self):
        """Debian's numpy in a venv lacks libblas.so.3 on the bookworm base: the checks suggest
        `--apt libblas3` from the apt sources (a signed local archive). A fresh runner reading the
        record reads the source's InRelease (signature-checked: the Releases are part of the
        answers' key) but no Packages index, and suggests the same."""
        archive = aa.build_archives()
        with aa.ArchiveServer(os.path.join(archive, "root")) as server:
            sources = ["--apt-source", f"deb [signed-by={aa.key_path(archive)}] {server.url()} {aa.SUITE} {aa.COMPONENT}",
                       "--apt-replace-sources", "--force"]
            venv = h.fixtures()["V2D_VENV_SCI"]
            cache_ref = f"{self.proxy.addr}/{self.repo}-cache:main"
            first, res, _ = self.runner(self.proxy.addr, "--cache-to", cache_ref, *sources, venv=venv)
            self.assertIn("--apt libblas3", res.stderr)
            self.assertTrue(aa.index_or_deb_requests(server.requests()), "the first runner read the Packages index")
            server.clear_log()

            js, res, _ = self.runner(self.proxy.addr, "--cache-from", cache_ref, "--cache-to", cache_ref, *sources,
                                     venv=venv)
            self.assertIn("--apt libblas3", res.stderr)
            log = server.requests()
            self.assertEqual(aa.index_or_deb_requests(log), [], log)
            self.assertEqual([path for _, path, _ in log], [f"/good/dists/{aa.SUITE}/InRelease"], log)
            self.assertEqual(js["manifest_digest"], first["manifest_digest"])

    # ------------------------------------------------------------------ records not to trust

    def test_missing_foreign_and_corrupt_records_warn_and_build_the_same_image(self):
        cache_ref = f"{self.proxy.addr}/{self.repo}-cache:main"
        first, _, _ = self.runner(self.proxy.addr, "--cache-to", cache_ref)
        base_url = f"http://{self.plain.addr}"

        # Missing: no manifest under that tag.
        js, res, cache = self.runner(self.proxy.addr, "--cache-from", f"{self.proxy.addr}/{self.repo}-cache:none")
        self.assertIn(f"--cache-from {self.proxy.addr}/{self.repo}-cache:none: the registry has no cache record there",
                      res.stderr)
        self.assertEqual(js["manifest_digest"], first["manifest_digest"])

        # Foreign: an artifact of another type, holding a blob of the record's media type.
        blob = b"not a record"
        digest = r.put_blob(base_url, f"{self.repo}-cache", blob)
        empty = r.put_blob(base_url, f"{self.repo}-cache", b"{}")
        foreign = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                   "artifactType": "application/vnd.example.other+json",
                   "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": empty, "size": 2},
                   "layers": [{"mediaType": RECORD_TYPE, "digest": digest, "size": len(blob)}]}
        r.put_manifest(base_url, f"{self.repo}-cache", "foreign", json.dumps(foreign).encode(),
                       "application/vnd.oci.image.manifest.v1+json")
        js, res, cache = self.runner(self.proxy.addr, "--cache-from", f"{self.proxy.addr}/{self.repo}-cache:foreign")
        self.assertIn('is not a venv2docker cache record: its artifactType is "application/vnd.example.other+json"',
                      res.stderr)
        self.assertEqual(js["manifest_digest"], first["manifest_digest"])
        self.assertTrue(self.stored_layers(cache, js), "built normally")

        # Corrupt: the record's bytes changed in the registry's storage, so its digest no longer holds.
        manifest, _ = r.get_json(base_url, f"/v2/{self.repo}-cache/manifests/main",
                                 "application/vnd.oci.image.manifest.v1+json")
        record = next(l for l in manifest["layers"] if l["mediaType"] == RECORD_TYPE)
        hexd = record["digest"].split(":")[1]
        data = os.path.join(self.plain.folder, "data", "docker", "registry", "v2", "blobs", "sha256", hexd[:2], hexd,
                            "data")
        with open(data, "r+b") as f:
            first_byte = f.read(1)
            f.seek(0)
            f.write(bytes([first_byte[0] ^ 0xFF]))
        js, res, cache = self.runner(self.proxy.addr, "--cache-from", cache_ref)
        self.assertIn(f"--cache-from {cache_ref} is not used", res.stderr)
        self.assertRegex(res.stderr, "digest")
        self.assertEqual(js["manifest_digest"], first["manifest_digest"])
        self.assertTrue(self.stored_layers(cache, js), "built normally")


if __name__ == "__main__":
    unittest.main(verbosity=2)
