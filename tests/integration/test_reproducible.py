#!/usr/bin/python3
"""(d) Reproducibility: the same venv built twice with the same SOURCE_DATE_EPOCH into
fresh cache folders gives byte-identical images (also with a different thread count when
the binary has a knob for it), and SOURCE_DATE_EPOCH sets `created` and every mtime."""
import datetime
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from validate_image import validate_image  # noqa: E402

EPOCH = 1700000000


def thread_knob():
    """(option, env var) for the worker count, as far as --help tells; None when absent."""
    text = h.v2d("--help").stdout
    option = next((o for o in ("--threads", "--jobs") if re.search(re.escape(o) + r"\b", text)), None)
    m = re.search(r"\b((?:V2D|VENV2DOCKER)_(?:THREADS|JOBS))\b", text)
    return option, (m.group(1) if m else None)


class Reproducible(h.Case):
    def build_into(self, label, *extra, env_extra=None, cache=None):
        out = self.path(label)
        env = h.scrubbed_env(SOURCE_DATE_EPOCH=str(EPOCH), **(env_extra or {}))
        cache = cache or self.path(label + "-cache")
        js, _ = h.build("-n", "repro", "-t", "r", "--cache-dir", cache, "-o", f"oci:{out}:r", *extra, env=env)
        return js, validate_image(out, tag="r", report=js).layout, cache

    def test_same_epoch_same_digests(self):
        option, env_var = thread_knob()
        a_extra, b_extra, a_env, b_env = [], [], None, None
        if option:
            a_extra, b_extra = [option, "1"], [option, "4"]
        elif env_var:
            a_env, b_env = {env_var: "1"}, {env_var: "4"}
        else:
            print("note: --help names no thread-count knob; comparing default runs only", file=sys.stderr)

        js_a, lay_a, cache_a = self.build_into("a", *a_extra, env_extra=a_env)
        js_b, lay_b, _ = self.build_into("b", *b_extra, env_extra=b_env)
        self.assertEqual(js_a["manifest_digest"], js_b["manifest_digest"])
        self.assertEqual(js_a["config_digest"], js_b["config_digest"])
        self.assertEqual(js_a["layers"], js_b["layers"])
        self.assertEqual(lay_a.read("index.json"), lay_b.read("index.json"))
        self.assertEqual(lay_a.names(), lay_b.names())

        # A rebuild reusing a warm cache gives the same image too.
        js_c, _, _ = self.build_into("c", cache=cache_a)
        self.assertEqual(js_c["manifest_digest"], js_a["manifest_digest"])

        # SOURCE_DATE_EPOCH sets `created` and every mtime in the layers venv2docker wrote.
        config = lay_a.config("r")
        created = datetime.datetime.fromisoformat(config["created"].replace("Z", "+00:00"))
        self.assertEqual(int(created.timestamp()), EPOCH, config["created"])
        base_count = len(h.ImageLayout(h.bases()["V2D_BASE_BOOKWORM_OCI"]).manifest()["layers"])
        new_layers = lay_a.top_layers(base_count, "r")
        self.assertTrue(new_layers)
        bad = [f"{path}: {m.mtime}" for d in new_layers for path, m in lay_a.layer_members(d).items()
               if m.mtime != EPOCH]
        self.assertEqual(bad[:20], [], f"{len(bad)} entries with mtime != SOURCE_DATE_EPOCH")

    def test_different_epoch_changes_only_dates(self):
        js_a, lay_a, _ = self.build_into("a")
        out = self.path("late")
        env = h.scrubbed_env(SOURCE_DATE_EPOCH=str(EPOCH + 86400))
        js_late, _ = h.build("-n", "repro", "-t", "r", "--cache-dir", self.path("late-cache"),
                             "-o", f"oci:{out}:r", env=env)
        self.assertNotEqual(js_a["manifest_digest"], js_late["manifest_digest"])
        late = h.ImageLayout(out).config("r")
        self.assertEqual(late["rootfs"]["diff_ids"][:1], lay_a.config("r")["rootfs"]["diff_ids"][:1])


if __name__ == "__main__":
    unittest.main(verbosity=2)
