#!/usr/bin/python3
"""What the programs venv2docker runs may see, and what it prints of them (issue 16, defect 6).

Real children only: a credential helper (the docker-credential protocol, as a shell script
on PATH) answering for a token-auth registry, and a local sdist whose setup.py runs in
pip's build backend during a `--pip` install. Each writes down the environment and the open
descriptors it was given. Checked:
- neither sees VENV2DOCKER_REGISTRY_PASSWORD nor a canary variable of the caller's; each sees
  what it needs (PATH and HOME; DOCKER_CONFIG for the helper; PIP_* for pip);
- neither holds a descriptor of venv2docker's (a cache file, a socket);
- a failing helper's stdout (which may hold a secret) is never printed, its stderr is, cleaned;
- `--creds USER --password-stdin` reads the password from standard input, and refuses a
  password given twice."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import registries as r  # noqa: E402

BASE_REPO, BASE_TAG = "base/bookworm", "py"
CANARY = "v2d-canary-7f3a"
CALLER_PASSWORD = "hunter2-registry-password"

# Writes down, as one JSON line in $1, the environment and the descriptors' targets of
# itself and of each ancestor up to (not including) venv2docker: the helper or pip that
# venv2docker started is among them, whatever Python's subprocess closed on the way.
RECORD = r'''
import json, os, sys

def describe(pid):
    fds = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            fds[fd] = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            pass
    with open(f"/proc/{pid}/environ", "rb") as f:
        env = dict(item.decode(errors="replace").partition("=")[::2] for item in f.read().split(b"\0") if item)
    return {"pid": pid, "exe": os.readlink(f"/proc/{pid}/exe"), "env": env, "fds": fds}

processes, pid = [], os.getpid()
while pid > 1 and not os.readlink(f"/proc/{pid}/exe").endswith("/venv2docker"):
    processes.append(describe(pid))
    with open(f"/proc/{pid}/stat") as f:
        pid = int(f.read().rsplit(")", 1)[1].split()[1])
with open(sys.argv[1], "a") as out:
    out.write(json.dumps({"reached_venv2docker": pid > 1, "processes": processes}) + "\n")
'''


class ChildProcesses(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.services = []
        cls.addClassCleanup(lambda: [s.stop() for s in cls.services])
        cls.tokens, token_config = r.start_token_service(os.path.join(cls.ctmp, "tokens"))
        cls.services.append(cls.tokens)
        cls.registry = r.start_registry(os.path.join(cls.ctmp, "tokreg"), token=token_config)
        cls.services.append(cls.registry)
        base_layout = f"oci:{h.bases()['V2D_BASE_BOOKWORM_OCI']}:{h.bases()['V2D_BASE_BOOKWORM_TAG']}"
        h.run_tool(["skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false",
                    f"--dest-creds={r.USER}:{r.PASSWORD}", base_layout,
                    f"docker://{cls.registry.addr}/{BASE_REPO}:{BASE_TAG}"])
        cls.recorder = os.path.join(cls.ctmp, "record.py")
        with open(cls.recorder, "w") as f:
            f.write(RECORD)

    def setUp(self):
        super().setUp()
        self.base = f"{self.registry.addr}/{BASE_REPO}:{BASE_TAG}"
        self.cache = self.path("cache")
        self.env = h.scrubbed_env(HOME=self.path("home"), XDG_RUNTIME_DIR=self.path("no-xdg"),
                                  REGISTRY_AUTH_FILE=None, DOCKER_AUTH_CONFIG=None,
                                  VENV2DOCKER_REGISTRY_USER=None,
                                  VENV2DOCKER_REGISTRY_PASSWORD=CALLER_PASSWORD, V2D_CANARY=CANARY)
        self.env.pop("VENV2DOCKER_REGISTRY_USER", None)
        os.makedirs(self.path("home"), exist_ok=True)
        r.read_log(self.tokens.requests)  # what came before this test

    def helper(self, name, body):
        folder = self.path("bin")
        os.makedirs(folder, exist_ok=True)
        script = os.path.join(folder, f"docker-credential-{name}")
        with open(script, "w") as f:
            f.write("#!/bin/sh\n" + body)
        os.chmod(script, 0o755)
        return folder

    def docker_config(self, helper):
        folder = self.path("docker")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump({"credsStore": helper}, f)
        return folder

    def clean_children(self, log, what):
        """The environments venv2docker gave, from each record in `log`, once each
        record is shown to hold no secret."""
        records = self.records(log)
        self.assertTrue(records, f"{what} never ran")
        for record in records:
            self.assertSawNoSecret(record)
        return [self.started_by_venv2docker(record) for record in records]

    def records(self, path):
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def assertSawNoSecret(self, record):
        """No process venv2docker started, nor any below it, saw a secret or a descriptor of ours."""
        self.assertTrue(record["reached_venv2docker"], record)
        for process in record["processes"]:
            env, what = process["env"], f"{process['exe']} (pid {process['pid']})"
            # Names only in a failure: the environment itself may hold the machine's secrets.
            self.assertFalse([k for k, v in env.items() if CANARY in v], f"{what} saw the canary")
            self.assertFalse([k for k, v in env.items() if CALLER_PASSWORD in v], f"{what} saw the password")
            self.assertFalse([k for k in env if k.startswith("VENV2DOCKER_")], f"{what} saw VENV2DOCKER_*")
            for fd, target in process["fds"].items():
                self.assertFalse(target.startswith(self.cache), f"{what}: fd {fd} -> {target}")
                self.assertFalse(target.startswith(self.path("out")), f"{what}: fd {fd} -> {target}")
                self.assertFalse(target.startswith("socket:"), f"{what}: fd {fd} -> {target}")

    def started_by_venv2docker(self, record):
        """What venv2docker gave the process it started (the last before it)."""
        return record["processes"][-1]["env"]

    def out(self):
        return ["-o", f"oci:{self.path('out')}:t"]

    def test_credential_helper_sees_no_secret_of_ours(self):
        log = self.path("helper.jsonl")
        folder = self.helper("canary", f"[ \"$1\" = get ] || exit 3\nread url\n"
                                       f"/usr/bin/python3 {self.recorder} {log}\n"
                                       f"printf '%s' '{{\"ServerURL\":\"'$url'\",\"Username\":\"{r.USER}\","
                                       f"\"Secret\":\"{r.PASSWORD}\"}}'\n")
        env = dict(self.env, DOCKER_CONFIG=self.docker_config("canary"), PATH=folder + ":" + os.environ["PATH"])
        h.build("--cache-dir", self.cache, *self.out(), base=self.base, env=env)
        for given in self.clean_children(log, "the helper"):
            self.assertEqual(given.get("DOCKER_CONFIG"), env["DOCKER_CONFIG"])
            self.assertEqual(given.get("HOME"), env["HOME"])
            self.assertIn(folder, given.get("PATH", ""))

    def test_failing_helper_stdout_is_never_printed(self):
        stdout_secret = "ghp_SecretTokenOnStdout123"
        folder = self.helper("failing", f"echo '{stdout_secret}'\n"
                                        "printf '\\033]0;pwned\\007\\033[31mkeychain locked\\033[0m\\n' >&2\nexit 1\n")
        env = dict(self.env, DOCKER_CONFIG=self.docker_config("failing"), PATH=folder + ":" + os.environ["PATH"])
        f = h.fixtures()
        res = h.v2d("--cache-dir", self.cache, "-b", self.base, "--project", f["V2D_PROJECT"], f["V2D_VENV_DEMO"],
                    env=env, expect=3)
        self.assertIn("docker-credential-failing", res.stderr)
        self.assertIn("keychain locked", res.stderr)
        self.assertNotIn(stdout_secret, res.stderr + res.stdout)
        self.assertNotIn("\x1b", res.stderr)
        self.assertNotIn("\x07", res.stderr)

    def test_pip_build_backend_sees_no_secret_of_ours(self):
        log = self.path("setup.jsonl")
        project = self.path("canarypkg")
        os.makedirs(project)
        with open(os.path.join(project, "setup.py"), "w") as f:
            f.write(f"import subprocess, sys\n"
                    f"subprocess.run(['/usr/bin/python3', {self.recorder!r}, {log!r}], check=True)\n"
                    "from setuptools import setup\n"
                    "setup(name='v2d-canary-pkg', version='1.0', py_modules=[])\n")
        requirements = self.path("requirements.txt")
        with open(requirements, "w") as f:
            f.write(project + "\n")
        env = dict(self.env, PIP_NO_INDEX="1", PIP_FIND_LINKS="/usr/share/python-wheels")
        h.build("--cache-dir", self.cache, "--pip", requirements, *self.out(),
                base=f"oci:{h.bases()['V2D_BASE_BOOKWORM_OCI']}:{h.bases()['V2D_BASE_BOOKWORM_TAG']}", env=env)
        for given in self.clean_children(log, "setup.py"):
            self.assertEqual(given.get("HOME"), env["HOME"])
            self.assertEqual(given.get("PIP_NO_INDEX"), "1")

    def test_password_stdin(self):
        f = h.fixtures()
        env = dict(self.env, DOCKER_CONFIG=self.path("no-docker"))
        cmd = [h.v2d_bin(), "--json", "--cache-dir", self.cache, "-b", self.base, "--project", f["V2D_PROJECT"],
               "--creds", r.USER, "--password-stdin", *self.out(), f["V2D_VENV_DEMO"]]
        p = subprocess.run(cmd, input=r.PASSWORD + "\n", env=env, cwd=self.tmp, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn(r.PASSWORD, p.stdout + p.stderr)
        log = r.read_log(self.tokens.requests)
        self.assertTrue(log and all(e["authorized"] and e["account"] == r.USER for e in log), log)

        # The password given twice, or no user: a usage error before anything runs.
        for creds in (["--creds", f"{r.USER}:{r.PASSWORD}"], []):
            cmd = [h.v2d_bin(), "--cache-dir", self.cache, "-b", self.base, *creds, "--password-stdin",
                   f["V2D_VENV_DEMO"]]
            p = subprocess.run(cmd, input=r.PASSWORD, env=env, cwd=self.tmp, capture_output=True, text=True)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("--password-stdin", p.stderr)
            self.assertNotIn(r.PASSWORD, p.stderr)


if __name__ == "__main__":
    unittest.main()
