"""The image pipeline's copies and the seed drawings, without a server: sizes, format, frame, each its own."""

from __future__ import annotations

import io

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
