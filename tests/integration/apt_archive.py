#!/usr/bin/python3
"""Signed local Debian archives for the `--apt` tests, a loopback server for them, and
test bases whose apt sources and keyring point at that server.

usage: apt_archive.py [--print-env] [--serve] [--verify] [--rebuild]

build_archives() (once per $V2D_TEST_STATE, cached under apt-archive-<key>/, concurrent
runs serialise on a lock):
  debs       real bookworm .debs fetched on the host with `apt-get download` (REAL_PACKAGES:
             what jq, BLAS/LAPACK and python3-numpy need beyond the minbase+python3 base), cached in
             $V2D_TEST_BASES/apt-debs-<key> (default /var/cache/v2d-test-bases) so reruns
             need no network; plus dummy packages built with `dpkg-deb --build`
             (DUMMY_PACKAGES: v2d-conflicts-jq, v2d-needs-new-libc, v2d-hello-jq, v2d-whiteouts).
  keys       gnupg/: a throwaway signing key and a rogue one (`gpg --batch`, no passphrase,
             private GNUPGHOME); keys/v2d-test.gpg (binary keyring of the test key),
             keys/v2d-test.asc (armored), keys/rogue.gpg.
  archives   root/VARIANT/ in standard layout: dists/bookworm/{Release,InRelease,Release.gpg},
             dists/bookworm/main/binary-amd64/Packages{,.gz,.xz},
             dists/bookworm/main/Contents-amd64.gz, pool/main/*.deb (apt-ftparchive):
               good/      signed by the test key
               badsig/    InRelease and Release.gpg signed by the rogue key
               tampered/  signed by the test key; jq's .deb altered after indexing
                          (same size, flipped bytes)
               unsigned/  Release only
resigned_copy(): the good archive with Release fields changed and signed again (a Release
  of another suite, an older Date), for the trust tests.
ArchiveServer: ThreadingHTTPServer on a free loopback port serving root/, logging every
  request (method, path, status, and its conditional headers) for the tests to count;
  Last-Modified validators, or ETag-only ones, or a stray 304 for each InRelease at first.
derive_base(): the bookworm base + one layer pointing apt at the server (one-line
  sources.list + /etc/apt/trusted.gpg.d/v2d-test.gpg, or a deb822 .sources with
  Signed-By: /usr/share/keyrings/v2d-test.gpg and a whiteout of sources.list).
apt_simulate(): real `apt-get` run against a served archive with a private state folder,
  to prove the fixtures are what apt itself accepts or refuses.

--print-env prints V2D_APT_ARCHIVE=... lines; --serve serves the archives until
interrupted (prints the URL); --verify checks every variant with real apt-get.
"""
import argparse
import email.utils
import fcntl
import gzip
import hashlib
import http.server
import json
import lzma
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import image_model  # noqa: E402
import image_writers  # noqa: E402

SUITE = "bookworm"
COMPONENT = "main"
ARCH = "amd64"
FORMAT = "apt-archive-1"
VARIANTS = ("good", "badsig", "tampered", "unsigned")
TAMPERED_PACKAGE = "jq"
# What the minbase+python3 bookworm base lacks for jq, for numpy's BLAS/LAPACK and for Debian's
# numpy itself (test_system_site): the full dependency closure (the base has libc6, libgcc-s1,
# gcc-12-base, python3). apt_simulate() proves it.
# libjpeg62-turbo has libjpeg.so.62 under another name than the soname's (Provides: libjpeg62).
REAL_PACKAGES = ("jq", "libjq1", "libonig5", "libblas3", "liblapack3", "libgfortran5", "libquadmath0",
                 "python3-numpy", "python3-pkg-resources", "libjpeg62-turbo")
HELLO_JQ_SCRIPT = "#!/bin/sh\necho '{\"greeting\": \"hello from v2d-hello-jq\"}' | jq -r .greeting\n"
# name: (control fields, {path: (mode, content)})
DUMMY_PACKAGES = {
    "v2d-conflicts-jq": ({"Conflicts": "jq", "Description": "v2d test: conflicts with jq"}, {}),
    "v2d-needs-new-libc": ({"Depends": "libc6 (>= 99)", "Description": "v2d test: needs a libc that never exists"},
                           {}),
    # Also a file under /lib (a link to usr/lib in the merged-/usr base: dpkg follows it) and
    # docs that the base's dpkg path-exclude rules keep out (all but the copyright).
    "v2d-hello-jq": ({"Depends": "jq", "Description": "v2d test: a script that runs jq"},
                     {"usr/bin/v2d-hello-jq": (0o755, HELLO_JQ_SCRIPT),
                      "lib/v2d-hello-jq/data.txt": (0o644, "data under /lib\n"),
                      "usr/share/doc/v2d-hello-jq/README": (0o644, "left out by path-exclude\n"),
                      "usr/share/doc/v2d-hello-jq/copyright": (0o644, "kept by path-include\n")}),
    # Members named like whiteouts: in a layer they would delete the base's python3 and hide
    # its dist-packages.
    "v2d-whiteouts": ({"Description": "v2d test: members named like OCI whiteouts"},
                      {"usr/bin/.wh.python3": (0o644, ""),
                       "usr/lib/python3/dist-packages/.wh..wh..opq": (0o644, ""),
                       "usr/share/v2d-whiteouts/kept.txt": (0o644, "kept\n")}),
}
DUMMY_VERSION = "1.0"
KEY_UID = "v2d test archive <v2d-test-archive@example.invalid>"
ROGUE_UID = "v2d rogue signer <v2d-rogue@example.invalid>"
KEY_NAME = "v2d-test.gpg"
ONE_LINE_KEY_PATH = "etc/apt/trusted.gpg.d/" + KEY_NAME
DEB822_KEY_PATH = "usr/share/keyrings/" + KEY_NAME
REF_NAME = "org.opencontainers.image.ref.name"


class FixtureError(AssertionError):
    """A tool or step of the archive fixture failed."""


def state_dir():
    return os.path.abspath(os.environ.get("V2D_TEST_STATE", "/tmp/v2d-test-state"))


def bases_dir():
    return os.path.abspath(os.environ.get("V2D_TEST_BASES", "/var/cache/v2d-test-bases"))


def run(cmd, cwd=None, env=None, stdout=subprocess.PIPE, input=None):
    if shutil.which(cmd[0]) is None:
        raise FixtureError(f"{cmd[0]} is not installed (scripts/test installs it)")
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=stdout, stderr=subprocess.PIPE, input=input)
    if p.returncode != 0:
        raise FixtureError(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr.decode(errors='replace')}")
    return p.stdout


def locked_build(path, builder):
    """Build `path` with builder(tmp) once: a complete folder is reused, concurrent
    callers serialise on path.lock, a half-built folder never appears under `path`."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(os.path.join(path, ".complete")):
            shutil.rmtree(path, ignore_errors=True)
            tmp = path + ".tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            os.makedirs(tmp)
            builder(tmp)
            open(os.path.join(tmp, ".complete"), "w").close()
            os.rename(tmp, path)
    return path


def self_hash(*extra):
    h = hashlib.sha256(FORMAT.encode())
    with open(os.path.abspath(__file__), "rb") as f:
        h.update(f.read())
    for e in extra:
        h.update(e.encode() + b"\0")
    return h.hexdigest()[:16]


# ---------------------------------------------------------------------------- packages

def real_debs():
    """Folder of REAL_PACKAGES' .debs from the host's bookworm sources (cached, shared)."""
    key = hashlib.sha256((FORMAT + " ".join(REAL_PACKAGES)).encode()).hexdigest()[:16]

    def download(tmp):
        cmd = ["apt-get", "download", "-o", "APT::Sandbox::User=root", *REAL_PACKAGES]
        try:
            run(cmd, cwd=tmp)
        except FixtureError:
            # The host's package lists may be missing or stale (a version gone from the mirror).
            run(["apt-get", "update", "-q"])
            run(cmd, cwd=tmp)
        for name in os.listdir(tmp):
            # apt-get download names a file with the version's epoch ("python3-numpy_1%3a1.24.2...");
            # Debian's pool leaves it out, and a '%' would have to survive URL decoding.
            if "%3a" in name:
                package, rest = name.split("_", 1)
                os.rename(os.path.join(tmp, name), os.path.join(tmp, package + "_" + rest.split("%3a", 1)[1]))
        got = sorted(n.split("_", 1)[0] for n in os.listdir(tmp) if n.endswith(".deb"))
        if got != sorted(REAL_PACKAGES):
            raise FixtureError(f"apt-get download gave {got}, expected {sorted(REAL_PACKAGES)}")

    return locked_build(os.path.join(bases_dir(), "apt-debs-" + key), download)


def build_dummy(name, out_dir):
    fields, files = DUMMY_PACKAGES[name]
    root = tempfile.mkdtemp(prefix=name + "-", dir=out_dir)
    try:
        os.makedirs(os.path.join(root, "DEBIAN"))
        control = {"Package": name, "Version": DUMMY_VERSION, "Architecture": ARCH,
                   "Maintainer": "venv2docker tests <tests@example.invalid>", "Section": "misc",
                   "Priority": "optional", **fields}
        with open(os.path.join(root, "DEBIAN", "control"), "w") as f:
            f.write("".join(f"{k}: {v}\n" for k, v in control.items()))
        for path, (mode, content) in files.items():
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(content)
            os.chmod(full, mode)
        deb = os.path.join(out_dir, f"{name}_{DUMMY_VERSION}_{ARCH}.deb")
        env = dict(os.environ, SOURCE_DATE_EPOCH="0")
        run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, deb], env=env)
        return deb
    finally:
        shutil.rmtree(root)


# ---------------------------------------------------------------------------- keys

def gpg(home, *args, input=None):
    return run(["gpg", "--homedir", home, "--batch", "--quiet", "--no-tty", *args], input=input)


def make_keys(work):
    """Two throwaway ed25519 signing keys in work/gnupg; exports in work/keys.
    The agent is stopped afterwards (nothing keeps running)."""
    home = os.path.join(work, "gnupg")
    os.makedirs(home, mode=0o700)
    keys = os.path.join(work, "keys")
    os.makedirs(keys)
    try:
        for uid in (KEY_UID, ROGUE_UID):
            gpg(home, "--passphrase", "", "--pinentry-mode", "loopback",
                "--quick-gen-key", uid, "ed25519", "sign", "never")
        for uid, base in ((KEY_UID, "v2d-test"), (ROGUE_UID, "rogue")):
            with open(os.path.join(keys, base + ".gpg"), "wb") as f:
                f.write(gpg(home, "--export", uid))
            with open(os.path.join(keys, base + ".asc"), "wb") as f:
                f.write(gpg(home, "--armor", "--export", uid))
    finally:
        subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return home


def sign_release(home, dist, uid):
    """InRelease (clearsigned) and Release.gpg (detached, armored) for dist/Release."""
    release = os.path.join(dist, "Release")
    common = ("--local-user", uid, "--digest-algo", "SHA512", "--yes")
    try:
        gpg(home, *common, "--clearsign", "--output", os.path.join(dist, "InRelease"), release)
        gpg(home, *common, "--armor", "--detach-sign", "--output", os.path.join(dist, "Release.gpg"), release)
    finally:
        subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


# ---------------------------------------------------------------------------- archives

def index_archive(variant_root):
    """Packages{,.gz,.xz}, Contents-amd64.gz and Release for pool/ under variant_root."""
    dist = os.path.join(variant_root, "dists", SUITE)
    bindir = os.path.join(dist, COMPONENT, f"binary-{ARCH}")
    os.makedirs(bindir)
    packages = run(["apt-ftparchive", "packages", f"pool/{COMPONENT}"], cwd=variant_root)
    with open(os.path.join(bindir, "Packages"), "wb") as f:
        f.write(packages)
    with open(os.path.join(bindir, "Packages.gz"), "wb") as f:
        f.write(gzip.compress(packages, mtime=0))
    with open(os.path.join(bindir, "Packages.xz"), "wb") as f:
        f.write(lzma.compress(packages))
    contents = run(["apt-ftparchive", "contents", f"pool/{COMPONENT}"], cwd=variant_root)
    with open(os.path.join(dist, COMPONENT, f"Contents-{ARCH}.gz"), "wb") as f:
        f.write(gzip.compress(contents, mtime=0))
    fields = {"Origin": "v2d-test", "Label": "v2d-test", "Suite": SUITE, "Codename": SUITE,
              "Architectures": ARCH, "Components": COMPONENT,
              "Description": "venv2docker test archive"}
    opts = [x for k, v in fields.items() for x in ("-o", f"APT::FTPArchive::Release::{k}={v}")]
    release = run(["apt-ftparchive", *opts, "release", "."], cwd=dist)
    with open(os.path.join(dist, "Release"), "wb") as f:
        f.write(release)
    return dist


def tamper(path):
    """Flip bytes in the last quarter of a file (inside data.tar), keeping its size."""
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.seek(size - size // 4)
        chunk = bytearray(f.read(16))
        f.seek(size - size // 4)
        f.write(bytes(b ^ 0xFF for b in chunk))


def build_tree(work):
    debs_dir = os.path.join(work, "debs")
    os.makedirs(debs_dir)
    src = real_debs()
    for name in sorted(os.listdir(src)):
        if name.endswith(".deb"):
            shutil.copy2(os.path.join(src, name), debs_dir)
    for name in DUMMY_PACKAGES:
        build_dummy(name, debs_dir)
    home = make_keys(work)
    for variant in VARIANTS:
        vroot = os.path.join(work, "root", variant)
        pool = os.path.join(vroot, "pool", COMPONENT)
        os.makedirs(pool)
        for name in sorted(os.listdir(debs_dir)):
            shutil.copy2(os.path.join(debs_dir, name), pool)
        dist = index_archive(vroot)
        if variant == "good" or variant == "tampered":
            sign_release(home, dist, KEY_UID)
        elif variant == "badsig":
            sign_release(home, dist, ROGUE_UID)
        if variant == "tampered":
            tamper(tampered_deb(work))


def resigned_copy(archive, dest, **release_fields):
    """A copy of the good archive at dest/good (pool/ linked, dists/ copied) whose Release has
    `release_fields` set (Suite="bullseye", Date="..."), signed again by the test key: a
    Release every signature check accepts that says something else. Returns dest/good."""
    good = os.path.join(dest, "good")
    os.makedirs(good)
    os.symlink(os.path.join(archive, "root", "good", "pool"), os.path.join(good, "pool"))
    shutil.copytree(os.path.join(archive, "root", "good", "dists"), os.path.join(good, "dists"))
    dist = os.path.join(good, "dists", SUITE)
    release = os.path.join(dist, "Release")
    with open(release) as f:
        lines = f.read().splitlines(keepends=True)
    with open(release, "w") as f:
        for line in lines:
            name = line.split(":", 1)[0]
            f.write(f"{name}: {release_fields[name]}\n" if name in release_fields and not line.startswith(" ") else line)
    sign_release(os.path.join(archive, "gnupg"), dist, KEY_UID)
    return good


def release_date(archive):
    """The Date of the good archive's Release, as an aware datetime."""
    with open(os.path.join(archive, "root", "good", "dists", SUITE, "Release")) as f:
        date = next(line.split(":", 1)[1].strip() for line in f if line.startswith("Date:"))
    return email.utils.parsedate_to_datetime(date)


def tampered_deb(archive):
    pool = os.path.join(archive, "root", "tampered", "pool", COMPONENT)
    return os.path.join(pool, next(n for n in sorted(os.listdir(pool)) if n.startswith(TAMPERED_PACKAGE + "_")))


def build_archives():
    """The archive folder (built once per $V2D_TEST_STATE): root/, keys/, debs/."""
    return locked_build(os.path.join(state_dir(), "apt-archive-" + self_hash(*REAL_PACKAGES)), build_tree)


def serve_archives(add_cleanup):
    """The archives (build_archives()) and an ArchiveServer for them, stopped by the cleanup
    registered with `add_cleanup` (e.g. unittest.addModuleCleanup): (archive, server)."""
    archive = build_archives()
    server = ArchiveServer(os.path.join(archive, "root"))
    add_cleanup(server.stop)
    return archive, server


def key_path(archive, armored=False, rogue=False):
    return os.path.join(archive, "keys", ("rogue" if rogue else "v2d-test") + (".asc" if armored else ".gpg"))


def deb_file_name(archive, package):
    """File name of `package`'s .deb in the archives (e.g. jq_1.6-2.1+deb12u3_amd64.deb)."""
    return os.path.basename(next(os.path.join(archive, "debs", n) for n in sorted(os.listdir(os.path.join(archive, "debs")))
                                 if n.startswith(package + "_")))


def package_versions(archive):
    """{package: version} from the good archive's Packages index."""
    path = os.path.join(archive, "root", "good", "dists", SUITE, COMPONENT, f"binary-{ARCH}", "Packages")
    out, name = {}, None
    with open(path) as f:
        for line in f:
            if line.startswith("Package: "):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("Version: "):
                out[name] = line.split(":", 1)[1].strip()
    return out


# ---------------------------------------------------------------------------- server

class ArchiveServer:
    """Serves a folder on a free loopback port from a background thread; every request is
    logged as (method, path, status), and its conditional headers beside it
    (requests_with_headers()). Use as a context manager or call stop().

    Validators: by default what Python's http.server gives (Last-Modified, If-Modified-Since).
    etag=True: a strong ETag (the SHA-256 of the file's bytes) instead, If-None-Match
    honoured and no Last-Modified sent, as an ETag-only mirror or cache answers.
    first_inrelease_304=True: the first request for each InRelease is answered 304 whatever
    it asks (a cache in between answering for another client's copy)."""

    CONDITIONAL_HEADERS = ("If-None-Match", "If-Modified-Since", "Cache-Control")

    def __init__(self, root, etag=False, first_inrelease_304=False):
        self.log = []
        self.headers_log = []
        self._lock = threading.Lock()
        self._answered_304 = set()
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=root, **kw)

            def send_head(self):
                self._etag = None
                if first_inrelease_304 and self.path.endswith("/InRelease"):
                    with server._lock:
                        first = self.path not in server._answered_304
                        server._answered_304.add(self.path)
                    if first:
                        self.send_response(304)
                        self.end_headers()
                        return None
                file = self.translate_path(self.path)
                if etag and os.path.isfile(file):
                    with open(file, "rb") as f:
                        tag = '"' + hashlib.sha256(f.read()).hexdigest() + '"'
                    if self.headers.get("If-None-Match") == tag:
                        self.send_response(304)
                        self._etag = tag
                        self.end_headers()
                        return None
                    self._etag = tag
                return super().send_head()

            def send_header(self, keyword, value):
                if etag and keyword.lower() == "last-modified":
                    return
                super().send_header(keyword, value)

            def end_headers(self):
                if getattr(self, "_etag", None):
                    super().send_header("ETag", self._etag)
                super().end_headers()

            def log_request(self, code="-", size="-"):
                sent = {k: self.headers[k] for k in server.CONDITIONAL_HEADERS if self.headers.get(k) is not None}
                with server._lock:
                    server.log.append((self.command, self.path, int(code) if str(code).isdigit() else code))
                    server.headers_log.append(sent)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def url(self, variant="good"):
        return f"http://127.0.0.1:{self.port}/{variant}"

    def requests(self):
        with self._lock:
            return list(self.log)

    def requests_with_headers(self):
        """[(method, path, status, {conditional header: value})], in arrival order."""
        with self._lock:
            return [entry + (sent,) for entry, sent in zip(self.log, self.headers_log)]

    def clear_log(self):
        with self._lock:
            self.log.clear()
            self.headers_log.clear()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def index_or_deb_requests(log):
    """The logged requests that fetched a Packages index, a Contents index or a .deb."""
    return [r for r in log if "/Packages" in r[1] or "/Contents-" in r[1] or r[1].endswith(".deb")]


# ---------------------------------------------------------------------------- bases

def sources_layer(url, archive, deb822):
    """The tar bytes of one layer that points apt at `url` (suite bookworm, main)."""
    with open(key_path(archive), "rb") as f:
        key = f.read()
    entries = []  # (path, bytes or None for a folder)
    if deb822:
        sources = (f"Types: deb\nURIs: {url}\nSuites: {SUITE}\nComponents: {COMPONENT}\n"
                   f"Signed-By: /{DEB822_KEY_PATH}\n")
        entries += [("etc/apt/.wh.sources.list", b""), ("etc/apt/sources.list.d/v2d-test.sources", sources.encode()),
                    ("usr/share/keyrings/", None), (DEB822_KEY_PATH, key)]
    else:
        entries += [("etc/apt/sources.list", f"deb {url} {SUITE} {COMPONENT}\n".encode()),
                    (ONE_LINE_KEY_PATH, key)]
    return layer_tar(entries)


def layer_tar(entries):
    """The tar bytes of a layer: (path, bytes) files (0644) and (path, None) folders (0755),
    owned by root, mtime 0."""
    return image_model.layer_tar([image_model.Entry(path, "dir") if data is None else image_model.Entry(path, data=data)
                                  for path, data in entries])


def derive_base(base_dir, base_tag, out_dir, url, archive, deb822=False, tag="apt-test"):
    """An OCI layout at out_dir (must not exist): base_dir:base_tag plus one layer whose
    apt sources point at `url` with the test key trusted. Returns "oci:out_dir:tag"."""
    created_by = "apt_archive.py: apt sources -> " + url + (" (deb822, Signed-By)" if deb822 else "")
    return derive_image(base_dir, base_tag, out_dir, sources_layer(url, archive, deb822), created_by, tag)


def derive_image(base_dir, base_tag, out_dir, layer_tar, created_by, tag):
    """An OCI layout at out_dir (must not exist): base_dir:base_tag plus one layer, the
    uncompressed tar bytes `layer_tar`. Returns "oci:out_dir:tag"."""
    base = image_model.Image.read(base_dir, base_tag)
    work = out_dir + ".tmp"
    shutil.rmtree(work, ignore_errors=True)
    image_writers.write_oci_layout(work, {tag: base.append(image_model.Layer.from_tar(layer_tar), created_by)})
    os.rename(work, out_dir)
    return f"oci:{out_dir}:{tag}"


# ---------------------------------------------------------------------------- real apt

def base_dpkg_status(base_dir, base_tag):
    """The base image's /var/lib/dpkg/status (from its layers, last one winning)."""
    with open(os.path.join(base_dir, "index.json")) as f:
        index = json.load(f)
    desc = next(d for d in index["manifests"] if d.get("annotations", {}).get(REF_NAME) == base_tag)
    blobs = os.path.join(base_dir, "blobs", "sha256")
    with open(os.path.join(blobs, desc["digest"].split(":", 1)[1])) as f:
        manifest = json.load(f)
    status = None
    for layer in manifest["layers"]:
        with tarfile.open(os.path.join(blobs, layer["digest"].split(":", 1)[1])) as t:
            for m in t:
                if m.name.lstrip("./") == "var/lib/dpkg/status" and m.isfile():
                    status = t.extractfile(m).read()
    if status is None:
        raise FixtureError(f"no /var/lib/dpkg/status in {base_dir}:{base_tag}")
    return status


def apt_simulate(url, key, status, *args, trusted=False):
    """Run real `apt-get update` and then `apt-get ARGS` against one source (`url`, suite
    bookworm, main, signed-by `key`) with a private state, cache and config: the host's
    sources, keys and preferences are not used. `status` is the dpkg status to plan
    against (bytes). Returns (update_process, args_process or None); never raises on
    apt's failures, so tests can assert them."""
    with tempfile.TemporaryDirectory(prefix="v2d-apt-") as d:
        for sub in ("state/lists/partial", "cache/archives/partial", "etc/sources.list.d", "etc/trusted.gpg.d",
                    "etc/preferences.d", "etc/apt.conf.d", "log"):
            os.makedirs(os.path.join(d, sub))
        opts = "trusted=yes" if trusted else f"signed-by={key}"
        with open(os.path.join(d, "etc", "sources.list"), "w") as f:
            f.write(f"deb [{opts}] {url} {SUITE} {COMPONENT}\n")
        with open(os.path.join(d, "status"), "wb") as f:
            f.write(status)
        conf = os.path.join(d, "apt.conf")
        with open(conf, "w") as f:
            f.write(f'Dir::Etc "{d}/etc/";\nDir::Etc::main "/dev/null";\nDir::State "{d}/state/";\n'
                    f'Dir::State::status "{d}/status";\nDir::Cache "{d}/cache/";\nDir::Log "{d}/log/";\n'
                    f'APT::Architecture "{ARCH}";\nAPT::Architectures {{ "{ARCH}"; }};\n'
                    'APT::Sandbox::User "root";\nDebug::NoLocking "true";\nAcquire::Languages "none";\n'
                    'Acquire::Retries "0";\nAPT::Get::AllowUnauthenticated "false";\n')
        env = dict(os.environ, APT_CONFIG=conf, LC_ALL="C")
        upd = subprocess.run(["apt-get", "update"], env=env, capture_output=True, text=True, timeout=300)
        rest = None
        if args:
            rest = subprocess.run(["apt-get", *args], env=env, capture_output=True, text=True, timeout=300,
                                  cwd=d)
        return upd, rest


def verify(archive, base_dir, base_tag):
    """Prove every variant with real apt-get; raises FixtureError on any surprise."""
    status = base_dpkg_status(base_dir, base_tag)
    key = key_path(archive)

    def check(cond, what, *procs):
        if not cond:
            text = "\n".join(f"$ {' '.join(p.args)} -> {p.returncode}\n{p.stdout}{p.stderr}" for p in procs if p)
            raise FixtureError(f"apt fixture check failed: {what}\n{text}")

    with ArchiveServer(os.path.join(archive, "root")) as srv:
        upd, sim = apt_simulate(srv.url("good"), key, status, "install", "-s", "-y",
                                "jq", "libblas3", "liblapack3", "python3-numpy", "libjpeg62-turbo", "v2d-hello-jq")
        check(upd.returncode == 0 and "W:" not in upd.stdout + upd.stderr, "good archive updates cleanly", upd)
        installs = sorted(line.split()[1] for line in sim.stdout.splitlines() if line.startswith("Inst "))
        want = sorted(set(REAL_PACKAGES) | {"v2d-hello-jq"})
        check(sim.returncode == 0 and installs == want,
              f"apt installs exactly {want} onto the base (got {installs})", sim)
        _, sim = apt_simulate(srv.url("good"), key, status, "install", "-s", "-y", "jq", "v2d-conflicts-jq")
        check(sim.returncode != 0 and "Conflicts: jq" in sim.stdout, "jq + v2d-conflicts-jq conflict", sim)
        _, sim = apt_simulate(srv.url("good"), key, status, "install", "-s", "-y", "v2d-needs-new-libc")
        check(sim.returncode != 0 and "libc6 (>= 99)" in sim.stdout, "v2d-needs-new-libc is unsatisfiable", sim)
        upd, _ = apt_simulate(srv.url("good"), key_path(archive, armored=True), status)
        check(upd.returncode == 0 and "W:" not in upd.stdout + upd.stderr, "the armored key works too", upd)

        upd, _ = apt_simulate(srv.url("badsig"), key, status)
        check("NO_PUBKEY" in upd.stdout + upd.stderr and "is not signed" in upd.stdout + upd.stderr,
              "badsig archive refused for its signature", upd)
        upd, _ = apt_simulate(srv.url("unsigned"), key, status)
        check("does not have a Release file" in upd.stdout + upd.stderr
              or "is not signed" in upd.stdout + upd.stderr, "unsigned archive refused", upd)
        upd, _ = apt_simulate(srv.url("unsigned"), key, status, trusted=True)
        check(upd.returncode == 0, "unsigned archive accepted with trusted=yes", upd)

        upd, dl = apt_simulate(srv.url("tampered"), key, status, "download", TAMPERED_PACKAGE)
        check(upd.returncode == 0 and "W:" not in upd.stdout + upd.stderr, "tampered archive's index is valid", upd)
        check(dl.returncode != 0 and "Hash Sum mismatch" in dl.stdout + dl.stderr,
              "tampered .deb refused by hash", dl)
        _, dl = apt_simulate(srv.url("good"), key, status, "download", TAMPERED_PACKAGE)
        check(dl.returncode == 0, "the untampered .deb downloads", dl)
    return True


def env_lines(archive):
    return [f"V2D_APT_ARCHIVE={archive}", f"V2D_APT_ROOT={archive}/root", f"V2D_APT_KEY={key_path(archive)}",
            f"V2D_APT_KEY_ASC={key_path(archive, armored=True)}", f"V2D_APT_TAMPERED_DEB={tampered_deb(archive)}"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--print-env", action="store_true")
    p.add_argument("--serve", action="store_true", help="serve the archives until interrupted")
    p.add_argument("--verify", action="store_true", help="check every variant with real apt-get")
    p.add_argument("--rebuild", action="store_true")
    a = p.parse_args()
    if a.rebuild:
        path = os.path.join(state_dir(), "apt-archive-" + self_hash(*REAL_PACKAGES))
        shutil.rmtree(path, ignore_errors=True)
    archive = build_archives()
    if a.print_env:
        print("\n".join(env_lines(archive)))
    if a.verify:
        import harness
        b = harness.bases()
        verify(archive, b["V2D_BASE_BOOKWORM_OCI"], b["V2D_BASE_BOOKWORM_TAG"])
        print("apt_archive.py: every variant behaves as expected under real apt-get", file=sys.stderr)
    if a.serve:
        srv = ArchiveServer(os.path.join(archive, "root"))
        print(f"serving {archive}/root at http://127.0.0.1:{srv.port}/ (Ctrl-C stops)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
