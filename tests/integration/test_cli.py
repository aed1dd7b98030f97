#!/usr/bin/python3
"""Command-line conventions docker, crane and ko users expect (docs/usage.md), each case
checked on what the image holds or what the process printed and returned:
- -n and -t take a whole reference (-t registry/app:1.2 as docker build has it); the two
  disagreeing is a usage error naming both;
- -X=VALUE means VALUE for short options (-w=/srv, -u=1000);
- K=V values keep their commas (-e JAVA_OPTS=a,b, --label, --annotation);
- --entrypoint/--cmd/--args are docker's Entrypoint and Cmd; --cmd '' is refused and
  --entrypoint '' resets the base's entrypoint to null;
- stdout holds one reference with its digest per output, and --iidfile/--metadata-file
  write the image ID and buildx's metadata;
- exit 1 for what the checks found, 2 for usage, 3 when it could not check; --json prints
  one object, errors included;
- --creds REGISTRY=USER:PASSWORD for the base's registry while pushing to another;
- did-you-mean for an unknown flag; a venv path that is a file is called a file;
- PATH names the venv's bin once when the base already has it."""
import hashlib
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import registries as r  # noqa: E402

# Nothing listens on port 1 of loopback: a registry that cannot be reached.
UNREACHABLE_BASE = "127.0.0.1:1/nowhere/base:1"


def scratch_build(case, *args, base="scratch", expect=0, env=None):
    """The demo venv over scratch (or `base`; checks as warnings), no project: quick, and
    every setting under test is in the image's config or manifest."""
    return h.v2d("-b", base, "--force", "--no-project", "--cache-dir", case.path("cache"), *args,
                 h.fixtures()["V2D_VENV_DEMO"], expect=expect, env=env, cwd=case.tmp)


def sha256_of(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class ImageNames(h.Case):
    def built_names(self, *flags):
        layout = self.path("layout")
        js = scratch_build(self, "--json", *flags, "-o", f"oci:{layout}").json()
        return js["full_name"], js["tag"], h.ImageLayout(layout).manifest_descriptor()["annotations"]

    def test_name_and_tag_take_a_whole_reference(self):
        for flags in (["-n", "localhost:5000/team/app:1.2"], ["-t", "localhost:5000/team/app:1.2"],
                      ["-n", "localhost:5000/team/app", "-t", "1.2"],
                      ["-n", "localhost:5000/team/app:1.2", "-t", "localhost:5000/team/app:1.2"]):
            with self.subTest(flags=flags):
                name, tag, annotations = self.built_names(*flags)
                self.assertEqual((name, tag), ("localhost:5000/team/app", "1.2"))
                self.assertEqual(annotations["org.opencontainers.image.ref.name"], "1.2")

    def test_disagreeing_name_and_tag_are_a_usage_error(self):
        for flags, mentions in ((["-n", "app", "-t", "other/app:1"], ["--name app", "--tag other/app:1"]),
                                (["-n", "app:1", "-t", "2"], ["--name app:1", "--tag gives 2"]),
                                (["-n", "app@sha256:" + "0" * 64], ["holds a digest"])):
            with self.subTest(flags=flags):
                res = scratch_build(self, *flags, "-o", f"oci:{self.path('out')}", expect=2)
                for mention in mentions:
                    self.assertIn(mention, res.stderr, res.describe())
                self.assertNotIn("NAME[:TAG]", res.stderr, res.describe())
                self.assertFalse(os.path.exists(self.path("out")))


class ContainerSettings(h.Case):
    def config_of(self, *flags, base=None):
        layout = self.path("layout")
        args = ["-n", "cli", "-t", "t", "-o", f"oci:{layout}", *flags]
        scratch_build(self, *args, base=base or "scratch")
        image = h.ImageLayout(layout)
        return image.config("t")["config"], image.manifest("t").get("annotations", {})

    def test_short_options_with_equals_take_the_value(self):
        config, _ = self.config_of("-w=/srv", "-u=1000", "-e=MODE=x")
        self.assertEqual(config["WorkingDir"], "/srv")
        self.assertEqual(config["User"], "1000")
        self.assertIn("MODE=x", config["Env"])

    def test_values_keep_their_commas(self):
        config, annotations = self.config_of("-e", "JAVA_OPTS=-Xmx1g,-Xms1g", "-e", "B=2", "--label", "team=a,b",
                                             "--annotation", "note=x,y")
        self.assertIn("JAVA_OPTS=-Xmx1g,-Xms1g", config["Env"])
        self.assertIn("B=2", config["Env"])
        self.assertEqual(config["Labels"]["team"], "a,b")
        self.assertEqual(annotations["note"], "x,y")

    def test_entrypoint_cmd_and_args_are_dockers(self):
        cases = ((["--entrypoint", "demo", "--args", "one", "--args", "two,three"], ["demo"], ["one", "two,three"]),
                 (["--cmd", "gunicorn", "--args", "app:app"], None, ["gunicorn", "app:app"]),
                 (["--args", "serve"], None, ["serve"]))
        for flags, entrypoint, cmd in cases:
            with self.subTest(flags=flags):
                config, _ = self.config_of(*flags)
                self.assertEqual(config.get("Entrypoint"), entrypoint)
                self.assertEqual(config.get("Cmd"), cmd)

    def test_empty_cmd_is_refused(self):
        res = scratch_build(self, "--cmd", "", "-o", f"oci:{self.path('out')}", expect=2)
        self.assertIn("--cmd", res.stderr, res.describe())
        self.assertFalse(os.path.exists(self.path("out")))

    def test_empty_entrypoint_resets_the_bases(self):
        base = self.path("base")
        scratch_build(self, "--entrypoint", "/bin/base-entry", "-o", f"oci:{base}:b")
        self.assertEqual(h.ImageLayout(base).config("b")["config"]["Entrypoint"], ["/bin/base-entry"])
        config, _ = self.config_of("--entrypoint", "", "--cmd", "python3", base=f"oci:{base}:b")
        self.assertIn("Entrypoint", config)
        self.assertIsNone(config["Entrypoint"])
        self.assertEqual(config["Cmd"], ["python3"])

    def test_path_names_the_venv_once(self):
        base = self.path("base")
        scratch_build(self, "-o", f"oci:{base}:b")
        self.assertTrue(h.env_list_to_dict(h.ImageLayout(base).config("b")["config"]["Env"])["PATH"]
                        .startswith("/opt/venv/bin:"))
        config, _ = self.config_of(base=f"oci:{base}:b")
        path = h.env_list_to_dict(config["Env"])["PATH"].split(":")
        self.assertEqual(path.count("/opt/venv/bin"), 1, path)
        self.assertEqual(path[0], "/opt/venv/bin")


class OutputsOnStdout(h.Case):
    def test_one_reference_per_output_and_the_id_files(self):
        layout, archive = self.path("layout"), self.path("image.tar")
        pushed = f"{h.registry()}/v2d-cli/app"
        iid, metadata = self.path("iid"), self.path("metadata.json")
        res = scratch_build(self, "-n", "cli", "-t", "t1", "-o", f"oci:{layout}:t1", "-o", f"docker-archive:{archive}",
                            "-o", f"registry:{pushed}:t1", "--iidfile", iid, "--metadata-file", metadata)
        image = h.ImageLayout(layout)
        manifest = image.manifest_descriptor("t1")["digest"]
        config = image.manifest("t1")["config"]["digest"]
        self.assertEqual(res.stdout.splitlines(),
                         [f"oci:{layout}:t1@{manifest}", f"docker-archive:{archive}@{manifest}",
                          f"{pushed}@{manifest}"], res.describe())
        # The pushed reference works as printed.
        inspected = json.loads(h.run_tool(["skopeo", "inspect", "--raw", "--tls-verify=false",
                                           f"docker://{res.stdout.splitlines()[2]}"]).stdout)
        self.assertEqual(inspected["config"]["digest"], config)
        with open(iid) as f:
            self.assertEqual(f.read(), config)
        self.assertEqual(config, sha256_of(image.blob(config)))
        with open(metadata) as f:
            meta = json.load(f)
        self.assertEqual(meta["containerimage.digest"], manifest)
        self.assertEqual(meta["containerimage.config.digest"], config)
        self.assertEqual(meta["containerimage.descriptor"]["digest"], manifest)
        self.assertIn("docker.io/library/cli:t1", meta["image.name"].split(","))
        self.assertEqual(sorted(os.listdir(self.tmp)), ["cache", "iid", "image.tar", "layout", "layout.lock", "metadata.json"])


class ExitStatus(h.Case):
    def test_could_not_check_is_3_and_json_says_why(self):
        res = h.v2d("--check", "--json", "-b", UNREACHABLE_BASE, "--cache-dir", self.path("cache"),
                    h.fixtures()["V2D_VENV_DEMO"], expect=3, cwd=self.tmp)
        error = res.json()["error"]
        self.assertIn("127.0.0.1:1", error["message"])
        self.assertEqual(error["exit_status"], 3)
        self.assertIn("venv2docker: error:", res.stderr)

    def test_problems_found_are_1(self):
        check = h.v2d("--check", "--json", "-b", "scratch", "--cache-dir", self.path("cache"),
                      h.fixtures()["V2D_VENV_DEMO"], expect=1, cwd=self.tmp)
        self.assertTrue(any(f["severity"] == "error" for f in check.json()["findings"]), check.describe())
        build = h.v2d("-b", "scratch", "--no-project", "--cache-dir", self.path("cache"), "-o",
                      f"oci:{self.path('out')}", h.fixtures()["V2D_VENV_DEMO"], expect=1, cwd=self.tmp)
        self.assertIn("cannot run on this base image", build.stderr, build.describe())

    def test_usage_is_2_and_json_says_why(self):
        res = h.v2d("--json", "--no-such-flag", expect=2, cwd=self.tmp)
        self.assertEqual(res.json()["error"]["exit_status"], 2)
        self.assertIn("--no-such-flag", res.json()["error"]["message"])


class FlagMistakes(h.Case):
    def test_unknown_flag_gets_the_nearest(self):
        for typed, meant in (("--pussh", "--push"), ("--entrypiont", "--entrypoint"), ("--metadata-fle=x", "--metadata-file"),
                             ("--iidfil", "--iidfile")):
            with self.subTest(typed=typed):
                res = h.v2d(typed, "venv", expect=2, cwd=self.tmp)
                self.assertIn(f"did you mean {meant}?", res.stderr, res.describe())

    def test_a_venv_that_is_a_file(self):
        with open(self.path("notavenv"), "w") as f:
            f.write("x\n")
        res = h.v2d("--check", "-b", "scratch", "notavenv", expect=2, cwd=self.tmp)
        self.assertIn("is a file, not a folder", res.stderr, res.describe())
        self.assertNotIn("no folder", res.stderr, res.describe())


class CredentialsPerRegistry(h.Case):
    """The base on a Basic-auth TLS registry, the image pushed to the shared plain one:
    --creds REGISTRY=USER:PASSWORD serves the base's registry, with no docker config."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca, crt, key = r.make_ca(os.path.join(cls.ctmp, "ca"))
        cls.basic = r.start_registry(os.path.join(cls.ctmp, "basic"), tls=(crt, key), htpasswd=True)
        cls.addClassCleanup(cls.basic.stop)

    def test_base_registry_credentials_while_pushing_elsewhere(self):
        env = h.scrubbed_env(DOCKER_CONFIG=self.path("no-docker-config"))
        creds = f"{self.basic.addr}={r.USER}:{r.PASSWORD}"
        base = f"{self.basic.addr}/private/base:1"
        scratch_build(self, "-o", f"registry:{base}", "--creds", creds, "--ca-cert", self.ca, env=env)
        pushed = f"{h.registry()}/v2d-cli/from-private"
        res = scratch_build(self, "--push", "-t", f"{pushed}:1", "--creds", creds, "--ca-cert", self.ca,
                            base=base, env=env)
        self.assertEqual(len(res.stdout.splitlines()), 1, res.describe())
        self.assertTrue(res.stdout.startswith(pushed + "@sha256:"), res.describe())
        self.assertNotIn(r.PASSWORD, res.stdout + res.stderr)
        # Without them the base's registry is refused, and the hint names it.
        res = scratch_build(self, "--push", "-t", f"{pushed}:2", "--ca-cert", self.ca, base=base, env=env,
                            expect=3)
        self.assertIn(f"--creds {self.basic.addr}=USER:PASSWORD", res.stderr, res.describe())


if __name__ == "__main__":
    unittest.main(verbosity=2)
