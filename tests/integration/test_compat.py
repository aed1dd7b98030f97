#!/usr/bin/python3
"""Python-aware compatibility: `--check` before building, and images that really run.

- a venv from Debian's /usr/bin/python3 onto the Debian 12 base passes the check;
- a venv from an interpreter at another prefix (pyenv's 3.11.7) onto the same base: `home`
  relocated to the base's /usr/bin, and its console script, C extension and editable
  install all work under docker run;
- an extension that needs a library the base lacks is refused, naming the .so and the library;
- `--python-from host --base scratch` makes an image that runs its console script."""
import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402
import make_venvs  # noqa: E402

PYENV_PYTHON = "/root/.pyenv/versions/3.11.7/bin/python3.11"


def run(cmd, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, env=make_venvs.clean_env(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise h.SetupError(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}")
    return p.stdout


def venv_with_hello(python, path, project):
    """A venv made by `python` with the hello package (console script + C extension) and
    the project's package installed editable."""
    run([python, "-m", "venv", path])
    pip = os.path.join(path, "bin", "pip")
    run([pip, "install", "--no-index", "--find-links", make_venvs.WHEELS, "wheel"])
    hello = os.path.join(os.path.dirname(path), "hello-src")
    if not os.path.isdir(hello):
        shutil.copytree(os.path.join(make_venvs.FIXTURES, "hello"), hello)
    run([pip, "install", "--no-index", "--no-build-isolation", hello])
    run([pip, "install", "--no-index", "--no-build-isolation", "-e", project])
    return path


def compile_extension(tmp, so, module, function, link):
    """A real C extension `module` at `so` whose init calls `function` of a library that
    `link` (gcc's arguments) names, as a wheel built against extra libraries would be."""
    ext_c = os.path.join(tmp, module + ".c")
    with open(ext_c, "w") as f:
        f.write(f'#include <Python.h>\nint {function}(void);\n'
                f'static struct PyModuleDef m = {{PyModuleDef_HEAD_INIT, "{module}", NULL, -1, NULL}};\n'
                f'PyMODINIT_FUNC PyInit_{module}(void) {{ {function}(); return PyModule_Create(&m); }}\n')
    include = run([h.HOST_PYTHON, "-c", "import sysconfig; print(sysconfig.get_path('include'))"]).strip()
    run(["gcc", "-shared", "-fPIC", f"-I{include}", "-o", so, ext_c] + link)


class CheckAndRun(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        h.services()

    def test_debian_venv_onto_debian_base_passes_the_check(self):
        r = h.v2d("--check", "--json", "-b", h.bookworm_oci_ref(), h.fixtures()["V2D_VENV_DEMO"])
        report = r.json()
        self.assertTrue(report["ok"], r.describe())
        self.assertEqual(report["interpreter"], "/usr/bin/python3.11")
        self.assertEqual([f for f in report["findings"] if f["severity"] == "error"], [])
        text = h.v2d("--check", "-b", h.bookworm_oci_ref(), h.fixtures()["V2D_VENV_DEMO"]).stdout
        self.assertIn("0 errors", text)

    def test_check_refuses_another_python_naming_both_versions(self):
        b = h.bases(trixie=True)
        r = h.v2d("--check", "--json", "-b", f"oci:{b['V2D_BASE_TRIXIE_OCI']}:{b['V2D_BASE_TRIXIE_TAG']}",
                  h.fixtures()["V2D_VENV_DEMO"], expect=1)
        report = r.json()
        self.assertFalse(report["ok"])
        errors = [f for f in report["findings"] if f["severity"] == "error"]
        self.assertEqual([f["check"] for f in errors], ["python-version"], r.describe())
        self.assertIn("3.11", errors[0]["message"])
        self.assertIn("/usr/bin/python3.13", errors[0]["message"])
        self.assertTrue(errors[0]["file"].endswith("pyvenv.cfg"))
        self.assertIn("--python-from host", errors[0]["fix"])

    def test_pyenv_venv_relocated_onto_debian_base_runs(self):
        if not os.access(PYENV_PYTHON, os.X_OK):
            # Only where no second interpreter exists; machines of this project's kind have it.
            self.skipTest(f"no second interpreter at {PYENV_PYTHON}")
        project = os.path.join(self.tmp, "project")
        shutil.copytree(h.fixtures()["V2D_PROJECT"], project)
        venv = venv_with_hello(PYENV_PYTHON, os.path.join(self.tmp, "pyenv-venv"), project)
        with open(os.path.join(venv, "pyvenv.cfg")) as f:
            self.assertIn("home = /root/.pyenv/versions/3.11.7/bin", f.read())

        archive = self.path("pyenv.tar")
        name = f"v2d-it-pyenv-{os.getpid()}"
        js, _ = h.build("-n", name, "-o", f"docker-archive:{archive}", venv=venv, project=project)
        self.assertTrue(js["check"]["ok"], js)
        self.assertEqual(js["check"]["interpreter"], "/usr/bin/python3.11")
        h.ensure_base_loaded()
        image = h.docker_load(archive)
        self._images.append(image)
        self.assertEqual(h.docker_run(image, "hello").strip(), "hello from /opt/venv (speedups=42)")
        cfg = h.docker_run(image, "cat", "/opt/venv/pyvenv.cfg")
        self.assertIn("home = /usr/bin", cfg)
        self.assertNotIn("pyenv", cfg)
        probe = json.loads(h.docker_run(image, "python", "-c",
                                        "import json, sys, greet, hello._speedups as s; "
                                        "print(json.dumps([sys.prefix, greet.__file__, s.add(2, 3)]))"))
        self.assertEqual(probe, ["/opt/venv", "/app/greet/__init__.py", 5])
        self.assertIn("greetings from the editable package", h.docker_run(image, "python", "app.py"))

    def test_extension_needing_a_library_the_base_lacks_is_refused(self):
        venv = os.path.join(self.tmp, "needy-venv")
        run([h.HOST_PYTHON, "-m", "venv", "--without-pip", venv])
        # A real shared library and a real extension linked against it, as a wheel built
        # on a machine with extra -dev packages would be.
        libdir = os.path.join(self.tmp, "lib")
        os.makedirs(libdir)
        with open(os.path.join(libdir, "v2dneeded.c"), "w") as f:
            f.write("int v2d_needed(void) { return 7; }\n")
        run(["gcc", "-shared", "-fPIC", "-o", os.path.join(libdir, "libv2dneeded.so.1"),
             "-Wl,-soname,libv2dneeded.so.1", os.path.join(libdir, "v2dneeded.c")])
        os.symlink("libv2dneeded.so.1", os.path.join(libdir, "libv2dneeded.so"))
        so = os.path.join(venv, "lib", "python3.11", "site-packages", "needy.cpython-311-x86_64-linux-gnu.so")
        compile_extension(self.tmp, so, "needy", "v2d_needed", [f"-L{libdir}", "-lv2dneeded"])

        r = h.v2d("--check", "--json", "-b", h.bookworm_oci_ref(), venv, expect=1)
        errors = [f for f in r.json()["findings"] if f["severity"] == "error"]
        self.assertEqual([f["check"] for f in errors], ["missing-library"], r.describe())
        self.assertIn("/opt/venv/lib/python3.11/site-packages/needy.cpython-311-x86_64-linux-gnu.so",
                      errors[0]["message"])
        self.assertIn("libv2dneeded.so.1", errors[0]["message"])
        self.assertEqual(errors[0]["file"], so)

        # Building refuses too, and writes nothing.
        out = self.path("out.tar")
        r = h.v2d("-b", h.bookworm_oci_ref(), "-o", f"docker-archive:{out}", venv, expect=1)
        self.assertIn("venv2docker: error:", r.stderr)
        self.assertIn("libv2dneeded.so.1", r.stderr)
        self.assertIn("needy.cpython-311-x86_64-linux-gnu.so", r.stderr)
        self.assertFalse(os.path.exists(out))

    def test_library_bundled_in_the_venv_is_found_through_its_link(self):
        # As auditwheel bundles them: the extension's RUNPATH is $ORIGIN/../pkg.libs, where
        # the needed name is a link to a file of another name. The checks look at only the
        # venv files a library search can reach, so the link's target must be among them.
        venv = os.path.join(self.tmp, "bundled-venv")
        run([h.HOST_PYTHON, "-m", "venv", "--without-pip", venv])
        site = os.path.join(venv, "lib", "python3.11", "site-packages")
        libs = os.path.join(site, "pkg.libs")
        os.makedirs(os.path.join(site, "pkg"))
        os.makedirs(libs)
        with open(os.path.join(self.tmp, "v2dbundled.c"), "w") as f:
            f.write("int v2d_bundled(void) { return 7; }\n")
        real = os.path.join(libs, "v2dbundled-0a1b2c3d.so.1.0")
        run(["gcc", "-shared", "-fPIC", "-o", real, "-Wl,-soname,libv2dbundled.so.1",
             os.path.join(self.tmp, "v2dbundled.c")])
        os.symlink("v2dbundled-0a1b2c3d.so.1.0", os.path.join(libs, "libv2dbundled.so.1"))
        so = os.path.join(site, "pkg", "ext.cpython-311-x86_64-linux-gnu.so")
        compile_extension(self.tmp, so, "ext", "v2d_bundled",
                          [f"-L{libs}", "-l:libv2dbundled.so.1", "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../pkg.libs"])

        r = h.v2d("--check", "--json", "-b", h.bookworm_oci_ref(), venv)
        self.assertEqual([f for f in r.json()["findings"] if f["severity"] == "error"], [], r.describe())
        # A build splits the venv into layers, which the checks then read.
        out = self.path("bundled-out")
        h.v2d("-b", h.bookworm_oci_ref(), "-o", f"oci:{out}:t", venv)
        validate_image(out, tag="t")

        # Without the file behind the link, the library is missing: the checks do look.
        os.remove(real)
        r = h.v2d("-b", h.bookworm_oci_ref(), "-o", f"oci:{self.path('missing-out')}:t", venv, expect=1)
        self.assertIn("libv2dbundled.so.1", r.stderr)
        self.assertIn("ext.cpython-311-x86_64-linux-gnu.so", r.stderr)

    def test_python_from_host_on_scratch_runs_its_console_script(self):
        archive = self.path("scratch.tar")
        oci = self.path("oci")
        name = f"v2d-it-scratch-{os.getpid()}"
        js, _ = h.build("-n", name, "--python-from", "host", "-o", f"docker-archive:{archive}",
                        "-o", f"oci:{oci}:latest", base="scratch", project=False)
        self.assertTrue(js["check"]["ok"], js)
        history = validate_image(oci, tag="latest", report=js).config["history"]
        self.assertEqual(len(history), len(js["layers"]))  # scratch: every layer is ours
        self.assertIn("host interpreter", history[0]["created_by"])
        validate_image(archive, report=js)
        image = h.docker_load(archive)
        self._images.append(image)
        self.assertEqual(h.docker_run(image, "hello").strip(), "hello from /opt/venv (speedups=42)")
        self.assertEqual(h.docker_run(image, "python", "-c", "import sys, ssl; print(sys.prefix)").strip(), "/opt/venv")


if __name__ == "__main__":
    unittest.main(verbosity=2)
