#!/usr/bin/python3
"""Reading the base: its layers are inflated and listed on a thread of their own while the
venv is relocated and packed, for the interpreter the base most likely has.

- a damaged (truncated) gzip base layer fails the build with the layer's digest named,
  although the venv's layers were being written meanwhile: nothing is written, no
  temporary is left;
- a base layer of many gzip members (as `cat a.gz b.gz` makes) is read to its end: the
  checks find the interpreter and report what they report on the one-member original;
- a venv that relocation refuses, while the base is still being read, fails with
  relocation's own message and nothing else;
- a cold build on a terminal shows the base's reading as progress, not silence;
- a base that makes the guess wrong (PYTHON_VERSION set, Python in /usr/bin) still gets
  a venv pointing at /usr/bin/python3.11, and venv layers equal to those built on the
  unchanged base;
- a layer of an OCI layout is read once with a fresh cache: by --check, hashed and listed
  in the same pass where it is, the cache then holding its listing and not a copy of it
  (a check writes no image); by a build, copied into the store, hashed and listed in the
  same pass (the process reads fewer bytes than twice the layers), the store then holding
  it and its listing; a build after a check copies the layer and reuses the listing;
- a layer of an OCI layout with the right size and wrong bytes (a gzip header whose
  tar still lists, or a damaged deflate stream) is refused naming the file, with nothing
  of it kept: no blob, no listing, no output, no temporary; by --check as by a build;
- a layer file shorter or longer than its descriptor says is refused naming the file and
  both sizes, with nothing of it kept, although the listing thread saw a tar that ends
  early or stopped reading at the tar's end;
- a layer whose bytes are right but whose tar is not readable from its first block, with
  tens of MB behind it, is refused naming the layer: the listing thread fails at once,
  the reading thread still reads, hashes and stores the rest without waiting for it, and
  no listing is kept.
"""
import gzip
import hashlib
import os
import pty
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from image_model import Image, Layer  # noqa: E402
from image_writers import write_oci_layout  # noqa: E402
from validate_image import validate_image  # noqa: E402


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def bookworm():
    b = h.bases()
    return Image.read(b["V2D_BASE_BOOKWORM_OCI"], b["V2D_BASE_BOOKWORM_TAG"])


def with_layers(image, layers, config_edit=None):
    config = {k: v for k, v in image.config.items() if k not in ("rootfs", "history")}
    if config_edit:
        config = config_edit(config)
    return Image(config, layers, image.family)


def gzip_layer(image, blob, tar):
    return Layer(image.layers[0].media_type, sha256(blob), len(blob), sha256(tar), data=blob)


class BaseReading(h.Case):
    def setUp(self):
        super().setUp()
        self.venv = h.fixtures()["V2D_VENV_DEMO"]

    def layout(self, name, image):
        return write_oci_layout(self.path(name), {"t": image})

    def run_v2d(self, layout, *args, expect=0, cache="cache", env=None, timeout=900):
        return h.v2d("--no-project", "--cache-dir", self.path(cache), "-b", f"oci:{layout}:t", *args, self.venv,
                     expect=expect, env=env, timeout=timeout)

    def assert_no_temporaries(self, cache):
        left = [os.path.join(root, name) for root, dirs, files in os.walk(self.path(cache))
                for name in files + dirs if ".v2dtmp-" in name]
        self.assertEqual(left, [], "temporaries left in the cache")

    def one_layer_layout(self):
        """The bookworm base's first layer alone, as the layout "good"; its digest and size."""
        base = bookworm()
        return self.layout("good", with_layers(base, [base.layers[0]])), base.layers[0].digest, base.layers[0].size

    def damaged_copy(self, good, name, hexdigest, damage):
        """A copy of the layout `good` named `name`, its layer `hexdigest` changed by
        damage(file); returns the layout and the layer's file."""
        layout = self.path("layout-" + name)
        shutil.copytree(good, layout)
        blob = os.path.join(layout, "blobs", "sha256", hexdigest)
        with open(blob, "r+b") as f:
            damage(f)
        return layout, blob

    def refused_keeping_nothing(self, layout, name, hexdigest):
        """Builds onto `layout`, whose layer `hexdigest` is damaged: one error, and nothing
        of that layer kept (no blob, no listing, no output, no temporary). A hang (a thread
        waiting for bytes or for a reader) fails here, not at the suite's timeout."""
        out = self.path("out-" + name)
        cache = "cache-" + name
        r = self.run_v2d(layout, "-o", f"oci:{out}:t", cache=cache, expect=3, timeout=300)
        self.assertEqual(r.stderr.count("venv2docker: error:"), 1, r.describe())
        self.assertEqual(r.stdout, "", r.describe())
        self.assertFalse(os.path.exists(out), "an output was written")
        kept = [os.path.join(root, f) for root, dirs, files in os.walk(self.path(cache))
                for f in files if hexdigest in f]
        self.assertEqual(kept, [], "something of the damaged layer was kept")
        self.assert_no_temporaries(cache)
        return r

    def test_a_truncated_layer_is_named_and_nothing_is_written(self):
        base = bookworm()
        blob = base.layers[0].blob()
        cut = blob[: len(blob) // 2]
        damaged = with_layers(base, [gzip_layer(base, cut, b"not the tar")])
        layout = self.layout("damaged", damaged)
        out = self.path("out")
        r = self.run_v2d(layout, "-o", f"oci:{out}:t", expect=3)
        self.assertIn("venv2docker: error:", r.stderr, r.describe())
        self.assertIn("layer " + sha256(cut), r.stderr, r.describe())
        self.assertIn("truncated", r.stderr, r.describe())
        self.assertEqual(r.stderr.count("venv2docker: error:"), 1, r.describe())
        self.assertEqual(r.stdout, "", r.describe())
        self.assertFalse(os.path.exists(out), "an output was written")
        self.assert_no_temporaries("cache")

    def test_a_layer_of_many_gzip_members_is_read_to_its_end(self):
        base = bookworm()
        tar = gzip.decompress(base.layers[0].blob())
        step = 3_000_017  # members end mid-header and mid-file
        blob = b"".join(gzip.compress(tar[i:i + step], compresslevel=1) for i in range(0, len(tar), step))
        self.assertGreater(len(tar) // step, 20)
        many = self.layout("many", with_layers(base, [gzip_layer(base, blob, tar)]))
        one = self.layout("one", with_layers(base, [base.layers[0]]))
        reports = [self.run_v2d(layout, "--check", "--json", cache="cache-" + name, expect=None).json()
                   for name, layout in (("many", many), ("one", one))]
        self.assertEqual(reports[0]["interpreter"], "/usr/bin/python3.11", reports[0])
        for report in reports:
            report.pop("base")
        self.assertEqual(reports[0], reports[1])

    def test_a_venv_refused_while_the_base_is_read_fails_with_its_own_message(self):
        venv = self.path("venv")
        h.run_tool(["/usr/bin/python3", "-m", "venv", "--without-pip", venv])
        site = next(os.path.join(venv, "lib", d, "site-packages") for d in os.listdir(os.path.join(venv, "lib")))
        home = self.path("home")
        os.makedirs(home)
        with open(os.path.join(site, "evil.pth"), "w") as f:
            f.write(f"import os\n{home}\n")
        self.venv = venv
        out = self.path("out")
        # A fresh cache: the base's layers are inflated and listed while relocation runs.
        r = h.v2d("--no-project", "--cache-dir", self.path("cache"), "-b", h.bookworm_oci_ref(), "-o", f"oci:{out}:t",
                  venv, expect=3, env=h.scrubbed_env(HOME=home))
        self.assertIn(os.path.join(site, "evil.pth") + " line 2 names " + home, r.stderr, r.describe())
        self.assertEqual(r.stderr.count("venv2docker: error:"), 1, r.describe())
        self.assertNotIn("cancelled", r.stderr, r.describe())
        self.assertFalse(os.path.exists(out), "an output was written")
        self.assert_no_temporaries("cache")

    def test_a_cold_build_shows_progress_while_the_base_is_read(self):
        # A venv that relocates in moments, so the build waits for the base's layers.
        venv = self.path("venv")
        h.run_tool(["/usr/bin/python3", "-m", "venv", "--without-pip", venv])
        # Progress is drawn on a terminal only: stderr is one here.
        main, terminal = pty.openpty()
        try:
            p = subprocess.run([h.v2d_bin(), "--no-project", "--cache-dir", self.path("cache"), "-b",
                                h.bookworm_oci_ref(), "-o", f"oci:{self.path('out')}:t", venv],
                               stdout=subprocess.PIPE, stderr=terminal, env=h.scrubbed_env(), timeout=900)
            os.close(terminal)
            terminal = None
            shown = b""
            while True:
                try:
                    chunk = os.read(main, 65536)
                except OSError:  # the terminal's other end is closed: all was read
                    break
                if not chunk:
                    break
                shown += chunk
        finally:
            if terminal is not None:
                os.close(terminal)
            os.close(main)
        self.assertEqual(p.returncode, 0, shown.decode(errors="replace"))
        self.assertIn(b"reading the base's layers: ", shown)

    def test_a_wrong_guess_of_the_interpreter_is_corrected(self):
        base = bookworm()

        def python_image_env(config):
            config = dict(config)
            inner = dict(config.get("config") or {})
            inner["Env"] = list(inner.get("Env") or []) + ["PYTHON_VERSION=3.11.2"]
            config["config"] = inner
            return config
        misleading = self.layout("misleading", with_layers(base, [base.layers[0]], python_image_env))
        plain = self.layout("plain", with_layers(base, [base.layers[0]]))
        built = {}
        for name, layout in (("misleading", misleading), ("plain", plain)):
            out = self.path("out-" + name)
            self.run_v2d(layout, "-o", f"oci:{out}:t", "-v", cache="cache-" + name)
            built[name] = validate_image(out, tag="t")
        layout = h.ImageLayout(self.path("out-misleading"))
        venv_layers = built["misleading"].manifest["layers"][1:]
        cfg = next(layout.layer_file(d, "opt/venv/pyvenv.cfg") for d in venv_layers
                   if "opt/venv/pyvenv.cfg" in layout.layer_members(d))
        self.assertIn(b"home = /usr/bin\n", cfg)
        self.assertEqual([d["digest"] for d in venv_layers],
                         [d["digest"] for d in built["plain"].manifest["layers"][1:]])

    def test_a_layer_of_an_oci_layout_is_read_once_and_stored_only_by_a_build(self):
        venv = self.path("venv")
        h.run_tool(["/usr/bin/python3", "-m", "venv", "--without-pip", venv])
        base = bookworm()
        layers = sum(layer.size for layer in base.layers)
        self.assertGreater(layers, 20 << 20, "the test needs a base whose layers dwarf everything else read")

        def run(cache, *args):
            status, _, stderr, read = h.v2d_bytes_read("--no-project", "--cache-dir", cache, "-b",
                                                      h.bookworm_oci_ref(), "--force", *args, venv)
            self.assertIn(status, (0, 1), stderr)
            # Copied and hashed, then read again to be listed, the layers would be read twice.
            self.assertGreaterEqual(read, layers)
            self.assertLess(read, layers * 3 // 2, f"{read} bytes read for {layers} bytes of layers")

        def stored(cache, layer):
            blob = os.path.join(cache, "blobs", "sha256", layer.digest.split(":", 1)[1])
            if not os.path.exists(blob):
                return False
            with open(blob, "rb") as f:
                self.assertEqual(sha256(f.read()), layer.digest)
            return True

        def listed(cache, layer):
            return os.path.isfile(os.path.join(cache, "listings", layer.digest.split(":", 1)[1] + ".cbor"))

        checked = self.path("cache-check")
        run(checked, "--check", "--json")
        for layer in base.layers:
            self.assertFalse(stored(checked, layer), "--check copied a layer of the layout into the cache")
            self.assertTrue(listed(checked, layer))
        built = self.path("cache-build")
        run(built, "-o", "oci:" + self.path("out-build") + ":t")
        for layer in base.layers:
            self.assertTrue(stored(built, layer))
            self.assertTrue(listed(built, layer))
        # A build after a check: the layers are copied now, their listings reused.
        listings = {layer.digest: os.stat(os.path.join(checked, "listings", layer.digest.split(":", 1)[1] + ".cbor"))
                    for layer in base.layers}
        run(checked, "-o", "oci:" + self.path("out-after-check") + ":t")
        for layer in base.layers:
            self.assertTrue(stored(checked, layer))
            again = os.stat(os.path.join(checked, "listings", layer.digest.split(":", 1)[1] + ".cbor"))
            self.assertEqual((again.st_ino, again.st_mtime_ns),
                             (listings[layer.digest].st_ino, listings[layer.digest].st_mtime_ns),
                             "the listing --check kept was written again")

    def test_a_corrupt_layer_of_the_right_size_is_refused_and_nothing_of_it_is_kept(self):
        good, digest, size = self.one_layer_layout()
        hexdigest = digest.split(":", 1)[1]
        # Byte 4 is the gzip header's MTIME: the tar inflates and lists as before. The
        # middle is deflate data: inflating fails, or the member's CRC does not match.
        for name, offset in (("header", 4), ("middle", size // 2)):
            with self.subTest(name):
                def flip(f):
                    f.seek(offset)
                    byte = f.read(1)
                    f.seek(offset)
                    f.write(bytes([byte[0] ^ 0x55]))
                layout, blob = self.damaged_copy(good, name, hexdigest, flip)
                self.assertEqual(os.path.getsize(blob), size)
                r = self.refused_keeping_nothing(layout, name, hexdigest)
                self.assertIn(blob, r.stderr, r.describe())
                self.assertIn("has digest sha256:", r.stderr, r.describe())
                self.assertIn("expected " + digest, r.stderr, r.describe())
                # --check reads the layer where it is, and verifies it all the same.
                cache = "cache-check-" + name
                r = self.run_v2d(layout, "--check", cache=cache, expect=3, timeout=300)
                self.assertEqual(r.stderr.count("venv2docker: error:"), 1, r.describe())
                self.assertIn(f"({blob}) has digest sha256:", r.stderr, r.describe())
                kept = [os.path.join(root, f) for root, dirs, files in os.walk(self.path(cache))
                        for f in files if hexdigest in f]
                self.assertEqual(kept, [], "something of the damaged layer was kept")
                self.assert_no_temporaries(cache)

    def test_a_layer_file_of_the_wrong_length_is_refused_and_nothing_of_it_is_kept(self):
        good, digest, size = self.one_layer_layout()
        hexdigest = digest.split(":", 1)[1]
        # Cut in the middle of the deflate stream; or the whole layer and 64 MiB more,
        # of which one byte past the size is read.
        for name, change in (("shorter", lambda f: f.truncate(size // 2)),
                             ("longer", lambda f: (f.seek(0, os.SEEK_END), f.write(bytes(64 << 20))))):
            with self.subTest(name):
                layout, blob = self.damaged_copy(good, name, hexdigest, change)
                r = self.refused_keeping_nothing(layout, name, hexdigest)
                got = size // 2 if name == "shorter" else size + 1
                self.assertIn(f"({blob}) has {got} bytes, expected {size} ({digest})", r.stderr, r.describe())

    def test_a_layer_whose_tar_is_unreadable_is_refused_without_a_listing(self):
        base = bookworm()
        # Not a tar from its first block on; incompressible behind it, so that the bytes
        # the reading thread still has to pass dwarf what the channel between them holds.
        tar = b"\x01" * 512 + os.urandom(40 << 20)
        blob = gzip.compress(tar, compresslevel=1)
        layer = gzip_layer(base, blob, tar)
        layout = self.layout("unreadable", with_layers(base, [layer]))
        r = self.run_v2d(layout, "--check", cache="cache", expect=3, timeout=300)
        self.assertIn("layer " + layer.digest, r.stderr, r.describe())
        self.assertEqual(r.stderr.count("venv2docker: error:"), 1, r.describe())
        hexdigest = layer.digest.split(":", 1)[1]
        # --check stores no layer of a layout; what the bytes list is not kept either.
        self.assertFalse(os.path.exists(os.path.join(self.path("cache"), "blobs", "sha256", hexdigest)))
        self.assertFalse(os.path.exists(os.path.join(self.path("cache"), "listings", hexdigest + ".cbor")))
        self.assert_no_temporaries("cache")
        # A build stores the blob, whose bytes are the layer's; what they list is not kept.
        r = self.run_v2d(layout, "-o", "oci:" + self.path("out") + ":t", cache="cache-build", expect=3, timeout=300)
        self.assertIn("layer " + layer.digest, r.stderr, r.describe())
        with open(os.path.join(self.path("cache-build"), "blobs", "sha256", hexdigest), "rb") as f:
            self.assertEqual(sha256(f.read()), layer.digest)
        self.assertFalse(os.path.exists(os.path.join(self.path("cache-build"), "listings", hexdigest + ".cbor")))
        self.assert_no_temporaries("cache-build")


if __name__ == "__main__":
    unittest.main()
