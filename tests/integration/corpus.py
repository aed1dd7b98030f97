"""The file tree every base of the real-builder corpus holds under /corpus, and what a
container must see of it. Shared by make_real_bases.py (which has each builder make it)
and the tests (which check it from inside containers).

Two steps, each its own layer: STEP1 makes the tree, STEP2 changes it the ways layers
express changes (whiteouts, a folder replaced by a file and the reverse, a folder's
contents replaced, a hard link to a file of the layer below, names that are not ASCII).
Each step is a POSIX shell script (dash), ASCII only: every name that is not ASCII is
spelled with printf octal escapes, so no builder, shell or locale re-encodes it.
The scripts work under a root prefix ($R, empty inside a builder's container).

Names are bytes throughout: a name that is not valid UTF-8 (Latin-1 "caf\\xe9") is part
of the corpus on purpose.
"""

NFC = "caf\u00e9".encode()            # é as one code point
NFD = "cafe\u0301".encode()           # e + combining acute: another name, same look
CJK = "\u65e5\u672c\u8a9e".encode()   # 日本語
EMOJI = "\U0001F40D".encode()         # 🐍 (4 bytes in UTF-8)
LATIN1 = b"caf\xe9"                   # not valid UTF-8
NEW_FOLDER = "\u65b0".encode()        # 新, a folder added by the second layer
LONG_NAME = "\u00e9".encode() * 118 + b".txt"   # 240 bytes
DEEP = b"deep/" + b"d" * 60 + b"/" + "\u00fc".encode() * 30 + b"/leaf.txt"  # > 100 bytes

NAMES = [NFC, NFD, CJK, EMOJI, LATIN1, LONG_NAME]


def _q(name):
    """A shell word for bytes `name`: plain when safe ASCII, else a printf of octal escapes."""
    if all(chr(b).isascii() and (chr(b).isalnum() or chr(b) in "-_./") for b in name):
        return name.decode("ascii")
    return "\"$(printf '" + "".join(f"\\{b:03o}" for b in name) + "')\""


def _p(rel):
    return '"$R"/corpus/' + _q(rel)


def _write(rel, text):
    return f"printf '%s' {text} > {_p(rel)}"


# Layer 1: the tree before the changes.
_STEP1 = [
    "mkdir -p \"$R\"/corpus/names \"$R\"/corpus/dir-to-file \"$R\"/corpus/opaque/sub \"$R\"/corpus/deleted-dir/sub",
    _write(b"delete-me", "gone"),
    _write(b"dir-to-file/inner.txt", "inner"),
    _write(b"file-to-dir", "was-a-file"),
    _write(b"opaque/old1", "old1"),
    _write(b"opaque/sub/old2", "old2"),
    _write(b"deleted-dir/sub/x", "x"),
    _write(b"hard-a", "shared"),
    f"ln {_p(b'hard-a')} {_p(b'hard-b')}",
    _write(b"early", "early"),
    *[_write(b"names/" + n, n.hex()) for n in NAMES],
    _write(b"names/gone-" + NFC, "gone"),
    f"ln -s {_q(CJK)} {_p(b'names/link-' + NFC)}",
    f"mkdir -p {_p(DEEP.rsplit(b'/', 1)[0])}",
    _write(DEEP, "deep"),
]

# A folder replaced by a file. umoci (0.4.7) writes this change as the file followed by
# a whiteout under it ("dir-to-file/.wh.inner.txt"), a layer Docker and podman both
# refuse ("unlinkat /corpus/dir-to-file/inner.txt: not a directory"; the kind of layer
# of opencontainers/umoci#254): the umoci base is made without it (STEP2_UMOCI).
_DIR_TO_FILE = [
    f"rm -r {_p(b'dir-to-file')}",
    _write(b"dir-to-file", "now-a-file"),
]

# Layer 2: the changes.
_STEP2 = [
    f"rm {_p(b'delete-me')}",
    *_DIR_TO_FILE,
    f"rm {_p(b'file-to-dir')}",
    f"mkdir {_p(b'file-to-dir')}",
    _write(b"file-to-dir/child.txt", "child"),
    f"rm -r {_p(b'opaque')}",
    f"mkdir {_p(b'opaque')}",
    _write(b"opaque/new.txt", "new"),
    f"rm -r {_p(b'deleted-dir')}",
    f"rm {_p(b'names/gone-' + NFC)}",
    f"ln {_p(b'early')} {_p(b'late-link')}",
    f"mkdir {_p(NEW_FOLDER)}",
    _write(NEW_FOLDER + b"/" + EMOJI, "new-emoji"),
    _write(b"b-hard-1", "b-shared"),
    f"ln {_p(b'b-hard-1')} {_p(b'b-hard-2')}",
]

STEP1 = "set -e; " + "; ".join(_STEP1)
STEP2 = "set -e; " + "; ".join(_STEP2)
STEP2_UMOCI = "set -e; " + "; ".join(c for c in _STEP2 if c not in _DIR_TO_FILE)


def _file(text):
    return ("f", text.encode())


# What the container sees under /corpus after both steps: relative path -> ("d", None),
# ("f", content) or ("l", target). Nothing else may be there.
EXPECTED = {
    b"names": ("d", None),
    b"dir-to-file": _file("now-a-file"),
    b"file-to-dir": ("d", None),
    b"file-to-dir/child.txt": _file("child"),
    b"opaque": ("d", None),
    b"opaque/new.txt": _file("new"),
    b"hard-a": _file("shared"),
    b"hard-b": _file("shared"),
    b"early": _file("early"),
    b"late-link": _file("early"),
    **{b"names/" + n: ("f", n.hex().encode()) for n in NAMES},
    b"names/link-" + NFC: ("l", CJK),
    b"deep": ("d", None),
    DEEP.rsplit(b"/", 2)[0]: ("d", None),
    DEEP.rsplit(b"/", 1)[0]: ("d", None),
    DEEP: _file("deep"),
    NEW_FOLDER: ("d", None),
    NEW_FOLDER + b"/" + EMOJI: _file("new-emoji"),
    b"b-hard-1": _file("b-shared"),
    b"b-hard-2": _file("b-shared"),
}

# The same without the folder replaced by a file (STEP2_UMOCI).
EXPECTED_UMOCI = {**{p: e for p, e in EXPECTED.items() if p != b"dir-to-file"},
                  b"dir-to-file": ("d", None), b"dir-to-file/inner.txt": _file("inner")}

# Paths that share one inode.
HARDLINK_GROUPS = [{b"hard-a", b"hard-b"}, {b"early", b"late-link"}, {b"b-hard-1", b"b-hard-2"}]
