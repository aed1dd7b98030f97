#!/usr/bin/python3
"""apt sources cached with HTTP validators: a build pays one conditional request per source.

`--check` of Debian's numpy in a venv onto the bookworm base lacks libblas.so.3 and
liblapack.so.3, so venv2docker reads its apt sources (two here: the signed local archives'
good/ and tampered/ variants, both validly signed, served on loopback by apt_archive.py's
ArchiveServer, which logs every request with its conditional headers) to suggest
`--apt libblas3`. Against each kind of server (Last-Modified validators, or ETag-only):
- the second --check sends exactly one request per source, for InRelease, conditional
  (If-None-Match for an ETag, If-Modified-Since for a date), answered 304, and downloads
  no Packages index; the suggestion is the same;
- an InRelease changed on the server is fetched (200) and verified again: a newer
  Release signed by the test key is accepted (its indexes, unchanged, are not fetched
  again), one signed by a rogue key is refused although the cache holds a good copy;
- a cached InRelease whose bytes changed on disk is not revalidated: the next request is
  unconditional and the build goes on; a cached Packages index whose bytes changed is
  downloaded again, not read (both sources list the same index, stored once);
- a 304 to an unconditional request (no copy to stand for) is asked again and the build
  goes on."""
import datetime
import email.utils
import glob
import hashlib
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apt_archive as aa  # noqa: E402
import harness as h  # noqa: E402

ARCHIVE = None
VARIANTS = ("good", "tampered")  # two sources, both signed by the test key
PACKAGES_XZ = f"dists/{aa.SUITE}/{aa.COMPONENT}/binary-{aa.ARCH}/Packages.xz"


def setUpModule():
    global ARCHIVE
    ARCHIVE = aa.build_archives()


def inrelease_path(variant):
    return f"/{variant}/dists/{aa.SUITE}/InRelease"


class AptSourceCache(h.Case):

    def check(self, server, cache, expect=1, variants=VARIANTS):
        """--check of the numpy venv with `variants` of `server` as the only apt sources."""
        sources = []
        for variant in variants:
            sources += ["--apt-source",
                        f"deb [signed-by={aa.key_path(ARCHIVE)}] {server.url(variant)} {aa.SUITE} {aa.COMPONENT}"]
        b = h.bases()
        return h.v2d("--check", "-b", f"oci:{b['V2D_BASE_BOOKWORM_OCI']}:{b['V2D_BASE_BOOKWORM_TAG']}",
                     "--cache-dir", self.path(cache), *sources, "--apt-replace-sources",
                     h.fixtures()["V2D_VENV_SCI"], expect=expect)

    def assertSuggestsBlas(self, r):
        self.assertIn("--apt libblas3", r.stdout + r.stderr, r.describe())

    def copy_root(self, name):
        """A copy of the archives' root whose dists/ may be changed (pool/ linked)."""
        root = self.path(name)
        for variant in VARIANTS:
            os.makedirs(os.path.join(root, variant))
            os.symlink(os.path.join(ARCHIVE, "root", variant, "pool"), os.path.join(root, variant, "pool"))
            aa.shutil.copytree(os.path.join(ARCHIVE, "root", variant, "dists"), os.path.join(root, variant, "dists"))
        return root

    def test_second_check_sends_one_conditional_request_per_source(self):
        for etag, header in ((False, "If-Modified-Since"), (True, "If-None-Match")):
            with self.subTest(etag=etag), aa.ArchiveServer(os.path.join(ARCHIVE, "root"), etag=etag) as server:
                cache = f"cache-{etag}"
                self.assertSuggestsBlas(self.check(server, cache))
                first = server.requests()
                for variant in VARIANTS:
                    self.assertIn(("GET", inrelease_path(variant), 200), first, first)
                # Both list the same Packages.xz (same bytes): stored once, by its SHA-256.
                self.assertEqual(aa.index_or_deb_requests(first), [("GET", f"/good/{PACKAGES_XZ}", 200)], first)
                server.clear_log()
                self.assertSuggestsBlas(self.check(server, cache))
                log = server.requests_with_headers()
                self.assertEqual(sorted(path for _, path, _, _ in log), sorted(inrelease_path(v) for v in VARIANTS), log)
                for method, path, status, sent in log:
                    self.assertEqual((method, status), ("GET", 304), log)
                    self.assertIn(header, sent, log)

    def test_changed_inrelease_is_fetched_and_verified_again(self):
        root = self.copy_root("served")
        # The same archive, its Release re-signed with a later Date: a new InRelease.
        later = email.utils.format_datetime(aa.release_date(ARCHIVE) + datetime.timedelta(days=1), usegmt=True)
        newer = aa.resigned_copy(ARCHIVE, self.path("newer"), Date=later)
        served_inrelease = os.path.join(root, "good", "dists", aa.SUITE, "InRelease")
        with aa.ArchiveServer(root, etag=True) as server:
            self.check(server, "cache")
            with open(os.path.join(newer, "dists", aa.SUITE, "InRelease"), "rb") as f:
                newer_bytes = f.read()
            with open(served_inrelease, "wb") as f:
                f.write(newer_bytes)
            server.clear_log()
            self.assertSuggestsBlas(self.check(server, "cache"))
            log = server.requests_with_headers()
            self.assertIn(("GET", inrelease_path("good"), 200), [entry[:3] for entry in log], log)
            self.assertTrue(all("If-None-Match" in sent for _, _, _, sent in log), log)
            # Its Packages index is the one the cache holds: not downloaded again.
            self.assertEqual(aa.index_or_deb_requests(server.requests()), [], log)

            # A changed InRelease whose signature is not the archive's key's: refused,
            # although the cache holds a good copy.
            with open(os.path.join(ARCHIVE, "root", "badsig", "dists", aa.SUITE, "InRelease"), "rb") as f:
                rogue = f.read()
            with open(served_inrelease, "wb") as f:
                f.write(rogue)
            server.clear_log()
            r = self.check(server, "cache")
            self.assertIn(("GET", inrelease_path("good"), 200), server.requests(), server.requests())
            self.assertIn(f"cannot look up which Debian packages provide", r.stderr, r.describe())
            self.assertIn(f"{server.url('good')}/dists/{aa.SUITE}/InRelease", r.stderr, r.describe())
            self.assertNotIn("--apt libblas3", r.stdout + r.stderr, r.describe())

    def test_damaged_cached_copies_are_fetched_again(self):
        with aa.ArchiveServer(os.path.join(ARCHIVE, "root")) as server:
            self.check(server, "cache")
            records = glob.glob(os.path.join(self.path("cache"), "apt", "inrelease", "*.cbor"))
            self.assertEqual(len(records), len(VARIANTS), records)
            good_url = f"{server.url('good')}/dists/{aa.SUITE}/InRelease"
            record = os.path.join(self.path("cache"), "apt", "inrelease",
                                  hashlib.sha256(good_url.encode()).hexdigest() + ".cbor")
            self.assertIn(record, records)
            # One byte of the signed text changed in the record (same length: still a
            # well-formed record, only its copy of InRelease is wrong).
            with open(record, "rb") as f:
                data = f.read()
            self.assertIn(b"Suite: bookworm", data)
            with open(record, "wb") as f:
                f.write(data.replace(b"Suite: bookworm", b"Suite: bookwors", 1))
            # And the cached Packages index (both sources list the same one): bytes flipped
            # in the middle.
            with open(os.path.join(ARCHIVE, "root", "good", PACKAGES_XZ), "rb") as f:
                index_digest = hashlib.sha256(f.read()).hexdigest()
            blob = os.path.join(self.path("cache"), "blobs", "sha256", index_digest)
            with open(blob, "r+b") as f:
                size = os.fstat(f.fileno()).st_size
                f.seek(size // 2)
                chunk = f.read(16)
                f.seek(size // 2)
                f.write(bytes(b ^ 0xFF for b in chunk))

            server.clear_log()
            self.assertSuggestsBlas(self.check(server, "cache"))
            log = server.requests_with_headers()
            good = [entry for entry in log if entry[1] == inrelease_path("good")]
            self.assertEqual([(status, sent) for _, _, status, sent in good], [(200, {})], log)
            tampered = [entry for entry in log if entry[1] == inrelease_path("tampered")]
            self.assertEqual([status for _, _, status, _ in tampered], [304], log)
            self.assertEqual(aa.index_or_deb_requests(server.requests()),
                             [("GET", f"/good/{PACKAGES_XZ}", 200)], log)
            with open(blob, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), index_digest)

    def test_a_304_to_an_unconditional_request_is_asked_again(self):
        with aa.ArchiveServer(os.path.join(ARCHIVE, "root"), first_inrelease_304=True) as server:
            self.assertSuggestsBlas(self.check(server, "cache", variants=("good",)))
            log = server.requests_with_headers()
            inrelease = [(status, sent) for _, path, status, sent in log if path == inrelease_path("good")]
            self.assertEqual([status for status, _ in inrelease], [304, 200], log)
            self.assertEqual(inrelease[0][1], {}, log)


if __name__ == "__main__":
    unittest.main(verbosity=2)
