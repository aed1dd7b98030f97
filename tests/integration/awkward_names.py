"""A folder of names that tar writers and readers get wrong, for the awkward venv and
project (make_venvs.py): the tests check each name arrives byte for byte in the image,
inside running containers and through GNU tar.

Names are bytes. One of them (Latin-1 "caf\\xe9") is not valid UTF-8: venv2docker
stores such names as raw bytes, as GNU tar does.
"""
import os

NFC = "caf\u00e9".encode()            # é as one code point
NFD = "cafe\u0301".encode()           # e + combining acute
CJK = "\u65e5\u672c\u8a9e".encode()   # 日本語
EMOJI = "\U0001F40D".encode()         # 🐍
LATIN1 = b"caf\xe9"                   # not valid UTF-8
LONG = "\u00e9".encode() * 118 + b".txt"  # 240 bytes, under the 255 most file systems allow
DEEP = b"deep/" + b"d" * 50 + b"/" + "\u00fc".encode() * 40 + b"/leaf.txt"  # more than 100 bytes

FILES = [NFC + b".txt", NFD + b".txt", CJK + b".txt", EMOJI + b".txt", LATIN1 + b".txt", LONG,
         DEEP, "donn\u00e9es".encode() + b"/" + CJK, b"hard-1"]
HARDLINKS = {b"hard-2": b"hard-1"}                # new name: existing name
SYMLINKS = {b"lien-" + NFC: CJK + b".txt",        # a non-ASCII target
            b"lien-" + LATIN1: LATIN1 + b".txt"}  # a target that is not UTF-8


def make_tree(root):
    """Writes the names under folder `root` (str or bytes); each file holds its name in hex."""
    root = os.fsencode(root)
    for rel in FILES:
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(rel.hex().encode())
    for new, existing in HARDLINKS.items():
        os.link(os.path.join(root, existing), os.path.join(root, new))
    for link, target in SYMLINKS.items():
        os.symlink(target, os.path.join(root, link))
