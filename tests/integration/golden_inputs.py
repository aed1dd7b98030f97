"""Inputs fixed byte for byte, for the golden-digest test: a venv, a project and a base
image written from the literals below, with modes set explicitly, so that the images
built from them have the same digests on every machine, and as long as venv2docker's
output does not change.

Nothing here depends on the host's Python, pip, umask, clock or locale; the venv's
interpreter link names /usr/bin/python3, which is only followed on the host when a
check runs (the tests pass --force so the report never reaches the image)."""
import base64
import hashlib
import os

from image_model import Entry, Image, Layer
from image_writers import write_oci_layout

EPOCH = 1700000000
PY = "python3.11"

_DEMO_INIT = b'"""A package with no dependencies."""\n\nVALUE = 42\n'
_DEMO_MAIN = b"import sys\n\n\ndef main():\n    print('demo', sys.argv[1:])\n"
_METADATA = b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
_WHEEL = b"Wheel-Version: 1.0\nGenerator: golden\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
_ENTRY_POINTS = b"[console_scripts]\ndemo = demo.cli:main\n"
_NAMES = ["caf\u00e9.txt", "\u65e5\u672c\u8a9e.txt", "d" * 120 + ".txt"]


def _record_line(path, data):
    digest = hashlib.sha256(data).digest()
    b64 = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return f"{path},sha256={b64},{len(data)}"


def _write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def make_venv(root):
    """A venv as `python -m venv` and pip lay one out, with one distribution, a console
    script whose shebang names the venv's own host path, and names in several scripts."""
    venv = os.path.join(root, "venv")
    site = os.path.join(venv, "lib", PY, "site-packages")
    _write(os.path.join(venv, "pyvenv.cfg"),
           b"home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n")
    os.makedirs(os.path.join(venv, "bin"))
    os.symlink("/usr/bin/python3", os.path.join(venv, "bin", "python3"))
    os.symlink("python3", os.path.join(venv, "bin", "python"))
    os.symlink("python3", os.path.join(venv, "bin", PY))
    os.symlink("lib", os.path.join(venv, "lib64"))
    script = (f"#!{venv}/bin/python3\n# -*- coding: utf-8 -*-\nimport sys\n"
              "from demo.cli import main\nif __name__ == '__main__':\n    sys.exit(main())\n").encode()
    _write(os.path.join(venv, "bin", "demo"), script, 0o755)
    _write(os.path.join(venv, "bin", "activate"),
           f'VIRTUAL_ENV="{venv}"\nexport VIRTUAL_ENV\nPATH="$VIRTUAL_ENV/bin:$PATH"\n'.encode())
    files = {
        "demo/__init__.py": _DEMO_INIT,
        "demo/cli.py": _DEMO_MAIN,
        "demo/data/" + _NAMES[0]: b"e acute\n",
        "demo/data/" + _NAMES[1]: b"nihongo\n",
        "demo/data/" + _NAMES[2]: b"long\n",
        "demo-1.0.dist-info/METADATA": _METADATA,
        "demo-1.0.dist-info/WHEEL": _WHEEL,
        "demo-1.0.dist-info/INSTALLER": b"pip\n",
        "demo-1.0.dist-info/entry_points.txt": _ENTRY_POINTS,
    }
    for rel, data in files.items():
        _write(os.path.join(site, rel), data)
    lines = [_record_line(rel, data) for rel, data in sorted(files.items())]
    lines.append(_record_line("../../../bin/demo", script))
    lines.append("demo-1.0.dist-info/RECORD,,")
    _write(os.path.join(site, "demo-1.0.dist-info", "RECORD"), ("\n".join(lines) + "\n").encode())
    # A second distribution, so --max-layers has something to split.
    other = {"other/__init__.py": b"X = 1\n" * 200,
             "other-2.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: other\nVersion: 2.0\n"}
    for rel, data in other.items():
        _write(os.path.join(site, rel), data)
    lines = [_record_line(rel, data) for rel, data in sorted(other.items())] + ["other-2.0.dist-info/RECORD,,"]
    _write(os.path.join(site, "other-2.0.dist-info", "RECORD"), ("\n".join(lines) + "\n").encode())
    return venv


def make_project(root):
    project = os.path.join(root, "project")
    _write(os.path.join(project, "app.py"), b"print('hello')\n")
    _write(os.path.join(project, "run.sh"), b"#!/bin/sh\nexec python app.py\n", 0o755)
    _write(os.path.join(project, "notes", _NAMES[0]), b"project\n")
    _write(os.path.join(project, "secret.env"), b"TOKEN=x\n")
    _write(os.path.join(project, ".dockerignore"), b"*.env\n")
    return project


def make_base(root):
    """A one-layer OCI layout tagged `golden`: a few folders, a file, a link, and a config
    with an environment, a command and a label, for the new config to build on."""
    layer = Layer.from_entries([
        Entry("etc", "dir", mtime=EPOCH),
        Entry("etc/os-release", data=b'ID=golden\nVERSION_ID="1"\n', mtime=EPOCH),
        Entry("usr", "dir", mtime=EPOCH),
        Entry("usr/bin", "dir", mtime=EPOCH),
        Entry("usr/bin/sh-link", "symlink", target="/bin/sh", mtime=EPOCH),
        Entry("opt", "dir", mtime=EPOCH),
    ])
    config = {
        "architecture": "amd64", "os": "linux", "created": "2023-11-14T22:13:20Z",
        "config": {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"], "Cmd": ["sh"],
                   "Labels": {"org.example.base": "golden"}},
        "history": [{"created": "2023-11-14T22:13:20Z", "created_by": "golden base"}],
    }
    return write_oci_layout(os.path.join(root, "base"), {"golden": Image(config, [layer])})
