"""The image pipeline's copies and the seed drawings, without a server: sizes, format, frame, each its own."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from PIL import Image

from services.products import images
from services.products.illustrations import illustrate
from services.products.seed import CATALOG


def encoded(size, kind="PNG", mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert(mode).save(buf, kind)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("size", "widths"),
    [((1600, 1200), [200, 400, 800]), ((1000, 2000), [200, 400, 800]), ((500, 400), [200, 400]), ((150, 150), [])],
)
def test_copies_are_webp_in_a_4_3_frame_and_never_enlarged(size, widths):
    made = images.copies(encoded(size, "JPEG"))
    assert sorted(made) == widths
    for width, data in made.items():
        with Image.open(io.BytesIO(data)) as copy:
            assert (copy.format, copy.size) == ("WEBP", (width, width * 3 // 4))


def test_a_transparent_png_keeps_its_transparency_in_its_copies():
    cutout = Image.new("RGBA", (400, 300), (30, 90, 60, 0))
    cutout.paste((30, 90, 60, 255), (100, 75, 300, 225))  # an opaque product on a clear background
    buf = io.BytesIO()
    cutout.save(buf, "PNG")
    with Image.open(io.BytesIO(images.copies(buf.getvalue())[200])) as copy:
        assert "A" in copy.getbands() and copy.getpixel((0, 0))[3] == 0


def test_each_seeded_product_gets_a_drawing_of_its_own_that_the_pipeline_accepts():
    drawings = {illustrate(name, category) for name, category, *_ in CATALOG}
    assert len(drawings) == len(CATALOG)
    sample = next(iter(drawings))
    assert images.inspect(sample) == ("png", "image/png")
    with Image.open(io.BytesIO(sample)) as img:
        assert img.size == (800, 600) and len(img.getcolors(maxcolors=100_000) or []) > 3  # not a grey box


def sized_png(size, mode="1") -> bytes:
    """A PNG of that many pixels in a small file (one colour): what a decompression bomb looks like, or a big scan."""
    buf = io.BytesIO()
    Image.new(mode, size).save(buf, "PNG")
    return buf.getvalue()


def test_an_image_of_40_megapixels_is_taken_and_one_pixel_row_more_is_refused():
    assert images.MAX_PIXELS == 40_000_000  # the bound
    assert images.inspect(sized_png((8000, 5000))) == ("png", "image/png")
    with pytest.raises(images.ImageRefused, match="too many pixels"):
        images.inspect(sized_png((8000, 5001)))


# The peak from /proc (VmHWM, kB): a new process's own, where ru_maxrss would carry the parent's peak over the exec.
MEASURE = """
import re, sys
from services.products import images
def peak():
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1])
data = open(sys.argv[1], "rb").read()
before = peak()
made = images.copies(data)
print(sorted(made), (peak() - before) // 1024)
"""


def test_copies_of_a_40_megapixel_photo_are_made_in_bounded_memory(tmp_path):
    """Decoding takes 4 bytes a pixel (160 MB); shrinking before converting keeps the rest small (a converted copy
    at full size would add as much again)."""
    path = tmp_path / "scan.png"
    path.write_bytes(sized_png((7300, 5470), "RGB"))
    assert path.stat().st_size < images.MAX_BYTES
    out = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, check=True)
    widths, grown_mb = out.stdout.split("]")
    assert widths == "[200, 400, 800" and int(grown_mb) < 220, out.stdout
