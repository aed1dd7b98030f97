#!/usr/bin/python3
"""venv2docker's own registry client against real docker-registry servers: pull by tag
and digest (with the blob cache), index platform selection, push / push again / cross-repo
mount, TLS with a test CA + htpasswd, token auth with a token service, credentials from
config files and credential helpers, wrong passwords, tampered blobs, and a fault-injecting
proxy. skopeo and dockerd read back what was pushed."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from image_model import Image, Index  # noqa: E402
from validate_image import validate_image  # noqa: E402
import registries as r  # noqa: E402

BASE_REPO, BASE_TAG = "base/bookworm", "py"
SECRETS = (r.PASSWORD, r.REFRESH_TOKEN)


def skopeo_copy(src, dest, *extra):
    h.run_tool(["skopeo", "--insecure-policy", "copy", *extra, src, f"docker://{dest}"])


def requests(service, **match):
    """Logged requests of a proxy or token service matching every key=value (and emptied)."""
    return [e for e in r.read_log(service.requests) if all(e.get(k) == v for k, v in match.items())]


class RegistryClient(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.services = []
        cls.addClassCleanup(lambda: [s.stop() for s in cls.services])
        base_layout = f"oci:{h.bases()['V2D_BASE_BOOKWORM_OCI']}:{h.bases()['V2D_BASE_BOOKWORM_TAG']}"
        cls.base_layout = base_layout
        # Plain HTTP registry with a counting / fault-injecting proxy in front.
        cls.plain = cls._keep(r.start_registry(os.path.join(cls.ctmp, "plain")))
        cls.proxy = cls._keep(r.start_proxy(os.path.join(cls.ctmp, "proxy"), cls.plain.addr))
        skopeo_copy(base_layout, f"{cls.plain.addr}/{BASE_REPO}:{BASE_TAG}", "--dest-tls-verify=false")
        info = h.skopeo_inspect(f"docker://{cls.plain.addr}/{BASE_REPO}:{BASE_TAG}", "--tls-verify=false")
        cls.base_digest = info["Digest"]
        cls.base_layers = info["Layers"]
        # TLS with a test CA, htpasswd Basic auth.
        cls.ca, crt, key = r.make_ca(os.path.join(cls.ctmp, "ca"))
        cls.tls = cls._keep(r.start_registry(os.path.join(cls.ctmp, "tls"), tls=(crt, key), htpasswd=True))
        skopeo_copy(base_layout, f"{cls.tls.addr}/{BASE_REPO}:{BASE_TAG}",
                    f"--dest-cert-dir={os.path.dirname(cls.ca)}", f"--dest-creds={r.USER}:{r.PASSWORD}")
        # Plain HTTP with token auth.
        cls.tokens, token_config = r.start_token_service(os.path.join(cls.ctmp, "tokens"))
        cls._keep(cls.tokens)
        cls.tokreg = cls._keep(r.start_registry(os.path.join(cls.ctmp, "tokreg"), token=token_config))
        skopeo_copy(base_layout, f"{cls.tokreg.addr}/{BASE_REPO}:{BASE_TAG}", "--dest-tls-verify=false",
                    f"--dest-creds={r.USER}:{r.PASSWORD}")
        r.read_log(cls.tokens.requests)

    @classmethod
    def _keep(cls, service):
        cls.services.append(service)
        return service

    def setUp(self):
        super().setUp()
        r.set_plan(self.proxy, {})
        r.read_log(self.proxy.requests)
        r.read_log(self.tokens.requests)
        # Nothing from the machine's own docker login may leak in.
        self.env = h.scrubbed_env(DOCKER_CONFIG=self.path("no-docker-config"), REGISTRY_AUTH_FILE=None,
                                  XDG_RUNTIME_DIR=self.path("no-xdg"), HOME=self.path("home"))
        for k in ("VENV2DOCKER_REGISTRY_USER", "VENV2DOCKER_REGISTRY_PASSWORD", "DOCKER_AUTH_CONFIG"):
            self.env.pop(k, None)

    def build(self, *args, base, cache, env=None):
        return h.build("--cache-dir", cache, *args, base=base, env=env or self.env)

    def fail_build(self, *args, base, cache, env=None):
        f = h.fixtures()
        res = h.v2d("--cache-dir", cache, "-b", base, "--project", f["V2D_PROJECT"], *args, f["V2D_VENV_DEMO"],
                    env=env or self.env, expect=3)
        self.assertIn("venv2docker: error:", res.stderr)
        return res

    def assertNoSecrets(self, *texts):
        for text in texts:
            for secret in SECRETS:
                self.assertNotIn(secret, text)
            self.assertNotIn("Authorization", text)
            self.assertNotIn("Bearer ey", text)

    def layout_annotations(self, out, tag):
        with h.ImageLayout(out) as layout:
            return layout.manifest(tag).get("annotations", {})

    # ------------------------------------------------------------------ pull

    def test_pull_by_tag_then_cached_then_by_digest(self):
        cache, out = self.path("cache"), self.path("out")
        ref = f"{self.proxy.addr}/{BASE_REPO}:{BASE_TAG}"
        js, res = self.build("-v", "-o", f"oci:{out}:t1", base=ref, cache=cache)
        ann = self.layout_annotations(out, "t1")
        self.assertEqual(ann["org.opencontainers.image.base.digest"], self.base_digest)
        self.assertEqual(ann["org.opencontainers.image.base.name"], ref.replace(":" + BASE_TAG, "") + ":" + BASE_TAG)
        got = requests(self.proxy, method="GET")
        blob_gets = {e["path"].rsplit("/", 1)[1] for e in got if "/blobs/" in e["path"]}
        self.assertTrue(set(self.base_layers) <= blob_gets, f"every base layer downloaded: {got}")
        validate_image(out, tag="t1", report=js)

        # Same tag again: only the tag's manifest (and the ping) go over the wire.
        self.build("-o", f"oci:{out}:t2", base=ref, cache=cache)
        again = requests(self.proxy)
        self.assertEqual(sorted(e["path"] for e in again), ["/v2/", f"/v2/{BASE_REPO}/manifests/{BASE_TAG}"], again)

        # Pinned by digest: nothing at all.
        pinned = f"{self.proxy.addr}/{BASE_REPO}@{self.base_digest}"
        self.build("-o", f"oci:{out}:t3", base=pinned, cache=cache)
        self.assertEqual(requests(self.proxy), [])
        self.assertEqual(self.layout_annotations(out, "t3")["org.opencontainers.image.base.digest"], self.base_digest)

    def test_index_platform_selection(self):
        base_url = f"http://{self.plain.addr}"
        raw_amd64, _ = self._raw_manifest(base_url)
        raw_config, _ = self._raw(base_url, f"/v2/{BASE_REPO}/blobs/{json.loads(raw_amd64)['config']['digest']}")
        amd64 = Image.from_raw(raw_amd64, raw_config)
        # An arm64 sibling: same layer, its own config (a real multi-arch image differs in layers too).
        arm_config = {k: v for k, v in amd64.config.items() if k != "rootfs"}
        arm64 = Image(dict(arm_config, architecture="arm64", variant="v8"), amd64.layers)
        r.put_blob(base_url, BASE_REPO, arm64.raw_config)
        r.put_manifest(base_url, BASE_REPO, arm64.digest, arm64.raw, arm64.media_type)
        index = Index([arm64, amd64])
        r.put_manifest(base_url, BASE_REPO, "multi", index.raw, index.media_type)
        ref = f"{self.plain.addr}/{BASE_REPO}:multi"
        validate_image(f"docker://{ref}")
        cache, out = self.path("cache"), self.path("out")

        self.build("-o", f"oci:{out}:default", base=ref, cache=cache)
        self.assertEqual(self.layout_annotations(out, "default")["org.opencontainers.image.base.digest"],
                         self.base_digest, "linux/amd64 is the default")
        self.build("--platform", "linux/x86_64", "-o", f"oci:{out}:amd", base=ref, cache=cache)
        self.assertEqual(self.layout_annotations(out, "amd")["org.opencontainers.image.base.digest"], self.base_digest)
        # arm64 (normalised: aarch64 == arm64/v8); --force since the venv is amd64.
        self.build("--platform", "linux/aarch64", "--force", "-o", f"oci:{out}:arm", base=ref, cache=cache)
        self.assertEqual(self.layout_annotations(out, "arm")["org.opencontainers.image.base.digest"], arm64.digest)
        res = self.fail_build("--platform", "linux/s390x", "-o", f"oci:{out}:x", base=ref, cache=cache)
        self.assertIn("no linux/s390x image", res.stderr)
        self.assertIn("linux/arm64", res.stderr)
        self.assertIn("linux/amd64", res.stderr)

    def _raw_manifest(self, base_url):
        return self._raw(base_url, f"/v2/{BASE_REPO}/manifests/{self.base_digest}",
                         "application/vnd.oci.image.manifest.v1+json")

    def _raw(self, base_url, path, accept=None):
        import urllib.request
        req = urllib.request.Request(base_url + path, headers={"Accept": accept} if accept else {})
        with urllib.request.urlopen(req) as resp:
            return resp.read(), resp.headers

    def test_tampered_blob_is_rejected_and_nothing_cached(self):
        cache = self.path("cache")
        r.set_plan(self.proxy, {"tamper_blobs": True})
        res = self.fail_build("-o", f"oci:{self.path('out')}:t", base=f"{self.proxy.addr}/{BASE_REPO}:{BASE_TAG}",
                              cache=cache)
        self.assertRegex(res.stderr, r"digest|tampered")
        stored = set(os.listdir(os.path.join(cache, "blobs", "sha256")))
        for digest in self.base_layers:
            self.assertNotIn(digest.split(":")[1], stored, "a tampered blob must not be cached")
        leftovers = os.listdir(os.path.join(cache, "tmp")) if os.path.isdir(os.path.join(cache, "tmp")) else []
        self.assertEqual(leftovers, [], "no partial downloads left behind")
        # Listed while they downloaded, the tampered bytes leave no listing either.
        listings = os.listdir(os.path.join(cache, "listings")) if os.path.isdir(os.path.join(cache, "listings")) else []
        for digest in self.base_layers:
            self.assertNotIn(digest.split(":")[1] + ".cbor", listings, "a listing of a tampered blob must not be kept")

    def test_a_layer_download_cut_short_is_listed_from_its_retry(self):
        # The first try of every base layer is cut mid-body: what its listing thread saw is
        # discarded, and the retry's bytes alone are listed (the same report as without
        # faults), as they arrive: nothing is read back from the store.
        venv = self.path("venv")
        h.run_tool(["/usr/bin/python3", "-m", "venv", "--without-pip", venv])
        manifest = h.skopeo_inspect(f"docker://{self.plain.addr}/{BASE_REPO}:{BASE_TAG}", "--tls-verify=false", "--raw")
        layers = sum(layer["size"] for layer in manifest["layers"])
        reports = {}
        for name, faults in (("clean", []), ("cut", [{"method": "GET", "path": "/blobs/" + digest, "nth": 1,
                                                      "action": "truncate"} for digest in self.base_layers])):
            r.set_plan(self.proxy, {"faults": faults})
            status, stdout, stderr, read = h.v2d_bytes_read(
                "--no-project", "--json", "--cache-dir", self.path("cache-" + name), "--check", "-b",
                f"{self.proxy.addr}/{BASE_REPO}:{BASE_TAG}", venv, env=self.env)
            self.assertIn(status, (0, 1), stderr)
            self.assertLess(read, layers // 2, f"{name}: {read} bytes read from files for {layers} bytes of layers")
            reports[name] = json.loads(stdout)
        cut = [e for e in r.read_log(self.proxy.requests) if e["fault"] == "truncate"]
        self.assertEqual(len(cut), len(self.base_layers), "every layer's first try was cut")
        for digest in self.base_layers:
            self.assertTrue(os.path.isfile(os.path.join(self.path("cache-cut"), "listings",
                                                        digest.split(":")[1] + ".cbor")))
        self.assertEqual(reports["cut"], reports["clean"])
        self.assertEqual(reports["cut"]["interpreter"], "/usr/bin/python3.11")

    def test_a_base_is_listed_while_it_downloads(self):
        # A fresh cache: each layer is inflated and listed as its bytes arrive, not read
        # back from the store once downloaded (socket receives are not in rchar).
        manifest = h.skopeo_inspect(f"docker://{self.plain.addr}/{BASE_REPO}:{BASE_TAG}", "--tls-verify=false", "--raw")
        layers = sum(layer["size"] for layer in manifest["layers"])
        self.assertGreater(layers, 20 << 20, "the test needs a base whose layers dwarf everything else read")
        cache = self.path("cache")
        venv = self.path("venv")
        h.run_tool(["/usr/bin/python3", "-m", "venv", "--without-pip", venv])
        status, _, stderr, read = h.v2d_bytes_read("--no-project", "--cache-dir", cache, "-b",
                                                f"{self.plain.addr}/{BASE_REPO}:{BASE_TAG}", "--check", "--json", venv)
        self.assertIn(status, (0, 1), stderr)
        self.assertLess(read, layers // 2, f"{read} bytes read from files for {layers} bytes of layers downloaded")
        for digest in self.base_layers:
            hexdigest = digest.split(":")[1]
            self.assertTrue(os.path.isfile(os.path.join(cache, "blobs", "sha256", hexdigest)))
            self.assertTrue(os.path.isfile(os.path.join(cache, "listings", hexdigest + ".cbor")))

    # ------------------------------------------------------------------ push

    def test_push_push_again_and_cross_repo_mount(self):
        cache = self.path("cache")
        repo = f"app/demo-{os.getpid()}"
        dest = f"{self.proxy.addr}/{repo}"
        js, res = self.build("-v", "-n", dest, "-t", "v1", "-p", base=f"{self.proxy.addr}/{BASE_REPO}:{BASE_TAG}",
                             cache=cache)
        pushed = [o for o in js["outputs"] if o["type"] == "registry"]
        self.assertEqual(len(pushed), 1, js["outputs"])
        self.assertEqual(pushed[0]["digest"], js["manifest_digest"])
        self.assertEqual(pushed[0]["path"], f"{dest}:v1")
        log = r.read_log(self.proxy.requests)
        mounts = [e for e in log if e["method"] == "POST" and "mount" in e["query"]]
        self.assertTrue(mounts and all(e["status"] == 201 for e in mounts), f"base layer mounted: {mounts}")
        self.assertEqual(len(mounts), len(self.base_layers), "only the base's layers are mounted")
        uploads = [e for e in log if e["method"] == "PUT" and "/blobs/uploads/" in e["path"]]
        # + the config; + the SBOM and its artifact's empty config (docs/sbom.md)
        new_blobs = len(js["layers"]) - len(self.base_layers) + 1 + 2
        self.assertEqual(len(uploads), new_blobs)
        manifest_puts = [e["path"] for e in log if e["method"] == "PUT" and "/manifests/" in e["path"]]
        referrers_tag = f"/v2/{repo}/manifests/sha256-{js['manifest_digest'].split(':')[1]}"
        self.assertEqual(manifest_puts[0], f"/v2/{repo}/manifests/v1")
        self.assertEqual(manifest_puts[2:], [referrers_tag])
        self.assertTrue(manifest_puts[1].startswith(f"/v2/{repo}/manifests/sha256:"), manifest_puts)

        info = h.skopeo_inspect(f"docker://{self.plain.addr}/{repo}:v1", "--tls-verify=false")
        self.assertEqual(info["Digest"], js["manifest_digest"])
        self.assertEqual(info["Layers"], [l["digest"] for l in js["layers"]])

        # Again, plus another tag via --output registry:: no blob goes over the wire.
        js2, res2 = self.build("-p", "-n", dest, "-t", "v1", "-o", f"registry:{dest}:v2",
                               base=f"{self.proxy.addr}/{BASE_REPO}:{BASE_TAG}", cache=cache)
        self.assertEqual(js2["manifest_digest"], js["manifest_digest"])
        log = r.read_log(self.proxy.requests)
        self.assertEqual([e for e in log if e["method"] in ("PUT", "PATCH", "POST") and "/blobs/" in e["path"]], [])
        # The SBOM is attached once to the repository both tags are in.
        self.assertEqual(sorted(e["path"] for e in log if e["method"] == "PUT"),
                         sorted([f"/v2/{repo}/manifests/v1", f"/v2/{repo}/manifests/v2", referrers_tag,
                                 manifest_puts[1]]))
        info2 = h.skopeo_inspect(f"docker://{self.plain.addr}/{repo}:v2", "--tls-verify=false")
        self.assertEqual(info2["Digest"], js["manifest_digest"])

    def test_docker_pulls_and_runs_what_was_pushed(self):
        reg = h.registry()
        ref = f"{reg}/v2d-client/demo-{os.getpid()}:run"
        skopeo_copy(f"oci:{h.bases()['V2D_BASE_BOOKWORM_OCI']}:{h.bases()['V2D_BASE_BOOKWORM_TAG']}",
                    f"{reg}/v2d-client/base:py", "--dest-tls-verify=false")
        js, _ = self.build("-o", f"registry:{ref}", base=f"{reg}/v2d-client/base:py", cache=self.path("cache"))
        self.assertEqual(js["outputs"][0]["digest"], js["manifest_digest"])
        info = h.skopeo_inspect(f"docker://{ref}", "--tls-verify=false")
        self.assertEqual(info["Digest"], js["manifest_digest"])
        h.ensure_base_loaded()
        h.docker("pull", ref)
        self._images.append(ref)
        self.assertEqual(h.docker_run(ref, "hello").strip(), "hello from /opt/venv (speedups=42)")

    # ------------------------------------------------------------------ TLS + Basic

    def docker_config(self, config, name="docker"):
        folder = self.path(name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(config, f)
        return folder

    def test_tls_basic_with_config_file_and_creds(self):
        import base64
        auth = base64.b64encode(f"{r.USER}:{r.PASSWORD}".encode()).decode()
        env = dict(self.env, DOCKER_CONFIG=self.docker_config({"auths": {f"https://{self.tls.addr}/v1/": {"auth": auth}}}))
        ref = f"{self.tls.addr}/{BASE_REPO}:{BASE_TAG}"
        cache = self.path("cache")
        js, res = self.build("-v", "--ca-cert", self.ca, "-o", f"oci:{self.path('out')}:t", base=ref, cache=cache,
                             env=env)
        self.assertNoSecrets(res.stdout, res.stderr)
        # Push with --creds (over config-less env), read back with skopeo over verified TLS.
        dest = f"{self.tls.addr}/app/tls-{os.getpid()}"
        js, res = self.build("-v", "--ca-cert", self.ca, "--creds", f"{r.USER}:{r.PASSWORD}", "-n", dest, "-t", "v1",
                             "-p", base=ref, cache=cache)
        self.assertNoSecrets(res.stdout, res.stderr)
        info = h.skopeo_inspect(f"docker://{dest}:v1", f"--cert-dir={os.path.dirname(self.ca)}",
                                f"--creds={r.USER}:{r.PASSWORD}")
        self.assertEqual(info["Digest"], js["manifest_digest"])
        # CI variables work like --creds.
        env = dict(self.env, VENV2DOCKER_REGISTRY_USER=r.USER, VENV2DOCKER_REGISTRY_PASSWORD=r.PASSWORD)
        self.build("--ca-cert", self.ca, "-n", dest, "-t", "v2", "-p", base=ref, cache=cache, env=env)

    def test_credentials_refused_mid_push_are_worded_for_the_push(self):
        """A HEAD the registry refuses in the middle of a push is part of the push: the hint
        asks for an account that may push there, not pull."""
        repo = "refused-mid-push"
        r.set_plan(self.proxy, {"faults": [{"method": "HEAD", "path": f"/v2/{repo}/manifests/", "nth": n,
                                            "action": "401"} for n in (1, 2)]})
        secret = "Mid-Push-Secret7"
        res = self.fail_build("--creds", f"{self.proxy.addr}={r.USER}:{secret}",
                              "-o", f"registry:{self.proxy.addr}/{repo}:v1", base=self.base_layout, cache=self.path("c"))
        self.assertIn(f"registry {self.proxy.addr} refused the credentials from --creds", res.stderr)
        self.assertIn(f"HEAD http://{self.proxy.addr}/v2/{repo}/manifests/sha256:", res.stderr)
        self.assertIn(f"may push to {self.proxy.addr}/{repo}", res.stderr)
        self.assertNotIn(secret, res.stderr + res.stdout)
        heads = [e for e in r.read_log(self.proxy.requests) if e["method"] == "HEAD" and repo in e["path"]]
        self.assertEqual([(e["fault"], e["auth"]) for e in heads], [("401", False), ("401", True)])

    def test_tls_unknown_ca_and_wrong_password_are_clear_errors(self):
        ref = f"{self.tls.addr}/{BASE_REPO}:{BASE_TAG}"
        res = self.fail_build("--creds", f"{r.USER}:{r.PASSWORD}", base=ref, cache=self.path("c1"))
        self.assertIn("cannot verify the TLS certificate of registry " + self.tls.addr, res.stderr)
        self.assertIn("--ca-cert", res.stderr)
        self.assertNoSecrets(res.stderr)

        wrong = "Wrong-Password-Secret3"
        res = self.fail_build("-v", "--ca-cert", self.ca, "--creds", f"{r.USER}:{wrong}", base=ref, cache=self.path("c2"))
        self.assertIn(f"registry {self.tls.addr} refused the credentials from --creds", res.stderr)
        self.assertIn(f"/v2/{BASE_REPO}/manifests/{BASE_TAG}", res.stderr)
        self.assertNotIn(wrong, res.stderr + res.stdout)

        res = self.fail_build("--ca-cert", self.ca, base=ref, cache=self.path("c3"))
        self.assertIn(f"registry {self.tls.addr} wants a user name and password and none were found", res.stderr)

        # The CA in /etc/docker/certs.d/HOST:PORT/ (a folder only this registry's port names).
        certs_d = f"/etc/docker/certs.d/{self.tls.addr}"
        os.makedirs(certs_d, exist_ok=False)
        self.addCleanup(lambda: __import__("shutil").rmtree(certs_d, ignore_errors=True))
        with open(self.ca) as src, open(os.path.join(certs_d, "ca.crt"), "w") as dst:
            dst.write(src.read())
        self.build("--creds", f"{r.USER}:{r.PASSWORD}", "-o", f"oci:{self.path('out')}:d", base=ref,
                   cache=self.path("c5"))

        # --insecure-registry accepts the unverified certificate (and only for that registry).
        self.build("--insecure-registry", self.tls.addr, "--creds", f"{r.USER}:{r.PASSWORD}",
                   "-o", f"oci:{self.path('out')}:t", base=ref, cache=self.path("c4"))

    # ------------------------------------------------------------------ token auth, helpers

    def helper_bin(self, username, secret):
        folder = self.path("bin")
        os.makedirs(folder, exist_ok=True)
        script = os.path.join(folder, "docker-credential-v2dtest")
        with open(script, "w") as f:
            f.write("#!/bin/sh\n[ \"$1\" = get ] || exit 3\nread url\n"
                    f"echo \"$url\" >> {self.path('helper-calls')}\n"
                    f"if [ \"$url\" = \"{self.tokreg.addr}\" ]; then\n"
                    f"  printf '%s' '{{\"ServerURL\":\"{self.tokreg.addr}\",\"Username\":\"{username}\",\"Secret\":\"{secret}\"}}'\n"
                    "else echo 'credentials not found in native keychain'; exit 1; fi\n")
        os.chmod(script, 0o755)
        return folder

    def test_token_auth_with_credential_helper(self):
        ref = f"{self.tokreg.addr}/{BASE_REPO}:{BASE_TAG}"
        cache = self.path("cache")
        env = dict(self.env, DOCKER_CONFIG=self.docker_config({"credsStore": "v2dtest"}),
                   PATH=self.helper_bin(r.USER, r.PASSWORD) + ":" + os.environ["PATH"])
        dest = f"{self.tokreg.addr}/app/tok-{os.getpid()}"
        js, res = self.build("-v", "-n", dest, "-t", "v1", "-p", base=ref, cache=cache, env=env)
        self.assertNoSecrets(res.stdout, res.stderr)
        with open(self.path("helper-calls")) as f:
            self.assertIn(self.tokreg.addr, f.read().split())
        log = r.read_log(self.tokens.requests)
        self.assertTrue(log and all(e["authorized"] and e["account"] == r.USER for e in log), log)
        push_scopes = [e["scopes"] for e in log if any(s.endswith(",push") for s in e["scopes"])]
        self.assertTrue(push_scopes, log)
        self.assertEqual(push_scopes[0][0], f"repository:app/tok-{os.getpid()}:pull,push", "push scope first")
        self.assertIn(f"repository:{BASE_REPO}:pull", push_scopes[0], "mount source scope")
        info = h.skopeo_inspect(f"docker://{dest}:v1", "--tls-verify=false", f"--creds={r.USER}:{r.PASSWORD}")
        self.assertEqual(info["Digest"], js["manifest_digest"])

    def test_token_auth_identity_token_from_helper(self):
        ref = f"{self.tokreg.addr}/{BASE_REPO}:{BASE_TAG}"
        env = dict(self.env, DOCKER_CONFIG=self.docker_config({"credHelpers": {self.tokreg.addr: "v2dtest"}}),
                   PATH=self.helper_bin("<token>", r.REFRESH_TOKEN) + ":" + os.environ["PATH"])
        js, res = self.build("-v", "-o", f"oci:{self.path('out')}:t", base=ref, cache=self.path("cache"), env=env)
        self.assertNoSecrets(res.stdout, res.stderr)
        log = r.read_log(self.tokens.requests)
        self.assertTrue(log and all(e["method"] == "POST" and e["grant"] == "refresh_token" and e["authorized"]
                                    for e in log), log)

    def test_token_auth_failures_name_the_registry(self):
        ref = f"{self.tokreg.addr}/{BASE_REPO}:{BASE_TAG}"
        res = self.fail_build("--creds", f"{r.USER}:nope-Secret4", base=ref, cache=self.path("c1"))
        self.assertIn(f"registry {self.tokreg.addr} refused the credentials from --creds", res.stderr)
        self.assertNotIn("nope-Secret4", res.stderr)
        env = dict(self.env, DOCKER_CONFIG=self.docker_config({"credsStore": "not-installed-v2d"}))
        res = self.fail_build(base=ref, cache=self.path("c2"), env=env)
        self.assertIn("docker-credential-not-installed-v2d", res.stderr)
        self.assertIn(self.tokreg.addr, res.stderr)
        res = self.fail_build(base=ref, cache=self.path("c3"))
        self.assertIn(f"registry {self.tokreg.addr} wants credentials and none were found", res.stderr)

    def test_redirects_never_carry_credentials_elsewhere(self):
        front = self._keep(r.start_proxy(os.path.join(self.tmp, "front"), self.tokreg.addr))
        storage = self._keep(r.start_proxy(os.path.join(self.tmp, "storage"), self.plain.addr))
        r.set_plan(front, {"redirect_blobs": f"http://{storage.addr}"})
        js, res = self.build("-v", "--creds", f"{r.USER}:{r.PASSWORD}", "-o", f"oci:{self.path('out')}:t",
                             base=f"{front.addr}/{BASE_REPO}:{BASE_TAG}", cache=self.path("cache"))
        self.assertNoSecrets(res.stdout, res.stderr)
        front_log, storage_log = r.read_log(front.requests), r.read_log(storage.requests)
        manifests = [e for e in front_log if "/manifests/" in e["path"] and e["status"] == 200]
        self.assertTrue(manifests and all(e["auth"] for e in manifests), "the registry itself gets the token")
        self.assertTrue([e for e in front_log if "/blobs/" in e["path"] and e["status"] == 307], front_log)
        blobs = [e for e in storage_log if "/blobs/" in e["path"]]
        self.assertTrue(blobs and all(e["status"] == 200 for e in blobs), storage_log)
        self.assertEqual([e for e in storage_log if e["auth"]], [], "no credentials to another host:port")

    # ------------------------------------------------------------------ faults

    def test_pull_and_push_through_faults(self):
        r.set_plan(self.proxy, {"max_body": 1_000_000, "faults": [
            {"method": "GET", "path": "/manifests/", "nth": 1, "action": "503"},
            {"method": "GET", "path": "/blobs/", "nth": 1, "action": "drop"},
            {"method": "GET", "path": "/blobs/", "nth": 2, "action": "truncate"},
            {"method": "GET", "path": "/manifests/", "nth": 2, "action": "429"},
            {"method": "HEAD", "path": "/blobs/", "nth": 1, "action": "500"},
            {"method": "POST", "path": "/blobs/uploads/", "nth": 1, "action": "drop"},
            {"method": "PUT", "path": "/blobs/uploads/", "nth": 1, "action": "503"},
            {"method": "PATCH", "path": "/blobs/uploads/", "nth": 2, "action": "drop"},
            {"method": "PUT", "path": "/manifests/", "nth": 1, "action": "500"},
        ]})
        repo = f"app/faults-{os.getpid()}"
        js, res = self.build("-v", "-n", f"{self.proxy.addr}/{repo}", "-t", "v1", "-p",
                             base=f"{self.proxy.addr}/{BASE_REPO}:{BASE_TAG}", cache=self.path("cache"))
        log = r.read_log(self.proxy.requests)
        fired = {e["fault"] for e in log if e["fault"]}
        self.assertTrue({"503", "drop", "truncate", "429", "500", "413"} <= fired,
                        f"faults fired: {fired}\n" + "\n".join(json.dumps(e) for e in log))
        self.assertTrue([e for e in log if e["method"] == "PATCH" and e["status"] == 202], "chunked upload after 413")
        info = h.skopeo_inspect(f"docker://{self.plain.addr}/{repo}:v1", "--tls-verify=false")
        self.assertEqual(info["Digest"], js["manifest_digest"])
        self.assertEqual(info["Layers"], [l["digest"] for l in js["layers"]])


if __name__ == "__main__":
    unittest.main(verbosity=2)
