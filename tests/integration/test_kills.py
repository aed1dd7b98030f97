#!/usr/bin/python3
"""Killed and interrupted runs: a layout that already holds a tag stays valid and keeps
it whatever moment a build into it is killed (SIGKILL at random moments, seeded, and at
the exact windows the test-only VENV2DOCKER_TEST_KILL_AT points name); the next normal
run leaves no temporary of a killed run in the cache or beside the layout; SIGINT and
SIGTERM end a build with 130 and 143, nothing half-written and every temporary removed,
also while a child (pip) runs: the child is ended too."""
import os
import random
import shutil
import signal
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import safety as s  # noqa: E402

KILLS = 15


class Kills(h.Case):
    epoch = 1_000_000_000  # SOURCE_DATE_EPOCH of the last run started

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # One cache for the class; each test gets its own layout holding the tag "old",
        # a copy of this one (hard links: blobs are never changed in place, and
        # index.json is replaced by rename, never rewritten).
        cls.cache = os.path.join(cls.ctmp, "cache")
        cls.template = os.path.join(cls.ctmp, "template")
        js, _ = h.build("--cache-dir", cls.cache, "-o", f"oci:{cls.template}:old")
        cls.old = js["manifest_digest"]

    def setUp(self):
        super().setUp()
        self.layout = self.path("out", "layout")
        shutil.copytree(self.template, self.layout, copy_function=os.link)

    def argv(self, tag="new"):
        return s.build_args(self.cache, self.layout, tag)

    runs = 0  # runs started, for their folders' names

    def start(self, name, **env):
        # A new SOURCE_DATE_EPOCH each run (the class's count, since the cache is the
        # class's): new layer bytes, so every run writes its layers again instead of
        # finding them cached, and a kill can land mid-layer.
        Kills.epoch += 1
        Kills.runs += 1
        work = self.path(f"{name}-{Kills.runs}")
        os.makedirs(work)
        return s.start(self.argv(), work, SOURCE_DATE_EPOCH=str(Kills.epoch), **env)

    def assertSurvived(self, why, thorough=True):
        s.assert_layout_keeps(self, self.layout, "old", self.old, why, thorough)

    def assertCleanAfterNormalRun(self, why):
        proc = self.start("normal")
        self.assertEqual(proc.wait(timeout=600), 0, s.logs(proc))
        self.assertEqual(s.temporaries(self.cache), [], f"{why}: temporaries left in the cache")
        self.assertEqual(s.temporaries(self.layout), [], f"{why}: temporaries left in the layout")
        self.assertEqual(s.beside_layout(self.layout), [], f"{why}: temporaries left beside the layout")
        self.assertSurvived(why)
        s.assert_layout_keeps(self, self.layout, "new", s.tag_digest(self.layout, "new"), why)

    def test_sigkill_at_random_moments(self):
        seed = int(os.environ.get("V2D_KILL_SEED", random.randrange(1 << 30)))
        print(f"kill seed: {seed} (V2D_KILL_SEED={seed} repeats this run)", file=sys.stderr, flush=True)
        rng = random.Random(seed)
        started = time.monotonic()
        proc = self.start("timing")
        self.assertEqual(proc.wait(timeout=600), 0, s.logs(proc))
        full = time.monotonic() - started
        killed_with_leftovers = 0
        for i in range(KILLS):
            delay = rng.uniform(0.05, full)
            proc = self.start(f"kill-{i}")
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            self.assertSurvived(f"kill {i} after {delay:.2f} s (seed {seed})", thorough=False)
            killed_with_leftovers += bool(s.temporaries(self.cache) or s.beside_layout(self.layout))
        print(f"{killed_with_leftovers} of {KILLS} kills left temporaries behind", file=sys.stderr)
        self.assertCleanAfterNormalRun(f"after {KILLS} kills (seed {seed})")

    def test_kill_points(self):
        # Each point, the window it opens, and where the killed run's temporary shows.
        points = {
            "mid-blob": lambda: s.temporaries(self.cache),
            "layout-index": lambda: s.temporaries(self.layout),
        }
        for point, leftovers in points.items():
            with self.subTest(point=point):
                proc = self.start(f"point-{point}", VENV2DOCKER_TEST_KILL_AT=point)
                self.assertEqual(proc.wait(timeout=600), -signal.SIGKILL, f"never reached {point}" + s.logs(proc))
                self.assertNotEqual(leftovers(), [], f"the kill at {point} left nothing to sweep")
                self.assertSurvived(f"kill at {point}")
                self.assertCleanAfterNormalRun(f"kill at {point}")

    def test_kill_while_a_new_layout_moves_in(self):
        fresh = self.path("new", "fresh")
        work = self.path("swap")
        os.makedirs(work)
        proc = s.start(s.build_args(self.cache, fresh, "t"), work, VENV2DOCKER_TEST_KILL_AT="directory-swap")
        self.assertEqual(proc.wait(timeout=600), -signal.SIGKILL, s.logs(proc))
        self.assertFalse(os.path.exists(fresh), "a half-made layout appeared")
        self.assertNotEqual(s.beside_layout(fresh), [], "the staged layout should sit beside it")
        self.assertEqual(h.v2d(*s.build_args(self.cache, fresh, "t")[1:]).returncode, 0)
        self.assertEqual(s.beside_layout(fresh), [], "the killed run's staged layout was not swept")
        s.assert_layout_keeps(self, fresh, "t", s.tag_digest(fresh, "t"), "after the swap")

    def test_sigint_and_sigterm(self):
        with open(os.path.join(self.layout, "index.json"), "rb") as f:
            index_before = f.read()
        for sig, status in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
            with self.subTest(signal=sig.name):
                proc = self.start(f"signal-{sig.name}")
                # Signalled while it writes a layer: its temporary blob is there.
                deadline = time.monotonic() + 300
                while not s.temporaries(self.cache) and proc.poll() is None:
                    self.assertLess(time.monotonic(), deadline, "no layer was ever written")
                    time.sleep(0.01)
                self.assertIsNone(proc.poll(), "the build ended before it could be signalled" + s.logs(proc))
                proc.send_signal(sig)
                self.assertEqual(proc.wait(timeout=120), status, s.logs(proc))
                self.assertEqual(s.temporaries(self.cache), [], "temporaries left in the cache")
                self.assertEqual(s.temporaries(self.layout), [], "temporaries left in the layout")
                self.assertEqual(s.beside_layout(self.layout), [], "temporaries left beside the layout")
                with open(os.path.join(self.layout, "index.json"), "rb") as f:
                    self.assertEqual(f.read(), index_before, "the layout changed")
                self.assertSurvived(f"{sig.name}")

    def test_sigterm_while_pip_runs(self):
        # An index that accepts connections and never answers keeps `--pip`'s pip
        # waiting, for as long as its timeouts allow: the moment to be cancelled.
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        self.addCleanup(silent.close)
        requirements = self.path("requirements-image.txt")
        with open(requirements, "w") as f:
            f.write(f"--index-url http://127.0.0.1:{silent.getsockname()[1]}/simple\nv2d-never-served\n")
        with open(os.path.join(self.layout, "index.json"), "rb") as f:
            index_before = f.read()
        Kills.runs += 1
        work = self.path(f"pip-{Kills.runs}")
        os.makedirs(work)
        proc = s.start(s.build_args(self.cache, self.layout, "new", extra=("--pip", requirements)), work)
        deadline = time.monotonic() + 300
        pip = []
        while not pip and proc.poll() is None:
            self.assertLess(time.monotonic(), deadline, "pip never started")
            pip = children_running(proc.pid, b"pip")
            time.sleep(0.05)
        self.assertIsNone(proc.poll(), "the build ended before pip ran" + s.logs(proc))
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=120), 143, s.logs(proc))
        for pid in pip:
            self.assertFalse(os.path.exists(f"/proc/{pid}"), f"pip (pid {pid}) outlived the cancelled run")
        self.assertEqual(s.temporaries(self.cache), [], "temporaries left in the cache")
        self.assertEqual(s.beside_layout(self.layout), [], "temporaries left beside the layout")
        with open(os.path.join(self.layout, "index.json"), "rb") as f:
            self.assertEqual(f.read(), index_before, "the layout changed")


def children_running(parent, word):
    """Pids of `parent`'s living children whose command line holds `word`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if int(fields[1]) == parent and fields[0] != b"Z" and word in cmdline:
            found.append(int(pid))
    return found


if __name__ == "__main__":
    unittest.main(verbosity=2)
