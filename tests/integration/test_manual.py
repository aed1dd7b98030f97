#!/usr/bin/python3
"""The man page and the bash, zsh and fish completion scripts that meson generates from the
command's flags (src/manual/): `man --warnings -l` renders the page without a warning and
it documents every flag --help lists; each script passes its shell's syntax check, loads,
and offers every long flag (bash and fish asked for completions for real, zsh through
compinit and its specs); `meson install --destdir` puts all four where man and the shells
look."""
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

MANUAL = os.environ.get("V2D_MANUAL_DIR", "")
BUILD_ROOT = os.environ.get("V2D_BUILD_ROOT", "")
C_LOCALE = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": os.environ.get("HOME", "/root"), "LC_ALL": "C"}


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=C_LOCALE, **kw)


def help_flags():
    """Every flag name --help lists in its option column (-n, --name, --lib-path...)."""
    text = h.v2d("--help").stdout
    flags = set()
    for line in text.splitlines():
        m = re.match(r"^\s+(-[^\s]+)", line)
        if m:
            flags.update(name for name in m.group(1).split(",") if name.startswith("-"))
    return flags


class Manual(h.Case):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not MANUAL:
            raise h.SetupError("V2D_MANUAL_DIR is not set: run through meson test")
        cls.flags = help_flags()
        cls.long_flags = {f for f in cls.flags if f.startswith("--")}
        if "--name" not in cls.long_flags or len(cls.long_flags) < 30:
            raise h.SetupError(f"--help lists too few flags: {sorted(cls.flags)}")

    def file(self, name):
        return os.path.join(MANUAL, name)

    def test_the_man_page_renders_without_warnings_and_lists_every_flag(self):
        r = run(["man", "--warnings", "-l", self.file("venv2docker.1")])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "", "man --warnings complained")
        rendered = re.sub(r".\x08", "", r.stdout)
        shown = set(re.findall(r"(?<![\w-])--?[a-z][a-z0-9_-]*", rendered))
        self.assertEqual(self.flags - shown, set(), "flags in --help but not in the man page")
        self.assertIn("[tool.venv2docker]", rendered)

    def test_bash_offers_every_flag(self):
        script = self.file("venv2docker")
        self.assertEqual(run(["bash", "-n", script]).returncode, 0)
        r = run(["bash", "-c", f'source "{script}"; COMP_WORDS=(venv2docker -); COMP_CWORD=1; _venv2docker; '
                               'printf "%s\\n" "${COMPREPLY[@]}"; complete -p venv2docker'])
        self.assertEqual(r.returncode, 0, r.stderr)
        offered = set(r.stdout.splitlines())
        self.assertEqual(self.flags - offered, set())
        self.assertIn("complete -o filenames -F _venv2docker venv2docker", r.stdout)
        r2 = run(["bash", "-c", f'source "{script}"; COMP_WORDS=(venv2docker --print-c); COMP_CWORD=1; '
                                '_venv2docker; printf "%s\\n" "${COMPREPLY[@]}"'])
        self.assertEqual(r2.stdout, "--print-config\n")

    def test_zsh_loads_the_function_and_it_names_every_long_flag(self):
        script = self.file("_venv2docker")
        r = run(["zsh", "-n", script])
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        dump = self.path("zcompdump")
        r = run(["zsh", "-f", "-c", f"fpath=({MANUAL} $fpath); autoload -Uz compinit; compinit -u -d {dump}; "
                                    "print -r -- $_comps[venv2docker]"])
        self.assertEqual(r.stdout.strip(), "_venv2docker", r.stderr)
        with open(script) as f:
            specs = set(re.findall(r"\)(--[a-z][a-z0-9_-]*)\[|\*(--[a-z][a-z0-9_-]*)\[", f.read()))
        named = {a or b for a, b in specs}
        self.assertEqual(self.long_flags - named, set())

    def test_fish_offers_every_long_flag_with_its_description(self):
        script = self.file("venv2docker.fish")
        r = run(["fish", "--no-execute", script])
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        r = run(["fish", "--no-config", "-c", f"source {script}; complete --do-complete='venv2docker --'"])
        self.assertEqual(r.returncode, 0, r.stderr)
        offered = {line.split("\t")[0]: line.partition("\t")[2] for line in r.stdout.splitlines()}
        self.assertEqual(self.long_flags - set(offered), set())
        self.assertEqual(offered["--load"], "Load the image into the Docker daemon")

    def test_meson_install_puts_them_where_man_and_the_shells_look(self):
        dest = self.path("dest")
        r = run(["meson", "install", "-C", BUILD_ROOT, "--no-rebuild", "--destdir", dest])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        prefix = run(["meson", "introspect", "--buildoptions", BUILD_ROOT]).stdout
        import json
        options = {o["name"]: o["value"] for o in json.loads(prefix)}
        root = dest + options["prefix"]
        share = os.path.join(root, options["datadir"])
        for installed in (os.path.join(root, options["mandir"], "man1", "venv2docker.1"),
                          os.path.join(share, "bash-completion", "completions", "venv2docker"),
                          os.path.join(share, "zsh", "site-functions", "_venv2docker"),
                          os.path.join(share, "fish", "vendor_completions.d", "venv2docker.fish"),
                          os.path.join(root, options["bindir"], "venv2docker")):
            self.assertTrue(os.path.isfile(installed), installed)


if __name__ == "__main__":
    unittest.main(verbosity=2)
