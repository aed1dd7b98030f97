#!/usr/bin/python3
"""Prints the host path of every entry in the interpreter layer of an image in
an OCI layout (the layer whose history says "host interpreter"), one per line,
for the files that exist on this host. With the venv's own paths, that is the
tree a --python-from host build packs, so tar | pigz can be timed over the
same tree.

Usage: interpreter_files.py OCI_LAYOUT_DIR
"""
import json
import os
import sys
import tarfile


def blob(layout, digest):
    algorithm, hex_digest = digest.split(":", 1)
    return os.path.join(layout, "blobs", algorithm, hex_digest)


def read_json(layout, digest):
    with open(blob(layout, digest)) as f:
        return json.load(f)


def main(layout):
    with open(os.path.join(layout, "index.json")) as f:
        manifest = read_json(layout, json.load(f)["manifests"][0]["digest"])
    config = read_json(layout, manifest["config"]["digest"])
    with_layers = [h for h in config.get("history", []) if not h.get("empty_layer")]
    # The base's layers come first; the history covers them too, in order.
    for entry, layer in zip(with_layers, manifest["layers"]):
        if "host interpreter" in entry.get("created_by", ""):
            break
    else:
        sys.exit("interpreter_files.py: no interpreter layer in " + layout)
    with tarfile.open(blob(layout, layer["digest"]), "r:gz") as tar:
        for member in tar:
            path = "/" + member.name.rstrip("/")
            if os.path.lexists(path):
                print(path)


if __name__ == "__main__":
    main(sys.argv[1])
