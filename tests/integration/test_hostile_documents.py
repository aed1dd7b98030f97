#!/usr/bin/python3
"""Bases that are built to hurt (issue 16, defects 10, 11 and 12).

- A base layer whose files under /etc/apt hold more than the index keeps (each file within
  the 16 MiB a file may hold, together beyond the total): refused, naming the layer.
- A base layer with one member more than an archive may hold: refused, naming the layer.
- A document that is an index and a manifest at once (CVE-2021-41190), from a registry and
  from an OCI layout: refused, naming the source. The layout's is made by hand on purpose,
  and so is the registry, a small server here: docker-registry refuses to store one.
- A registry whose error `message`/`detail` and `Warning` header hold terminal escapes
  (a window title, a clear-screen, a C1 CSI): nothing of them reaches stderr as a control
  character; the text itself does."""
import hashlib
import http.server
import json
import os
import sys
import threading
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from image_model import MEDIA_TYPES, Entry, Layer  # noqa: E402
from image_writers import write_oci_layout  # noqa: E402
from random_images import random_image  # noqa: E402

# tar/archive_reader.h: k_max_archive_members.
MAX_ARCHIVE_MEMBERS = 1 << 20
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m\u009b1m"


def ambiguous_document():
    """An image manifest that also carries a manifests list, and no mediaType."""
    image = random_image(seed=16, layers=1)
    document = dict(image.manifest)
    del document["mediaType"]
    document["manifests"] = [image.descriptor()]
    return image, json.dumps(document).encode()


def many_members_layer(count, path):
    """A gzipped layer of `count` members, one empty file written again and again, streamed
    to `path` (a ustar header made here: tarfile would take minutes for a million members,
    and half a GiB of tar need not be in memory; the reader counts members, whatever their
    names)."""
    def field(value, width):
        return b"%0*o\0" % (width - 1, value)
    before = b"m/empty".ljust(100, b"\0") + field(0o644, 8) + field(0, 8) + field(0, 8) + field(0, 12) + field(0, 12)
    after = b"0" + bytes(100) + b"ustar\0" + b"00" + bytes(247)
    header = before + b"%06o\0 " % (sum(before) + sum(after) + 8 * ord(" ")) + after
    diff_id, digest = hashlib.sha256(), hashlib.sha256()
    gzip = zlib.compressobj(1, zlib.DEFLATED, 31)
    size = 0
    with open(path, "wb") as out:
        def write(tar_bytes):
            nonlocal size
            diff_id.update(tar_bytes)
            blob = gzip.compress(tar_bytes)
            digest.update(blob)
            out.write(blob)
            size += len(blob)
        chunk = header * 4096
        for _ in range(count // 4096):
            write(chunk)
        write(header * (count % 4096) + bytes(1024))
        blob = gzip.flush()
        digest.update(blob)
        out.write(blob)
        size += len(blob)
    return Layer(MEDIA_TYPES["oci"]["gzip"], "sha256:" + digest.hexdigest(), size, "sha256:" + diff_id.hexdigest(),
                 path=path)


class HostileRegistry(http.server.BaseHTTPRequestHandler):
    """/v2/ answers with a Warning; /v2/ambiguous/manifests/* serves the ambiguous document
    as plain JSON; anything else is a 404 whose errors hold terminal escapes."""
    document = b""

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        # As UTF-8 bytes: send_header would encode the value as Latin-1.
        self._headers_buffer.append(b'Warning: 299 - "' + ESCAPES.encode() + b'deprecated"\r\n')
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        if self.path == "/v2/":
            self.send(200, b"{}")
        elif self.path.startswith("/v2/ambiguous/manifests/"):
            self.send(200, self.document)
        else:
            errors = {"errors": [{"code": "MANIFEST_UNKNOWN" + ESCAPES, "message": "no such image" + ESCAPES,
                                  "detail": {"why": ESCAPES + "\u0085line"}}]}
            self.send(404, json.dumps(errors, ensure_ascii=False).encode())

    do_HEAD = do_GET


class HostileDocuments(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.image, HostileRegistry.document = ambiguous_document()
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostileRegistry)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.registry = f"127.0.0.1:{cls.server.server_address[1]}"

    def check(self, base, expect=3):
        f = h.fixtures()
        return h.v2d("--check", "--cache-dir", self.path("cache"), "-b", base, "--no-project", f["V2D_VENV_DEMO"],
                     expect=expect)

    def test_selected_files_beyond_the_total_are_refused(self):
        sixteen_mib = 16 << 20
        big = Layer.from_entries([Entry(f"etc/apt/apt.conf.d/{i:02d}-big", data=b"\0" * sixteen_mib)
                                  for i in range(5)])
        image = random_image(seed=10, layers=1).append(big, "five files of 16 MiB under /etc/apt")
        layout = self.path("layout")
        write_oci_layout(layout, {"t": image})
        res = self.check(f"oci:{layout}:t")
        self.assertIn("64 MiB", res.stderr)
        self.assertIn(big.digest, res.stderr)

    def test_a_layer_with_too_many_members_is_refused(self):
        many = many_members_layer(MAX_ARCHIVE_MEMBERS + 1, self.path("many.tar.gz"))
        image = random_image(seed=11, layers=1).append(many, "a million and one members")
        layout = self.path("layout")
        write_oci_layout(layout, {"t": image})
        res = self.check(f"oci:{layout}:t")
        self.assertIn(f"more than {MAX_ARCHIVE_MEMBERS} members", res.stderr)
        self.assertIn(many.digest, res.stderr)

    def test_ambiguous_document_from_a_registry(self):
        res = self.check(f"{self.registry}/ambiguous:1")
        self.assertIn("both a manifests list", res.stderr)
        self.assertIn(f"{self.registry}/ambiguous:1", res.stderr)
        digest = "sha256:" + hashlib.sha256(HostileRegistry.document).hexdigest()
        res = self.check(f"{self.registry}/ambiguous@{digest}")
        self.assertIn("both a manifests list", res.stderr)

    def test_ambiguous_document_from_an_oci_layout(self):
        layout = self.path("layout")
        write_oci_layout(layout, {"t": self.image})
        digest = "sha256:" + hashlib.sha256(HostileRegistry.document).hexdigest()
        with open(os.path.join(layout, "blobs", "sha256", digest.split(":")[1]), "wb") as f:
            f.write(HostileRegistry.document)
        with open(os.path.join(layout, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "manifests": [{"digest": digest, "size": len(HostileRegistry.document),
                       "annotations": {"org.opencontainers.image.ref.name": "t"}}]}, f)
        res = self.check(f"oci:{layout}:t")
        self.assertIn("both a manifests list", res.stderr)
        self.assertIn(layout, res.stderr)

    def test_registry_text_reaches_stderr_without_control_characters(self):
        res = self.check(f"{self.registry}/missing:1")
        self.assertIn("no such image", res.stderr)
        self.assertIn("deprecated", res.stderr)
        for control in ("\x1b", "\x07", "\u009b", "\u0085"):
            self.assertNotIn(control, res.stderr)


if __name__ == "__main__":
    unittest.main()
