#!/usr/bin/python3
"""[tool.venv2docker] in a real project's pyproject.toml, beside its .venv (made with
`python3 -m venv .venv`): a build with no flags but the base and the output takes the
image's name, tag, entrypoint, command, environment and labels from it; a flag on the
command line wins over the file; --print-config shows each setting and where it came from;
an unknown key and a value of the wrong type stop the build (exit 2) naming the file, the
line and the key, before anything is written."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402

SETTINGS = """\
[project]
name = "configured"
version = "0.1"

[tool.venv2docker]
name = "team/configured-app"
tag = "from-file"
entrypoint = "/opt/venv/bin/python3"
cmd = ["-m", "http.server", "8000"]
env = { APP_MODE = "production" }
label = { "org.opencontainers.image.source" = "https://example.org/app", team = "core" }
ports = [8000]
exclude = ["notes.txt"]
"""


def make_project(folder, pyproject):
    os.makedirs(folder)
    with open(os.path.join(folder, "pyproject.toml"), "w") as f:
        f.write(pyproject)
    with open(os.path.join(folder, "notes.txt"), "w") as f:
        f.write("left out by the file's exclude\n")
    with open(os.path.join(folder, "app.py"), "w") as f:
        f.write("print('app')\n")
    p = subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", os.path.join(folder, ".venv")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise h.SetupError("python3 -m venv failed:\n" + p.stdout)


class ConfigFile(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = os.path.join(cls.ctmp, "configured")
        make_project(cls.project, SETTINGS)

    def test_the_image_takes_its_settings_from_pyproject(self):
        out = self.path("out")
        r = h.v2d("--json", "-b", h.bookworm_oci_ref(), "-o", f"oci:{out}", cwd=self.project)
        js = r.json()
        self.assertEqual((js["name"], js["tag"]), ("team/configured-app", "from-file"), r.describe())
        layout = validate_image(out, report=js).layout
        config = layout.config()["config"]
        self.assertEqual(config["Entrypoint"], ["/opt/venv/bin/python3"])
        self.assertEqual(config["Cmd"], ["-m", "http.server", "8000"])
        env = h.env_list_to_dict(config["Env"])
        self.assertEqual(env["APP_MODE"], "production")
        self.assertEqual(config["Labels"]["org.opencontainers.image.source"], "https://example.org/app")
        self.assertEqual(config["Labels"]["team"], "core")
        self.assertIn("8000/tcp", config["ExposedPorts"])
        base_count = len(h.ImageLayout(h.bases()["V2D_BASE_BOOKWORM_OCI"]).manifest()["layers"])
        files = layout.merged_members(layout.top_layers(base_count))
        self.assertIn("app/app.py", files)
        self.assertNotIn("app/notes.txt", files)

    def test_flags_win_over_the_file_and_the_file_over_the_defaults(self):
        out = self.path("out")
        r = h.v2d("--json", "-b", h.bookworm_oci_ref(), "-o", f"oci:{out}", "-t", "from-flag", "--cmd", "app.py",
                  os.path.join(self.project, ".venv"))
        js = r.json()
        self.assertEqual((js["name"], js["tag"]), ("team/configured-app", "from-flag"), r.describe())
        config = validate_image(out, report=js).layout.config()["config"]
        self.assertEqual(config["Cmd"], ["app.py"])
        self.assertEqual(config["Entrypoint"], ["/opt/venv/bin/python3"])

    def test_print_config_shows_each_setting_and_where_it_came_from(self):
        pyproject = os.path.join(self.project, "pyproject.toml")
        r = h.v2d("--print-config", "-t", "from-flag", "--load", cwd=self.project)
        lines = r.stdout.splitlines()
        self.assertIn('tag = "from-flag"  # command line', lines, r.describe())
        self.assertIn("load = true  # command line", lines)
        self.assertIn(f'name = "team/configured-app"  # {pyproject}:6', lines)
        self.assertIn(f'cmd = ["-m", "http.server", "8000"]  # {pyproject}:9', lines)
        self.assertIn('compression-level = "6"  # default', lines)
        self.assertIn("push = false  # default", lines)
        self.assertEqual(r.stderr, "")

    def test_an_unknown_key_stops_with_the_nearest_key(self):
        project = self.path("typo")
        make_project(project, SETTINGS.replace("entrypoint =", "entrypiont ="))
        out = self.path("out")
        r = h.v2d("-b", h.bookworm_oci_ref(), "-o", f"oci:{out}", cwd=project, expect=2)
        pyproject = os.path.join(project, "pyproject.toml")
        self.assertIn(f"venv2docker: error: {pyproject}:8: [tool.venv2docker] has an unknown key entrypiont",
                      r.stderr, r.describe())
        self.assertIn("venv2docker: hint: did you mean entrypoint?", r.stderr)
        self.assertFalse(os.path.exists(out))

    def test_a_value_of_the_wrong_type_stops_naming_the_key(self):
        project = self.path("wrong-type")
        make_project(project, SETTINGS + "load = \"yes\"\nmax-layers = 0\n")
        r = h.v2d("-b", h.bookworm_oci_ref(), "-o", f"oci:{self.path('out')}", cwd=project, expect=2)
        self.assertIn(os.path.join(project, "pyproject.toml") + ":14: [tool.venv2docker] load is a single value, "
                      "but --load is a switch", r.stderr, r.describe())
        project2 = self.path("out-of-range")
        make_project(project2, SETTINGS + "max-layers = 0\n")
        r2 = h.v2d("-b", h.bookworm_oci_ref(), "-o", f"oci:{self.path('out2')}", cwd=project2, expect=2)
        self.assertIn(os.path.join(project2, "pyproject.toml") + ":14: [tool.venv2docker] max-layers", r2.stderr,
                      r2.describe())
        self.assertFalse(os.path.exists(self.path("out2")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
