#!/usr/bin/python3
"""A Python 3.11 venv onto a base whose Python is 3.13 (Debian trixie) must be refused,
naming both versions, and leave no output behind."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


class VersionMismatch(h.Case):
    def test_311_venv_onto_313_base(self):
        b = h.bases(trixie=True)
        self.assertEqual(b["V2D_BASE_TRIXIE_PYTHON"], "3.13")
        self.assertEqual(h.fixtures()["V2D_HOST_PYTHON_VERSION"], "3.11")
        for base in (f"oci:{b['V2D_BASE_TRIXIE_OCI']}:{b['V2D_BASE_TRIXIE_TAG']}",
                     f"docker-archive:{b['V2D_BASE_TRIXIE_ARCHIVE']}"):
            with self.subTest(base=base):
                out = self.path("out.tar")
                r = h.v2d("-b", base, "--project", h.fixtures()["V2D_PROJECT"], "-o", f"docker-archive:{out}",
                          h.fixtures()["V2D_VENV_DEMO"], expect="nonzero")
                self.assertIn("venv2docker: error:", r.stderr, r.describe())
                self.assertIn("3.11", r.stderr, r.describe())
                self.assertIn("3.13", r.stderr, r.describe())
                self.assertEqual(os.listdir(self.tmp), [], "output left behind")


if __name__ == "__main__":
    unittest.main(verbosity=2)
