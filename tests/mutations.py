"""A mutation corpus for fuzzing intake (issue #14): generated scans and PDFs, then cut short,
bit-flipped, given other dimensions in their headers, or spliced, by a seeded generator.

Every case is a small file (a few KiB to ~100 KiB) so that the cases which still decode cost
little OCR. ``python -m tests.mutations DIR --count N`` writes a corpus to look at.
"""

from __future__ import annotations

import argparse
import io
import random
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

SUFFIX = {"png": ".png", "jpeg": ".jpg", "tiff": ".tif", "pdf": ".pdf"}


def _scan(rng: random.Random) -> Image.Image:
    size = (rng.randint(120, 420), rng.randint(90, 300))
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    for line in range(rng.randint(1, 4)):
        draw.text((10, 10 + 18 * line), f"SURAT {rng.randint(0, 99999)}", fill=0)
    return img


def base_file(rng: random.Random, kind: str) -> bytes:
    """A small valid scan of ``kind``: png, jpeg, tiff (1-3 pages) or pdf (1-3 pages)."""
    buf = io.BytesIO()
    img = _scan(rng)
    if kind == "png":
        img.convert(rng.choice(["L", "RGB", "P", "1"])).save(buf, "PNG")
    elif kind == "jpeg":
        img.convert(rng.choice(["L", "RGB"])).save(buf, "JPEG", quality=rng.randint(30, 90))
    else:
        pages = [img] + [_scan(rng) for _ in range(rng.randint(0, 2))]
        fmt = "TIFF" if kind == "tiff" else "PDF"
        pages[0].save(buf, fmt, save_all=True, append_images=pages[1:])
    return buf.getvalue()


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randint(0, max(0, len(data) - 1))]


def flip_bits(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        at = rng.randrange(len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def overwrite_header(rng: random.Random, data: bytes) -> bytes:
    """Random bytes over the first 64 bytes: where formats keep their dimensions."""
    out = bytearray(data)
    for at in range(min(64, len(out))):
        if rng.random() < 0.15:
            out[at] = rng.randrange(256)
    return bytes(out)


def change_dimensions(rng: random.Random, data: bytes) -> bytes:
    """New width/height in a PNG's IHDR (CRC fixed, so the header still parses), a JPEG's
    SOF, a TIFF's first tags or a PDF's MediaBox: 0, 1, huge or merely wrong."""
    pick = rng.choice([0, 1, 2, 7, 65535, 100_000, 2**31 - 1, rng.randint(1, 5000)])
    other = rng.choice([0, 1, 3, 65535, rng.randint(1, 5000)])
    out = bytearray(data)
    if data.startswith(b"\x89PNG"):
        out[16:24] = struct.pack(">II", pick, other)
        out[29:33] = struct.pack(">I", zlib.crc32(bytes(out[12:29])))
    elif data.startswith(b"\xff\xd8"):
        sof = data.find(b"\xff\xc0")
        if sof > 0:
            out[sof + 5 : sof + 9] = struct.pack(">HH", pick & 0xFFFF, other & 0xFFFF)
    elif data.startswith(b"%PDF"):
        text = data.replace(b"/MediaBox [", f"/MediaBox [{-pick} {other} ".encode(), 1)
        return text
    else:
        out[10:18] = struct.pack("<II", pick, other)
    return bytes(out)


def splice(rng: random.Random, data: bytes) -> bytes:
    """A block of the file repeated or dropped somewhere in the middle."""
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.randint(1, 4096))
    return data[:a] + data[a:b] * rng.randint(0, 3) + data[b:]


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "truncate": truncate,
    "flip_bits": flip_bits,
    "overwrite_header": overwrite_header,
    "change_dimensions": change_dimensions,
    "splice": splice,
}


def corpus(count: int, seed: int) -> list[tuple[str, bytes]]:
    """``count`` cases (name, bytes); names say the base kind and the mutation."""
    rng = random.Random(seed)
    kinds = list(SUFFIX)
    cases = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        mutation = list(MUTATIONS)[(i // len(kinds)) % len(MUTATIONS)]
        data = MUTATIONS[mutation](rng, base_file(rng, kind))
        cases.append((f"fuzz-{i:03d}-{kind}-{mutation}{SUFFIX[kind]}", data))
    return cases


def main() -> None:  # pragma: no cover
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    for name, data in corpus(args.count, args.seed):
        (args.folder / name).write_bytes(data)


if __name__ == "__main__":  # pragma: no cover
    main()
