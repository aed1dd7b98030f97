#!/usr/bin/python3
"""bench/run --small: the benchmark script itself keeps working. It prints the table and
writes JSON with every row (a value, or "n/a" and why). Benchmarks are not timed tests:
no threshold is asserted here."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

ROWS = [
    "cold build to an OCI layout (fresh cache)",
    "cold build, venv + project only (no --python-from)",
    "rebuild, nothing changed",
    "rebuild, one project file changed",
    "rebuild, one package changed",
    "first push",
    "second push, nothing changed",
    "third push (after both changes)",
    "peak memory, cold build (max RSS)",
]


class BenchSmall(h.Case):
    def test_small_bench_prints_and_writes_every_row(self):
        out = self.path("results.json")
        env = dict(h.scrubbed_env(), V2D_BIN=h.v2d_bin(),
                   V2D_BENCH_STATE=os.path.join(h.STATE, "bench"))
        p = subprocess.run([os.path.join(h.REPO, "bench", "run"), "--small", "--json", out], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=1200)
        self.assertEqual(p.returncode, 0, f"bench/run --small failed:\n{p.stdout}\n{p.stderr}")
        for name in ROWS + ["tar | pigz -6", "buildah", "skopeo copy"]:
            self.assertIn(name, p.stdout)
        with open(out) as f:
            result = json.load(f)
        names = [row["name"] for row in result["rows"]]
        for name in ROWS:
            self.assertIn(name, names)
        self.assertTrue(result["fixture"]["small"])
        self.assertGreater(result["fixture"]["files"], 0)
        self.assertGreater(result["machine"]["nproc"], 0)
        for row in result["rows"]:
            with self.subTest(row=row["name"], peer=row["peer"]):
                # --small builds on scratch only; every row says so (the full run adds real-base rows).
                self.assertEqual(row["base"], "scratch")
                # Every row has a measure, or says why not.
                if row["venv2docker"] is None:
                    self.assertIn("n/a", row["note"])
                if row["peer"] and row["peer_value"] is None:
                    self.assertTrue(row["note"], "a peer without a value must say why")
        # Both cold builds are timed beside tar | pigz over the tree they pack.
        for name, peer in (("cold build to an OCI layout (fresh cache)", "tar | pigz -6 over the same tree"),
                           ("cold build, venv + project only (no --python-from)", "tar | pigz -6")):
            cold = next(r for r in result["rows"] if r["name"] == name and r["peer"] == peer)
            self.assertIsNotNone(cold["venv2docker"], name)
            self.assertIsNotNone(cold["peer_value"], name)
        unchanged = next(r for r in result["rows"] if r["name"] == "rebuild, nothing changed")
        self.assertTrue(unchanged["same_digests"], unchanged["note"])
        again = next(r for r in result["rows"] if r["name"] == "second push, nothing changed")
        self.assertEqual(again["registry_blob_bytes"], 0, again["note"])  # a fact about the push, not a timing
        package = next(r for r in result["rows"] if r["name"] == "rebuild, one package changed")
        self.assertEqual(package["layers_changed"], 1, package["note"])  # a fact about layers, not a timing


if __name__ == "__main__":
    unittest.main()
