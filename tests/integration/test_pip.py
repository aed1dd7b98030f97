#!/usr/bin/python3
"""`--pip FILE`: requirements installed with the venv's own pip into a layer over the venv.

Offline: the package is a pure-Python wheel written by hand here (module, METADATA, WHEEL,
entry_points.txt with a console script, RECORD), found through `--find-links` with
`--no-index`. Checked:
- its console script runs under `docker run`, from /opt/venv, and the host venv is untouched;
- pip's settings from the environment (PIP_NO_INDEX, PIP_FIND_LINKS) are honoured, and a
  second build gives the same image;
- a requirement the venv already satisfies adds no layer; one the venv has at another
  version is refused and leaves the venv as it was;
- a venv without pip, a requirement pip cannot find and a missing FILE fail clearly and
  leave no output, nor any staging folder in the cache."""
import base64
import hashlib
import os
import subprocess
import sys
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402
import make_venvs  # noqa: E402

PACKAGE = "v2d_pip_probe"
SCRIPT = "v2d-pip-probe"

MODULE = '''import sys


def main():
    print("%s %s from %s" % (__name__, VERSION, sys.prefix))
'''


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(folder, version):
    """A minimal pure-Python wheel of PACKAGE with the console script SCRIPT."""
    info = f"{PACKAGE}-{version}.dist-info"
    files = {
        f"{PACKAGE}/__init__.py": (MODULE + f"\nVERSION = {version!r}\n").encode(),
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: {version}\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test_pip\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/entry_points.txt": f"[console_scripts]\n{SCRIPT} = {PACKAGE}:main\n".encode(),
    }
    path = os.path.join(folder, f"{PACKAGE}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w") as wheel:
        lines = []
        for name, data in files.items():
            wheel.writestr(name, data)
            lines.append(record_line(name, data))
        lines.append(f"{info}/RECORD,,")
        wheel.writestr(f"{info}/RECORD", "\n".join(lines) + "\n")
    return path


def run(cmd):
    p = subprocess.run(cmd, env=make_venvs.clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise h.SetupError(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}")
    return p.stdout


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def installed_version(venv):
    """The probe's version in `venv`, or None."""
    p = subprocess.run([os.path.join(venv, "bin", "python"), "-c",
                        f"import importlib.metadata as m; print(m.version({PACKAGE!r}))"],
                       env=make_venvs.clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.stdout.strip() if p.returncode == 0 else None


class PipRequirements(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        h.services()
        cls.wheels = os.path.join(cls.ctmp, "wheels")
        os.makedirs(cls.wheels)
        write_wheel(cls.wheels, "1.0")
        write_wheel(cls.wheels, "2.0")
        # /usr/bin/python3 -m venv seeds pip from Debian's python3-pip-whl.
        cls.venv = os.path.join(cls.ctmp, "venv")
        run(["/usr/bin/python3", "-m", "venv", cls.venv])
        cls.cache = os.path.join(cls.ctmp, "cache")
        # The relative --find-links is resolved against the file's folder, as pip does.
        cls.requirements = write(os.path.join(cls.ctmp, "requirements.txt"),
                                 f"--no-index\n--find-links wheels\n{PACKAGE}==1.0\n")

    def v2d(self, *args, venv=None, expect=0, **pip_env):
        """The binary with --pip settings only from `pip_env` (no user pip.conf)."""
        env = h.scrubbed_env(PIP_CONFIG_FILE=os.devnull, **pip_env)
        return h.v2d("--cache-dir", self.cache, "-b", h.bookworm_oci_ref(), "--no-project", *args,
                     venv or self.venv, env=env, expect=expect, cwd=self.tmp)

    def assertNoStagingLeft(self):
        tmp = os.path.join(self.cache, "tmp")
        left = [n for n in os.listdir(tmp) if "pip-staging" in n] if os.path.isdir(tmp) else []
        self.assertEqual(left, [], "pip's staging folder was not removed")

    def layer_count(self, layout_dir, tag):
        with h.ImageLayout(layout_dir) as layout:
            return len(layout.manifest(tag)["layers"])

    def test_console_script_runs_in_the_image(self):
        archive = self.path("image.tar")
        r = self.v2d("-n", f"v2d-it-pip-{os.getpid()}", "--pip", self.requirements, "-o", f"docker-archive:{archive}")
        self.assertIn(f"pip installed {PACKAGE} 1.0", r.stdout + r.stderr, r.describe())
        self.assertNoStagingLeft()
        self.assertIsNone(installed_version(self.venv), "--pip must not install into the host venv")

        with validate_image(archive).layout as layout:
            config = layout.config()
            steps = [entry.get("created_by", "") for entry in config["history"]]
            # Over the venv layer, the top one.
            self.assertEqual(steps[-1], f"venv2docker: pip install -r requirements.txt ({PACKAGE} 1.0)")
            self.assertTrue(steps[-2].startswith("venv2docker: venv"), steps)
            top = layout.manifest()["layers"][-1]
            script = layout.layer_file(top, f"opt/venv/bin/{SCRIPT}").decode()
            self.assertTrue(script.startswith("#!/opt/venv/bin/python\n"), script)
            record = layout.layer_file(top, f"opt/venv/lib/python3.11/site-packages/{PACKAGE}-1.0.dist-info/RECORD")
            self.assertIn(record_line(f"../../../bin/{SCRIPT}", script.encode()), record.decode())
            self.assertNotIn(self.cache, script)

        h.ensure_base_loaded()
        image = self.docker_load(archive)
        out = h.docker_run(image, SCRIPT)
        self.assertEqual(out.strip(), f"{PACKAGE} 1.0 from /opt/venv")

    def test_pip_settings_come_from_the_environment(self):
        bare = write(self.path("bare.txt"), f"{PACKAGE}\n")
        digests = []
        for out in (self.path("oci"), self.path("again")):
            self.v2d("--pip", bare, "-o", f"oci:{out}:t", PIP_NO_INDEX="1", PIP_FIND_LINKS=self.wheels)
            with validate_image(out, tag="t").layout as layout:
                top = layout.manifest("t")["layers"][-1]
                module = layout.layer_file(top, f"opt/venv/lib/python3.11/site-packages/{PACKAGE}/__init__.py")
                self.assertIn(b"VERSION = '2.0'", module)  # the newest in the folder
                digests.append(layout.manifest_descriptor("t")["digest"])
        # Another staging folder, the same layer: nothing in it names the folder.
        self.assertEqual(digests[0], digests[1])

    def test_satisfied_requirement_adds_no_layer_and_clash_is_refused(self):
        venv = self.path("has-probe")
        run(["/usr/bin/python3", "-m", "venv", venv])
        run([os.path.join(venv, "bin", "pip"), "install", "--no-index", "--find-links", self.wheels, f"{PACKAGE}==1.0"])

        plain, with_pip = self.path("plain"), self.path("with-pip")
        self.v2d("-o", f"oci:{plain}:t", venv=venv)
        r = self.v2d("--pip", self.requirements, "-o", f"oci:{with_pip}:t", venv=venv)
        self.assertIn("already satisfies", r.stdout + r.stderr, r.describe())
        self.assertEqual(self.layer_count(with_pip, "t"), self.layer_count(plain, "t"))

        newer = write(self.path("newer.txt"), f"--no-index\n--find-links {self.wheels}\n{PACKAGE}==2.0\n")
        r = self.v2d("--pip", newer, "-o", f"oci:{self.path('clash')}:t", venv=venv, expect=3)
        self.assertIn("venv2docker: error:", r.stderr, r.describe())
        self.assertIn(f"{PACKAGE} 2.0 (the venv has 1.0)", r.stderr, r.describe())
        self.assertEqual(installed_version(venv), "1.0", "the venv's own copy must stay")
        self.assertFalse(os.path.exists(self.path("clash")))
        self.assertNoStagingLeft()

    def test_venv_without_pip_is_refused(self):
        venv = self.path("no-pip")
        run(["/usr/bin/python3", "-m", "venv", "--without-pip", venv])
        r = self.v2d("--pip", self.requirements, "-o", f"docker-archive:{self.path('out.tar')}", venv=venv, expect=3)
        self.assertIn("venv2docker: error:", r.stderr, r.describe())
        self.assertIn("has no pip", r.stderr, r.describe())
        self.assertIn("ensurepip", r.stderr, r.describe())
        self.assertFalse(os.path.exists(self.path("out.tar")))

    def test_failing_requirement_reports_pip_and_writes_nothing(self):
        missing = write(self.path("missing.txt"), "--no-index\nv2d-no-such-package-anywhere\n")
        r = self.v2d("--pip", missing, "-o", f"docker-archive:{self.path('out.tar')}", expect=3)
        self.assertIn("venv2docker: error:", r.stderr, r.describe())
        self.assertIn(missing, r.stderr, r.describe())
        self.assertIn("No matching distribution found for v2d-no-such-package-anywhere", r.stderr, r.describe())
        self.assertEqual(os.listdir(self.tmp), ["missing.txt"], "nothing but the requirements file")
        self.assertNoStagingLeft()

    def test_missing_requirements_file_is_a_usage_error(self):
        r = self.v2d("--pip", self.path("nope.txt"), "-o", f"docker-archive:{self.path('out.tar')}", expect=2)
        self.assertIn("--pip", r.stderr, r.describe())
        self.assertIn("nope.txt", r.stderr, r.describe())


if __name__ == "__main__":
    unittest.main()
