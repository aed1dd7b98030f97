"""What the kill, signal and concurrency tests share: builds started as real processes
(not waited for), the temporaries a run leaves, and the checks that a layout survived."""
import os
import subprocess

import harness as h
from validate_image import validate_image, validate_layout_blobs

# A temporary of any venv2docker: ".NAME.v2dtmp-..." (this version), and the
# ".NAME.tmp-..." / ".NAME.old-..." names of earlier versions, so a test run
# against an older binary sees what it left.
_MARKERS = (".v2dtmp-", ".tmp-", ".old-")


def is_temporary(name):
    return name.startswith(".") and any(m in name for m in _MARKERS)


def temporaries(folder):
    """Every temporary under `folder` (recursively), as paths relative to it; plus
    anything at all in the cache's own tmp/ folder."""
    found = []
    for root, dirs, files in os.walk(folder):
        rel = os.path.relpath(root, folder)
        for name in dirs + files:
            path = os.path.normpath(os.path.join(rel, name))
            if is_temporary(name) or path.startswith("tmp" + os.sep):
                found.append(path)
    return sorted(found)


def beside_layout(layout):
    """What sits beside the layout folder other than the layout and its lock file."""
    parent, name = os.path.split(os.path.abspath(layout))
    return sorted(n for n in os.listdir(parent) if n not in (name, name + ".lock"))


def build_args(cache, layout, tag, venv=None, extra=()):
    f = h.fixtures()
    return [h.v2d_bin(), "--cache-dir", cache, "-b", h.bookworm_oci_ref(), "--project", f["V2D_PROJECT"],
            "-o", f"oci:{layout}:{tag}", "--json", *extra, venv or f["V2D_VENV_DEMO"]]


def start(argv, cwd, **env):
    """The build as a running process, its stdout and stderr going to files in `cwd`."""
    paths = (os.path.join(cwd, "stdout"), os.path.join(cwd, "stderr"))
    with open(paths[0], "w") as out, open(paths[1], "w") as err:
        proc = subprocess.Popen(argv, cwd=cwd, env=h.scrubbed_env(**env), stdout=out, stderr=err)
    proc.log_paths = paths
    return proc


def logs(proc):
    """What the process printed so far, for an assertion's message."""
    text = []
    for path in proc.log_paths:
        with open(path, errors="replace") as f:
            text.append(f.read())
    return "\n--- stdout\n" + text[0] + "\n--- stderr\n" + text[1]


def tag_digest(layout, tag):
    with h.ImageLayout(layout) as reader:
        return reader.manifest_descriptor(tag)["digest"]


def assert_layout_keeps(case, layout, tag, digest, why, thorough=True):
    """The layout is valid and `tag` is still the image it was: validate_image (which
    runs validate-oci-layout too), or only validate-oci-layout (schemas, every blob's
    size and sha256) when not `thorough`."""
    if thorough:
        case.assertEqual(validate_image(layout, tag=tag).digest, digest, f"{why}: the tag {tag} changed")
        return
    try:
        validate_layout_blobs(layout)
    except AssertionError as e:
        case.fail(f"{why}: {e}")
    case.assertEqual(tag_digest(layout, tag), digest, f"{why}: the tag {tag} changed")
