"""Random valid images for tests, seeded: the same seed gives the same bytes, so a failure
is reproduced by its seed (printed to stderr when the test did not choose one).

    layer = random_layer(seed=1)
    image = random_image(seed=2, layers=3, family="docker", platform="linux/arm64/v8")
    index = random_index(seed=3, platforms=("linux/amd64", "linux/arm64/v8"))
    image_writers.write_oci_layout(path, {"t": image})

Layers hold folders, files of random bytes, symlinks and hard links under a random top
folder, names with non-ASCII letters among them; configs hold an environment, a command,
labels, and history with an empty-layer entry between real ones, as `docker build`
writes for ENV or CMD. The values are image_model's: write them with image_writers.
"""
import random
import secrets
import sys

from image_model import Entry, Image, Index, Layer

_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_-"
_NON_ASCII = ["é", "ß", "日本", "ü", "ø"]


def _rng(seed, what):
    if seed is None:
        seed = secrets.randbits(32)
        print(f"{what}: seed {seed}", file=sys.stderr)
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def _name(rng):
    name = "".join(rng.choice(_LETTERS) for _ in range(rng.randint(3, 12)))
    return name + rng.choice(_NON_ASCII) if rng.random() < 0.2 else name


def random_entries(seed=None, files=4, max_size=4096, top=None):
    """Entries of one layer: folders under `top` (random when None), `files` files of
    random bytes, one symlink and one hard link to the first file."""
    rng = _rng(seed, "random_entries")
    top = top or "r-" + _name(rng)
    folders = [top] + [f"{top}/{_name(rng)}" for _ in range(rng.randint(0, 2))]
    entries = [Entry(folder, "dir") for folder in folders]
    paths = set()
    while len(paths) < files:
        paths.add(f"{rng.choice(folders)}/{_name(rng)}.bin")
    paths = sorted(paths)
    for path in paths:
        entries.append(Entry(path, data=rng.randbytes(rng.randint(0, max_size)), mode=rng.choice((0o644, 0o755))))
    if paths:
        entries.append(Entry(f"{top}/link-{_name(rng)}", "symlink", target=paths[0].rsplit("/", 1)[1]
                             if paths[0].count("/") == 1 else "/" + paths[0]))
        entries.append(Entry(f"{top}/hard-{_name(rng)}", "hardlink", target=paths[0]))
    return entries


def random_layer(seed=None, files=4, max_size=4096, family="oci", compression="gzip", entries=None):
    """A layer of `entries`, or of random_entries(seed, files, max_size)."""
    rng = _rng(seed, "random_layer")
    return Layer.from_entries(entries if entries is not None else random_entries(rng, files, max_size),
                              family, compression)


def platform_fields(platform):
    """{"os", "architecture"[, "variant"]} from "os/arch[/variant]"."""
    parts = platform.split("/")
    out = {"os": parts[0], "architecture": parts[1]}
    if len(parts) > 2:
        out["variant"] = parts[2]
    return out


def random_config(seed=None, layers=2, platform="linux/amd64", created="2000-01-01T00:00:00Z"):
    """A config without rootfs: the platform, an environment, a command, labels, and
    history for `layers` layers with one empty-layer entry among them."""
    rng = _rng(seed, "random_config")
    history = [{"created": created, "created_by": f"random layer {i}"} for i in range(layers)]
    history.insert(rng.randint(0, len(history)), {"created": created, "created_by": "ENV RANDOM=1",
                                                   "empty_layer": True})
    return dict(platform_fields(platform), created=created, history=history, config={
        "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", f"RANDOM_SEED={_name(rng)}"],
        "Cmd": ["/bin/sh"],
        "Labels": {"org.example.random": _name(rng)},
    })


def random_image(seed=None, layers=2, family="oci", platform="linux/amd64", files=4, max_size=4096,
                 compression="gzip", config=None):
    """An image of `layers` random layers; `config` (without rootfs) replaces the random one."""
    rng = _rng(seed, "random_image")
    made = [random_layer(rng, files, max_size, family, compression) for _ in range(layers)]
    return Image(config if config is not None else random_config(rng, layers, platform), made, family)


def random_index(seed=None, platforms=("linux/amd64", "linux/arm64/v8"), layers=2, family="oci", **image_args):
    """An index of one random image per platform."""
    rng = _rng(seed, "random_index")
    return Index([random_image(rng, layers, family, platform, **image_args) for platform in platforms], family)
