"""What a file tree holds, names as bytes: run on the host, and inside containers as
`python -c SOURCE ROOT...`, so both sides are described by the same code.

snapshot(root) -> {relative path (bytes): (kind, detail, inode)}: kind "d" (folder),
"f" (file: detail is the SHA-256 of its bytes) or "l" (symlink: detail is the target's
bytes); symlinks are never followed. As a program it prints one JSON object,
{"trees": {root: {hex(path): [kind, hex(detail), inode]}}}, and with --run CMD... also
the output of a command run inside the container after the trees were read.
Standard library only; Python 3.8 or later (it runs on the images' interpreters).
"""
import hashlib
import json
import os
import stat
import subprocess
import sys


def snapshot(root):
    root = os.fsencode(root)
    tree = {}

    def walk(rel):
        folder = os.path.join(root, rel) if rel else root
        for name in sorted(os.listdir(folder)):
            path = os.path.join(rel, name) if rel else name
            full = os.path.join(folder, name)
            info = os.lstat(full)
            if stat.S_ISLNK(info.st_mode):
                tree[path] = ("l", os.readlink(full), info.st_ino)
            elif stat.S_ISDIR(info.st_mode):
                tree[path] = ("d", b"", info.st_ino)
                walk(path)
            else:
                with open(full, "rb") as f:
                    tree[path] = ("f", hashlib.sha256(f.read()).digest(), info.st_ino)

    walk(b"")
    return tree


def to_json(tree):
    return {path.hex(): [kind, detail.hex(), inode] for path, (kind, detail, inode) in tree.items()}


def from_json(document):
    return {bytes.fromhex(path): (kind, bytes.fromhex(detail), inode) for path, (kind, detail, inode) in document.items()}


def main(argv):
    run = argv.index("--run") if "--run" in argv else len(argv)
    report = {"trees": {root: to_json(snapshot(root)) for root in argv[:run]}}
    if run < len(argv):
        report["run"] = subprocess.run(argv[run + 1:], stdout=subprocess.PIPE, check=True).stdout.decode()
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
