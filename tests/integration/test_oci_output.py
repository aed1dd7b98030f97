#!/usr/bin/python3
"""(a) Build the demo venv onto the bookworm OCI base into an OCI layout (`-o oci:DIR:TAG`)
and read the result with skopeo, umoci, validate_image and the unpacked files."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402


class OciOutput(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.f = h.fixtures()
        cls.b = h.bases()
        cls.base = h.ImageLayout(cls.b["V2D_BASE_BOOKWORM_OCI"])
        cls.base_manifest = cls.base.manifest(cls.b["V2D_BASE_BOOKWORM_TAG"])
        cls.out = os.path.join(cls.ctmp, "out")
        cls.js, cls.result = h.build("-n", "demo", "-t", "t1", "-o", f"oci:{cls.out}:t1")
        cls.layout = h.ImageLayout(cls.out)

    def test_json_report_matches_layout(self):
        self.assertEqual(self.js["name"], "demo")
        self.assertEqual(self.js["tag"], "t1")
        self.assertEqual([(o["type"], os.path.realpath(o["path"])) for o in self.js["outputs"]],
                         [("oci", os.path.realpath(self.out))])
        validate_image(self.out, tag="t1", report=self.js)

    def test_no_warnings_for_a_matching_base(self):
        # A Debian venv onto a Debian base with the same Python: nothing to warn about
        # (bin/python3 -> /usr/bin/python3 exists in the base).
        self.assertEqual(self.js["warnings"], [])

    def test_skopeo_sees_base_layers_and_env(self):
        info = h.skopeo_inspect(f"oci:{self.out}:t1")
        self.assertEqual(info["Digest"], self.js["manifest_digest"])
        self.assertEqual(info["Architecture"], "amd64")
        self.assertEqual(info["Os"], "linux")
        base_layers = [l["digest"] for l in self.base_manifest["layers"]]
        self.assertEqual(info["Layers"][:len(base_layers)], base_layers, "base layers must be reused as they are")
        self.assertGreater(len(info["Layers"]), len(base_layers), "no layer added for the venv")
        env = h.env_list_to_dict(info["Env"])
        self.assertTrue(env["PATH"].startswith("/opt/venv/bin:"), env["PATH"])
        self.assertIn("/usr/bin", env["PATH"].split(":"))
        self.assertEqual(env.get("VIRTUAL_ENV"), "/opt/venv")
        config = h.skopeo_inspect_config(f"oci:{self.out}:t1")
        self.assertEqual(config["config"].get("WorkingDir"), "/app")
        self.assertEqual(len(config["rootfs"]["diff_ids"]), len(info["Layers"]))

    def test_umoci_unpack_gives_a_relocated_venv(self):
        rootfs = h.umoci_unpack(self.out, "t1", self.path("bundle"))
        venv = os.path.join(rootfs, "opt/venv")

        with open(os.path.join(venv, "bin/hello"), "rb") as f:
            shebang = f.readline().decode().rstrip("\n")
        self.assertRegex(shebang, r"^#!/opt/venv/bin/python(3(\.\d+)?)?$")

        with open(os.path.join(venv, "pyvenv.cfg")) as f:
            cfg = dict((k.strip(), v.strip()) for k, _, v in (line.partition("=") for line in f) if k.strip())
        self.assertEqual(cfg.get("home"), "/usr/bin")

        # bin/python resolves, inside the image, to the base's interpreter.
        target = resolve_in_root(rootfs, "/opt/venv/bin/python")
        self.assertTrue(target.startswith("/usr/bin/python3"), target)
        self.assertTrue(os.path.isfile(os.path.join(rootfs, target.lstrip("/"))), target)

        # The C extension is there, unmodified ELF.
        so = [n for n in os.listdir(os.path.join(venv, "lib/python3.11/site-packages/hello"))
              if n.startswith("_speedups") and n.endswith(".so")]
        self.assertEqual(len(so), 1, so)
        with open(os.path.join(venv, "lib/python3.11/site-packages/hello", so[0]), "rb") as f:
            self.assertEqual(f.read(4), b"\x7fELF")

        # The project is at /app, .dockerignore honoured.
        app = os.path.join(rootfs, "app")
        self.assertTrue(os.path.isfile(os.path.join(app, "app.py")))
        self.assertTrue(os.path.isfile(os.path.join(app, "greet/__init__.py")))
        self.assertTrue(os.path.isfile(os.path.join(app, "data/keep.txt")))
        for excluded in ("secret.txt", "debug.log", "data/cache.tmp"):
            self.assertTrue(os.path.isfile(os.path.join(self.f["V2D_PROJECT"], excluded)), "fixture lost " + excluded)
            self.assertFalse(os.path.lexists(os.path.join(app, excluded)), f"/app/{excluded} should be excluded")

        # The editable install points at /app, not at the build machine's project folder.
        sp = os.path.join(venv, "lib/python3.11/site-packages")
        finders = [n for n in os.listdir(sp) if n.startswith("__editable__") and n.endswith("_finder.py")]
        self.assertEqual(len(finders), 1, os.listdir(sp))
        with open(os.path.join(sp, finders[0])) as f:
            finder = f.read()
        self.assertRegex(finder, r"MAPPING\s*(:[^=]*)?=\s*\{'greet': '/app/greet'\}")

        # No text file in the venv or the project still names the host's venv or project path.
        leaks = []
        for top in (venv, app):
            for root, _, files in os.walk(top):
                for name in files:
                    p = os.path.join(root, name)
                    if os.path.islink(p) or name.endswith(".pyc"):
                        continue
                    with open(p, "rb") as f:
                        data = f.read()
                    if b"\0" in data[:8192]:
                        continue  # binaries are never patched
                    for old in (self.f["V2D_VENV_DEMO"], self.f["V2D_PROJECT"]):
                        if old.encode() in data:
                            leaks.append(f"{os.path.relpath(p, rootfs)} mentions {old}")
        self.assertEqual(leaks, [])


class TwoOutputs(h.Case):
    def test_oci_and_docker_archive_hold_the_same_image(self):
        oci, tar = self.path("oci"), self.path("image.tar")
        js, _ = h.build("-n", "demo", "-t", "two", "-o", f"oci:{oci}:two", "-o", f"docker-archive:{tar}")
        self.assertEqual(sorted(o["type"] for o in js["outputs"]), ["docker-archive", "oci"])
        for path, tag in ((oci, "two"), (tar, None)):
            validate_image(path, tag=tag, report=js)


def resolve_in_root(root, path, depth=0):
    """Resolve symlinks in `path` as the image would, with `root` as /."""
    if depth > 40:
        raise AssertionError(f"symlink loop at {path}")
    parts = [p for p in path.split("/") if p]
    cur = "/"
    for i, part in enumerate(parts):
        nxt = os.path.join(cur, part)
        host = os.path.join(root, nxt.lstrip("/"))
        if os.path.islink(host):
            link = os.readlink(host)
            link = link if link.startswith("/") else os.path.join(cur, link)
            rest = "/".join(parts[i + 1:])
            return resolve_in_root(root, os.path.normpath(os.path.join(link, rest)), depth + 1)
        cur = nxt
    return cur


if __name__ == "__main__":
    unittest.main(verbosity=2)
