#!/usr/bin/python3
"""(f) Failures are reported as `venv2docker: error: ...` with a non-zero exit, name what
is wrong, and leave no output behind. Also the basic --version/--help contract."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


def project_version():
    with open(os.path.join(h.REPO, "meson.build")) as f:
        m = re.search(r"version\s*:\s*'([^']+)'", f.read())
    return m.group(1)


class Errors(h.Case):
    def assertCleanFailure(self, r, *mentions, code=None):
        if code is None:
            self.assertNotEqual(r.returncode, 0, r.describe())
        else:
            self.assertEqual(r.returncode, code, r.describe())
        self.assertIn("venv2docker: error:", r.stderr, r.describe())
        for m in mentions:
            self.assertIn(m, r.stderr, r.describe())
        self.assertEqual(r.stdout.strip(), "", "nothing on stdout on failure\n" + r.describe())

    def assertNothingLeft(self, folder, allowed):
        self.assertEqual(sorted(os.listdir(folder)), sorted(allowed), "output or temp files left behind")

    def test_folder_without_pyvenv_cfg(self):
        bogus = self.path("not-a-venv")
        os.makedirs(os.path.join(bogus, "bin"))
        with open(os.path.join(bogus, "bin", "python"), "w") as f:
            f.write("#!/bin/sh\n")
        for out in (f"oci:{self.path('out')}:t", f"docker-archive:{self.path('out.tar')}"):
            with self.subTest(output=out):
                r = h.v2d("-b", h.bookworm_oci_ref(), "-o", out, bogus, expect=None, cwd=self.tmp)
                self.assertCleanFailure(r, bogus)
                self.assertNothingLeft(self.tmp, ["not-a-venv"])

    def test_missing_name_under_workon_home(self):
        workon = self.path("workon")
        os.makedirs(workon)
        env = h.scrubbed_env(WORKON_HOME=workon)
        r = h.v2d("-b", h.bookworm_oci_ref(), "-o", f"oci:{self.path('out')}", "no-such-venv", env=env, expect=None, cwd=self.tmp)
        self.assertCleanFailure(r, "no-such-venv", code=2)
        self.assertNothingLeft(self.tmp, ["workon"])

    def test_no_venv_given_or_active(self):
        r = h.v2d("-b", h.bookworm_oci_ref(), "-o", f"oci:{self.path('out')}", expect=None, cwd=self.tmp)
        self.assertCleanFailure(r, code=2)
        self.assertNothingLeft(self.tmp, [])

    def test_missing_base_layout(self):
        missing = self.path("no-such-layout")
        r = h.v2d("-b", f"oci:{missing}:x", "--project", h.fixtures()["V2D_PROJECT"],
                  "-o", f"docker-archive:{self.path('out.tar')}", h.fixtures()["V2D_VENV_DEMO"], expect=None, cwd=self.tmp)
        self.assertCleanFailure(r, missing)
        self.assertNothingLeft(self.tmp, [])

    def test_missing_base_tag(self):
        r = h.v2d("-b", f"oci:{h.bases()['V2D_BASE_BOOKWORM_OCI']}:no-such-tag", "--project",
                  h.fixtures()["V2D_PROJECT"], "-o", f"oci:{self.path('out')}", h.fixtures()["V2D_VENV_DEMO"],
                  expect=None, cwd=self.tmp)
        self.assertCleanFailure(r, "no-such-tag")
        self.assertNothingLeft(self.tmp, [])

    def test_version(self):
        r = h.v2d("--version")
        self.assertIn(project_version(), r.stdout)

    def test_help_lists_the_options(self):
        r = h.v2d("--help")
        for opt in ("--name", "--tag", "--base", "--output", "--venv-path", "--project", "--project-path",
                    "--entrypoint", "--cmd", "--env", "--workdir", "--label", "--exclude", "--cache-dir",
                    "--json", "--quiet", "--verbose"):
            self.assertIn(opt, r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
