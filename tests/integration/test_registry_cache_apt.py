#!/usr/bin/python3
"""--apt through the registry cache (docs/registry-cache.md, "The --apt plan"): the record
maps a key of the sources' signed Releases (their InRelease, read now and checked), the base
and the request to the resolved plan, with the Date of each Release.

Against a real registry behind the counting proxy and the signed test archive served over
HTTP (apt_archive.py), each runner with an empty HOME and cache:
- a fresh runner with the first runner's record reads each source's InRelease and nothing else
  from the archive (no Packages index, no .deb), compresses and uploads no layer, and pushes the
  first runner's image;
- a new Release published in between (same archive, signed again with a later Date) is a
  miss: the plan is made again from the Packages index, into the same image (the same .debs: the
  apt layer is still the record's), and the record that runner writes serves the next one;
- what unpacking the packages warned of (members named like whiteouts) is said again by a
  fresh runner that takes the apt layer from the record and unpacks nothing;
- a record whose plan is corrupt (a package from another host, a name that is no Debian
  package name) is a warning and a normal build of the same image, with no request to that host."""
import copy
import datetime
import email.utils
import lzma
import os
import shutil
import sys
import unittest

import cbor2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apt_archive as aa  # noqa: E402
import registries as r  # noqa: E402
from test_registry_cache import RECORD_TYPE, Runners  # noqa: E402

INRELEASE = "/good/dists/{suite}/InRelease"


def index_requests(log):
    """Requests for a Packages or Contents index (the catalog a plan is made from)."""
    return [e for e in log if "/Packages" in e[1] or "/Contents-" in e[1]]


class AptPlanInTheRecord(Runners):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.archive = aa.build_archives()

    def setUp(self):
        super().setUp()
        # The archive as its own copy (dists/ signed again, pool/ linked), so a test can publish
        # a new Release at the same URL.
        self.served = self.path("served")
        aa.resigned_copy(self.archive, self.served)
        self.server = aa.ArchiveServer(self.served)
        self.addCleanup(self.server.stop)

    def publish_new_release(self, days_later):
        """The archive's Release signed again with a Date `days_later` after the original's, at the same URL."""
        shutil.rmtree(os.path.join(self.served, "good"))
        date = aa.release_date(self.archive) + datetime.timedelta(days=days_later)
        aa.resigned_copy(self.archive, self.served, Date=email.utils.format_datetime(date, usegmt=True))

    def put_changed_record(self, manifest, body, tag):
        """The record artifact `manifest` with `body` as its record (CBOR, xz) under REPO-cache:TAG."""
        manifest = copy.deepcopy(manifest)
        descriptor = next(l for l in manifest["layers"] if l["mediaType"] == RECORD_TYPE)
        return self.put_record(manifest, descriptor, lzma.compress(cbor2.dumps(body)), tag)

    def apt_runner(self, *args, package="jq"):
        sources = ["--apt", package, "--apt-replace-sources", "--apt-source",
                   f"deb [signed-by={aa.key_path(self.archive)}] {self.server.url()} {aa.SUITE} {aa.COMPONENT}"]
        self.server.clear_log()
        r.read_log(self.proxy.requests)
        js, res, cache = self.runner(self.proxy.addr, *sources, *args)
        return js, res, cache, self.server.requests(), r.read_log(self.proxy.requests)

    def assert_took_the_plan(self, js, res, cache, archive_log, registry_log, first):
        self.assertEqual(js["manifest_digest"], first["manifest_digest"], res.stderr)
        self.assertEqual(js["warnings"], [])
        # One request: the InRelease. No Packages index (the plan is the record's) and no .deb
        # (the apt layer is the record's, found by the plan's files key, and so is the venv stage
        # whose checks would read the packages' files).
        self.assertEqual([path for _, path, _ in archive_log], [INRELEASE.format(suite=aa.SUITE)], archive_log)
        self.assert_moved_nothing(registry_log, js)
        self.assertEqual(self.stored_layers(cache, js), [], "no layer compressed or downloaded by the fresh runner")

    def test_fresh_runner_takes_the_plan_and_the_apt_layer(self):
        cache_ref = f"{self.proxy.addr}/{self.repo}-cache:main"
        first, res, _, log, _ = self.apt_runner("--cache-to", cache_ref)
        self.assertTrue(index_requests(log), "the first runner read the Packages index")
        self.assertIn("jq", [p["package"] for p in first["apt_packages"]], res.stderr)

        self.assert_took_the_plan(*self.apt_runner("--cache-from", cache_ref, "--cache-to", cache_ref), first)

    def test_a_fresh_runner_says_what_unpacking_said(self):
        # v2d-whiteouts holds members named like whiteouts, which unpacking leaves out with a
        # warning each. A runner that takes the apt layer from the record unpacks nothing, and
        # says them all the same, from the record.
        cache_ref = f"{self.proxy.addr}/{self.repo}-cache:main"
        first, res, _, log, _ = self.apt_runner("--cache-to", cache_ref, package="v2d-whiteouts")
        self.assertTrue(any(path.endswith(".deb") for _, path, _ in log), log)
        self.assertEqual(len(first["warnings"]), 2, res.stderr)
        self.assertTrue(all("whiteout" in w for w in first["warnings"]), first["warnings"])

        js, res, cache, log, registry_log = self.apt_runner("--cache-from", cache_ref, package="v2d-whiteouts")
        self.assertEqual(js["manifest_digest"], first["manifest_digest"], res.stderr)
        self.assertEqual([path for _, path, _ in log], [INRELEASE.format(suite=aa.SUITE)], "no .deb fetched")
        self.assertEqual(js["warnings"], first["warnings"])
        for warning in first["warnings"]:
            self.assertIn("venv2docker: warning: " + warning, res.stderr)
        self.assert_moved_nothing(registry_log, js)
        self.assertEqual(self.stored_layers(cache, js), [])

    def test_a_new_release_is_planned_again(self):
        cache_ref = f"{self.proxy.addr}/{self.repo}-cache:main"
        first, _, _, _, _ = self.apt_runner("--cache-to", cache_ref)
        self.publish_new_release(days_later=1)

        js, res, _, log, _ = self.apt_runner("--cache-from", cache_ref, "--cache-to", cache_ref)
        self.assertTrue(index_requests(log), "a new Release: the plan is made again from the Packages index")
        self.assertEqual(js["warnings"], [])
        self.assertEqual(js["manifest_digest"], first["manifest_digest"], res.stderr)

        # The record that runner wrote holds the plan for the new Release.
        self.assert_took_the_plan(*self.apt_runner("--cache-from", cache_ref), first)

    def test_a_corrupt_plan_warns_and_plans_again(self):
        cache_ref = f"{self.proxy.addr}/{self.repo}-cache:main"
        first, _, _, _, _ = self.apt_runner("--cache-to", cache_ref)
        manifest, descriptor = self.record_manifest("main")
        body = cbor2.loads(lzma.decompress(self.record_blob(descriptor)))
        self.assertEqual(len(body["apt_plans"]), 1, body["apt_plans"])
        plan = body["apt_plans"][0][1]
        self.assertIn("jq", [p["name"] for p in plan["packages"]])
        corruptions = {
            "elsewhere": ("archive_uri", "http://127.0.0.2:9/debian", "none of the apt sources"),
            "badname": ("name", "JQ;rm", "is not a Debian package name"),
            "baddigest": ("sha256", "../../etc/passwd", "has no valid SHA-256"),
        }
        for tag, (field, value, message) in corruptions.items():
            with self.subTest(tag):
                changed = cbor2.loads(cbor2.dumps(body))
                changed["apt_plans"][0][1]["packages"][0][field] = value
                ref = self.put_changed_record(manifest, changed, tag)
                js, res, cache, log, _ = self.apt_runner("--cache-from", ref)
                self.assertIn(f"the --apt plan in the cache record of {ref}", res.stderr)
                self.assertIn(message, res.stderr)
                self.assertIn("resolving the --apt request again", res.stderr)
                self.assertTrue(index_requests(log), "planned again from the Packages index")
                self.assertEqual(js["manifest_digest"], first["manifest_digest"], res.stderr)

        # A plan made from a Release of another Date (the Release read now is the same): refused too.
        changed = cbor2.loads(cbor2.dumps(body))
        changed["apt_plans"][0][1]["releases"][0]["date"] += 1
        ref = self.put_changed_record(manifest, changed, "olddate")
        js, res, _, log, _ = self.apt_runner("--cache-from", ref)
        self.assertIn("was made from another Release of", res.stderr)
        self.assertTrue(index_requests(log))
        self.assertEqual(js["manifest_digest"], first["manifest_digest"], res.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
