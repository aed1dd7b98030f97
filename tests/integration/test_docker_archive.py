#!/usr/bin/python3
"""(b) `-o docker-archive:FILE`: one tar that skopeo reads as a docker-archive, the schema
validator reads as an OCI layout, and dockerd loads and runs (no network in the container).
(c) The base given as `-b docker-archive:FILE` (a `docker save`-style tar) works too."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402

HELLO = "hello from /opt/venv (speedups=42)"
APP = "app.py in /app: greetings from the editable package"

# Run inside the container: facts about the interpreter, the venv and the project.
PROBE = r'''
import json, os, sys
import greet, hello, hello._speedups as sp
print(json.dumps({
    "prefix": sys.prefix, "base_prefix": sys.base_prefix, "executable": sys.executable,
    "version": "%d.%d" % sys.version_info[:2],
    "greet": greet.__file__, "hello": hello.__file__, "speedups": sp.__file__,
    "add": sp.add(2, 3), "cwd": os.getcwd(),
    "env": {k: os.environ.get(k) for k in ("PATH", "VIRTUAL_ENV", "GREETING", "MODE")},
    "exists": {p: os.path.lexists(p) for p in ("/app/app.py", "/app/data/keep.txt", "/app/secret.txt",
                                               "/app/debug.log", "/app/data/cache.tmp")},
}))
'''


class DockerArchiveOutput(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        h.services()
        cls.name = f"v2d-it-archive-{os.getpid()}"
        cls.archive = os.path.join(cls.ctmp, "image.tar")
        cls.js, _ = h.build("-n", cls.name, "-t", "t1", "-o", f"docker-archive:{cls.archive}",
                            "--cmd", "python", "--cmd", "app.py",
                            "-e", "GREETING=hi", "-e", "MODE=test", "--label", "org.example.fixture=archive")
        h.ensure_base_loaded()
        cls.image = cls.class_docker_load(cls.archive)

    def test_json_report(self):
        self.assertEqual(self.js["name"], self.name)
        self.assertEqual(self.js["tag"], "t1")
        self.assertEqual([(o["type"], os.path.realpath(o["path"])) for o in self.js["outputs"]],
                         [("docker-archive", os.path.realpath(self.archive))])
        validate_image(self.archive, report=self.js)

    def test_tar_is_docker_archive_and_oci_layout(self):
        layout = h.ImageLayout(self.archive)
        names = set(layout.names())
        for required in ("manifest.json", "oci-layout", "index.json"):
            self.assertIn(required, names)
        manifest_json = json.loads(layout.read("manifest.json"))
        self.assertEqual(len(manifest_json), 1)
        self.assertEqual(manifest_json[0]["RepoTags"], [f"{self.name}:t1"])
        config = layout.config()
        self.assertEqual(len(manifest_json[0]["Layers"]), len(config["rootfs"]["diff_ids"]))

    def test_skopeo_reads_archive(self):
        info = h.skopeo_inspect(f"docker-archive:{self.archive}")
        self.assertEqual((info["Labels"] or {}).get("org.example.fixture"), "archive")
        env = h.env_list_to_dict(info["Env"])
        self.assertTrue(env["PATH"].startswith("/opt/venv/bin:"), env["PATH"])
        self.assertEqual(env["VIRTUAL_ENV"], "/opt/venv")
        self.assertEqual((env["GREETING"], env["MODE"]), ("hi", "test"))

    def test_loaded_image_config(self):
        self.assertEqual(self.image, f"{self.name}:t1")
        cfg = json.loads(h.docker("image", "inspect", self.image).stdout)[0]["Config"]
        self.assertEqual(cfg["WorkingDir"], "/app")
        self.assertEqual(cfg["Cmd"], ["python", "app.py"])
        self.assertEqual((cfg["Labels"] or {}).get("org.example.fixture"), "archive")

    def test_console_script_runs(self):
        self.assertEqual(h.docker_run(self.image, "hello").strip(), HELLO)

    def test_default_cmd_runs_project_from_workdir(self):
        self.assertEqual(h.docker_run(self.image).strip(), APP)

    def test_venv_project_and_env_inside_container(self):
        # `python` from PATH, as a user would type it; sys.prefix is the venv in the image.
        facts = json.loads(h.docker_run(self.image, "python", "-c", PROBE))
        self.assertEqual(facts["prefix"], "/opt/venv")
        self.assertEqual(facts["base_prefix"], "/usr")
        self.assertTrue(facts["executable"].startswith("/opt/venv/bin/python"), facts["executable"])
        self.assertEqual(facts["version"], "3.11")
        self.assertEqual(facts["greet"], "/app/greet/__init__.py")
        self.assertTrue(facts["hello"].startswith("/opt/venv/lib/python3.11/site-packages/hello/"), facts["hello"])
        self.assertTrue(facts["speedups"].startswith("/opt/venv/lib/python3.11/site-packages/hello/_speedups"),
                        facts["speedups"])
        self.assertEqual(facts["add"], 5)
        self.assertEqual(facts["cwd"], "/app")
        self.assertTrue(facts["env"]["PATH"].startswith("/opt/venv/bin:"))
        self.assertEqual(facts["env"]["VIRTUAL_ENV"], "/opt/venv")
        self.assertEqual((facts["env"]["GREETING"], facts["env"]["MODE"]), ("hi", "test"))
        self.assertEqual(facts["exists"], {"/app/app.py": True, "/app/data/keep.txt": True,
                                           "/app/secret.txt": False, "/app/debug.log": False,
                                           "/app/data/cache.tmp": False})


class DockerArchiveBase(h.Case):
    """(c) A `docker save`-style base (uncompressed layers, no OCI index) as -b."""

    def test_build_from_docker_archive_base(self):
        h.services()
        b = h.bases()
        name = f"v2d-it-archive-base-{os.getpid()}"
        out = self.path("image.tar")
        js, _ = h.build("-n", name, "-t", "t2", "-o", f"docker-archive:{out}",
                        base=f"docker-archive:{b['V2D_BASE_BOOKWORM_ARCHIVE']}")
        diff_ids = validate_image(out, report=js).config["rootfs"]["diff_ids"]
        base_diff_ids = h.ImageLayout(b["V2D_BASE_BOOKWORM_OCI"]).config()["rootfs"]["diff_ids"]
        self.assertEqual(diff_ids[:len(base_diff_ids)], base_diff_ids)
        self.assertGreater(len(diff_ids), len(base_diff_ids))
        h.ensure_base_loaded()
        image = self.docker_load(out)
        self.assertEqual(h.docker_run(image, "hello").strip(), HELLO)


if __name__ == "__main__":
    unittest.main(verbosity=2)
