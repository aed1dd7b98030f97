#!/usr/bin/python3
"""(e) virtualenvwrapper: a venv found by name under $WORKON_HOME (or via $VIRTUAL_ENV),
its .project file picked up as the project, and the image named after the venv."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402


class Workon(h.Case):
    def check_image(self, js, out):
        f = h.fixtures()
        self.assertEqual(js["name"], f["V2D_WORKON_NAME"])
        self.assertEqual(js["tag"], "latest")
        layout = validate_image(out, report=js).layout
        base_count = len(h.ImageLayout(h.bases()["V2D_BASE_BOOKWORM_OCI"]).manifest()["layers"])
        files = layout.merged_members(layout.top_layers(base_count))
        for present in ("opt/venv/pyvenv.cfg", "opt/venv/bin/python", "app/app.py", "app/greet/__init__.py",
                        "app/data/keep.txt"):
            self.assertIn(present, files)
        for absent in ("app/secret.txt", "app/debug.log", "app/data/cache.tmp"):
            self.assertNotIn(absent, files)
        # The editable install now maps into /app.
        finder = [p for p in files if p.startswith("opt/venv/lib/python3.11/site-packages/__editable__")
                  and p.endswith("_finder.py")]
        self.assertEqual(len(finder), 1, finder)
        member, desc = files[finder[0]]
        text = layout.layer_file(desc, finder[0]).decode()
        self.assertIn("'greet': '/app/greet'", text)
        self.assertNotIn(f["V2D_PROJECT"], text)
        # .project names the project where the image has it, and no build warns about it.
        member, desc = files["opt/venv/.project"]
        self.assertEqual(layout.layer_file(desc, "opt/venv/.project"), b"/app\n")
        self.assertEqual([w for w in js["warnings"] if ".project" in w], [])

    def test_without_the_project_its_file_goes_quietly(self):
        f = h.fixtures()
        out = self.path("out")
        env = h.scrubbed_env(WORKON_HOME=f["V2D_WORKON_HOME"])
        js = h.v2d("--json", "--no-project", "-b", h.bookworm_oci_ref(), "-o", f"oci:{out}", f["V2D_WORKON_NAME"],
                   env=env).json()
        self.assertEqual([w for w in js["warnings"] if ".project" in w], [])
        layout = validate_image(out, report=js).layout
        base_count = len(h.ImageLayout(h.bases()["V2D_BASE_BOOKWORM_OCI"]).manifest()["layers"])
        files = layout.merged_members(layout.top_layers(base_count))
        self.assertIn("opt/venv/pyvenv.cfg", files)
        self.assertNotIn("opt/venv/.project", files)

    def test_name_under_workon_home(self):
        f = h.fixtures()
        out = self.path("out")
        env = h.scrubbed_env(WORKON_HOME=f["V2D_WORKON_HOME"])
        r = h.v2d("--json", "-b", h.bookworm_oci_ref(), "-o", f"oci:{out}", f["V2D_WORKON_NAME"], env=env)
        self.check_image(r.json(), out)

    def test_default_is_virtual_env(self):
        f = h.fixtures()
        out = self.path("out")
        env = h.scrubbed_env(VIRTUAL_ENV=f["V2D_VENV_WRAPPED"])
        r = h.v2d("--json", "-b", h.bookworm_oci_ref(), "-o", f"oci:{out}", env=env)
        self.check_image(r.json(), out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
