#!/usr/bin/python3
"""The project/.venv layout of uv, poetry (in-project), pdm and hatch, made for real:
`python3 -m venv .venv` inside a project with a pyproject.toml, the project installed in
it editable with the venv's own pip, offline. venv2docker finds ./.venv with no argument,
takes the folder the venv is in as the project (a project layer without the venv), names
the image from [project].name, tags it from [project].version, and runs the project's one
console script by default: docker runs the image with no command and the script answers.
A pyproject.toml that is no TOML is an error naming its line. Debian's Poetry (1.x, its
metadata in [tool.poetry]) with virtualenvs.in-project makes the same layout: its editable
install's RECORD lists absolute host paths, which are relocated like the rest."""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402

WHEELS = "/usr/share/python-wheels"
PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "Hello_World.App"
version = "1.2.0+local.7"

[project.scripts]
hello-world-app = "hello_world_app:main"

[tool.setuptools]
packages = ["hello_world_app"]
"""
GREETING = "hello from the project in /app"
POETRY_PYPROJECT = """\
[tool.poetry]
name = "Poetry_Demo"
version = "0.3.1"
description = ""
authors = ["Dev <dev@example.com>"]
packages = [{include = "demo_app"}]

[tool.poetry.dependencies]
python = "^3.11"

[tool.poetry.scripts]
poetry-demo = "demo_app.main:run"

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
"""


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if p.returncode != 0:
        raise h.SetupError(f"{' '.join(cmd)} failed:\n{p.stdout}")
    return p.stdout


def make_project(folder, pyproject=PYPROJECT, install=True):
    """A project with its venv in .venv, made as `python3 -m venv .venv` and
    `.venv/bin/pip install -e .` make it (offline: Debian's wheels)."""
    os.makedirs(os.path.join(folder, "hello_world_app"))
    with open(os.path.join(folder, "pyproject.toml"), "w") as f:
        f.write(pyproject)
    with open(os.path.join(folder, "hello_world_app", "__init__.py"), "w") as f:
        f.write(f"def main():\n    print({GREETING!r} if __file__.startswith('/app/') else __file__)\n")
    with open(os.path.join(folder, "README.md"), "w") as f:
        f.write("a project\n")
    run(["/usr/bin/python3", "-m", "venv", os.path.join(folder, ".venv")])
    if install:
        pip = os.path.join(folder, ".venv", "bin", "pip")
        run([pip, "install", "-q", "--no-index", "--find-links", WHEELS, "wheel"])
        run([pip, "install", "-q", "--no-index", "--no-build-isolation", "-e", folder])


class ProjectVenv(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = os.path.join(cls.ctmp, "hello-project")
        make_project(cls.project)

    def test_no_argument_in_the_project_builds_it_named_tagged_and_runnable(self):
        archive = self.path("image.tar")
        r = h.v2d("--json", "-b", h.bookworm_oci_ref(), "-o", f"docker-archive:{archive}", cwd=self.project)
        js = r.json()
        self.assertEqual(js["name"], "hello-world-app", r.describe())
        self.assertEqual(js["tag"], "1.2.0-local.7", r.describe())
        image = validate_image(archive, report=js)
        layout = image.layout
        base_count = len(h.ImageLayout(h.bases()["V2D_BASE_BOOKWORM_OCI"]).manifest()["layers"])
        files = layout.merged_members(layout.top_layers(base_count))
        for present in ("app/pyproject.toml", "app/README.md", "app/hello_world_app/__init__.py",
                        "opt/venv/pyvenv.cfg", "opt/venv/bin/hello-world-app"):
            self.assertIn(present, files)
        self.assertFalse([p for p in files if p.startswith("app/.venv")], "the venv went into the project layer")
        config = layout.config()
        self.assertEqual(config["config"]["Cmd"], ["hello-world-app"])
        h.ensure_base_loaded()
        loaded = h.docker_load(archive)
        self.addCleanup(h.docker, "rmi", "-f", loaded, check=False)
        self.assertEqual(h.docker_run(loaded).strip(), GREETING)

    def test_flags_win_over_pyproject(self):
        out = self.path("out")
        js, r = h.build("-n", "chosen/name", "-t", "v9", "--cmd", "python3", "-o", f"oci:{out}", project=False,
                        venv=os.path.join(self.project, ".venv"))
        self.assertEqual((js["name"], js["tag"]), ("chosen/name", "v9"), r.describe())
        layout = validate_image(out, report=js).layout
        self.assertEqual(layout.config()["config"]["Cmd"], ["python3"])
        # No --project: the folder the venv is in is the project...
        base_count = len(h.ImageLayout(h.bases()["V2D_BASE_BOOKWORM_OCI"]).manifest()["layers"])
        self.assertIn("app/pyproject.toml", layout.merged_members(layout.top_layers(base_count)))
        # ...and --no-project leaves it out (a project not installed in its venv: an
        # editable install's source that holds the venv is never copied instead).
        project = self.path("left-out")
        make_project(project, install=False)
        out2 = self.path("out2")
        js2, r2 = h.build("--no-project", "-o", f"oci:{out2}", project=False, venv=os.path.join(project, ".venv"))
        self.assertEqual(js2["name"], "left-out", r2.describe())
        layout2 = validate_image(out2, report=js2).layout
        self.assertFalse([p for p in layout2.merged_members(layout2.top_layers(base_count)) if p.startswith("app/")])

    def test_a_venv_named_on_the_command_line_finds_its_project_too(self):
        out = self.path("out")
        r = h.v2d("--json", "-b", h.bookworm_oci_ref(), "-o", f"oci:{out}", os.path.join(self.project, ".venv"))
        self.assertEqual((r.json()["name"], r.json()["tag"]), ("hello-world-app", "1.2.0-local.7"), r.describe())

    def test_an_uninstalled_script_keeps_the_base_command_with_a_warning(self):
        project = self.path("not-installed")
        make_project(project, install=False)
        out = self.path("out")
        r = h.v2d("--json", "-b", h.bookworm_oci_ref(), "-o", f"oci:{out}", cwd=project)
        self.assertIn("has no bin/hello-world-app", r.stderr, r.describe())
        base_cmd = h.ImageLayout(h.bases()["V2D_BASE_BOOKWORM_OCI"]).config()["config"].get("Cmd")
        self.assertEqual(validate_image(out, report=r.json()).layout.config()["config"].get("Cmd"), base_cmd)

    def test_a_project_folder_name_names_an_image_without_pyproject_name(self):
        project = self.path("Setup_Py.Project")
        os.makedirs(project)
        with open(os.path.join(project, "setup.py"), "w") as f:
            f.write("from setuptools import setup\nsetup(name='x')\n")
        run(["/usr/bin/python3", "-m", "venv", "--without-pip", os.path.join(project, ".venv")])
        r = h.v2d("--json", "-b", h.bookworm_oci_ref(), "-o", f"oci:{self.path('out')}", cwd=project)
        self.assertEqual((r.json()["name"], r.json()["tag"]), ("setup-py-project", "latest"), r.describe())

    def test_a_pyproject_that_is_no_toml_names_its_line(self):
        project = self.path("broken")
        make_project(project, pyproject=PYPROJECT.replace('version = "1.2.0+local.7"', 'version = 1.2.0+'),
                     install=False)
        r = h.v2d("-b", h.bookworm_oci_ref(), "-o", f"oci:{self.path('out')}", cwd=project, expect=3)
        self.assertIn("venv2docker: error: cannot read " + os.path.join(project, "pyproject.toml") + ": line 7",
                      r.stderr, r.describe())
        self.assertFalse(os.path.exists(self.path("out")))

    def test_a_poetry_in_project_venv(self):
        project = self.path("poetry-demo")
        os.makedirs(os.path.join(project, "demo_app"))
        with open(os.path.join(project, "pyproject.toml"), "w") as f:
            f.write(POETRY_PYPROJECT)
        open(os.path.join(project, "demo_app", "__init__.py"), "w").close()
        with open(os.path.join(project, "demo_app", "main.py"), "w") as f:
            f.write(f"def run():\n    print({GREETING!r} if __file__.startswith('/app/') else __file__)\n")
        # Poetry as a user runs it, offline (the project has no dependencies), with a HOME
        # of its own for its settings and cache.
        home = self.path("poetry-home")
        os.makedirs(home)
        env = {"PATH": "/usr/bin:/bin", "HOME": home}
        run(["poetry", "config", "virtualenvs.in-project", "true"], cwd=project, env=env)
        run(["poetry", "install", "--no-interaction"], cwd=project, env=env)
        record = [os.path.join(d, "RECORD") for d, _, names in os.walk(os.path.join(project, ".venv"))
                  if d.endswith("poetry_demo-0.3.1.dist-info") and "RECORD" in names]
        with open(record[0]) as f:
            self.assertTrue(f.read().startswith(project + "/.venv/"), "Poetry lists absolute host paths")
        archive = self.path("image.tar")
        r = h.v2d("--json", "-b", h.bookworm_oci_ref(), "-o", f"docker-archive:{archive}", cwd=project)
        js = r.json()
        self.assertEqual((js["name"], js["tag"]), ("poetry-demo", "0.3.1"), r.describe())
        self.assertNotIn("still names", r.stderr, r.describe())
        layout = validate_image(archive, report=js).layout
        self.assertEqual(layout.config()["config"]["Cmd"], ["poetry-demo"])
        base_count = len(h.ImageLayout(h.bases()["V2D_BASE_BOOKWORM_OCI"]).manifest()["layers"])
        files = layout.merged_members(layout.top_layers(base_count))
        self.assertIn("app/demo_app/main.py", files)
        self.assertFalse([p for p in files if p.startswith("app/.venv")], "the venv went into the project layer")
        h.ensure_base_loaded()
        loaded = h.docker_load(archive)
        self.addCleanup(h.docker, "rmi", "-f", loaded, check=False)
        self.assertEqual(h.docker_run(loaded).strip(), GREETING)
        # The RECORD in the image names image paths, each with the hash of the file as relocated.
        check = ("import base64, csv, hashlib\n"
                 "record = '/opt/venv/lib/python3.11/site-packages/poetry_demo-0.3.1.dist-info/RECORD'\n"
                 "for path, digest, size in csv.reader(open(record)):\n"
                 "    if not digest: continue\n"
                 "    data = open(path, 'rb').read()\n"
                 "    ok = digest == 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(data).digest())"
                 ".rstrip(b'=').decode() and int(size) == len(data)\n"
                 "    print(path, 'ok' if ok else 'MISMATCH')\n")
        listed = h.docker_run(loaded, "/opt/venv/bin/python", "-c", check)
        self.assertIn("/opt/venv/bin/poetry-demo ok", listed)
        self.assertNotIn("MISMATCH", listed)

    def test_no_venv_anywhere_says_where_it_looked(self):
        empty = self.path("empty")
        os.makedirs(empty)
        r = h.v2d("--check", cwd=empty, expect=2)
        self.assertIn("no ./.venv", r.stderr, r.describe())


if __name__ == "__main__":
    unittest.main(verbosity=2)
