"""Seed pictures: a simple drawing per product (its category's object in its own colours, its name beneath), made
with Pillow at seed time and stored through the same pipeline as an upload."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw, ImageFont

SIZE = (800, 600)
PALETTES = [  # (background, object, detail)
    ("#e8efe6", "#1f6f5c", "#f4d35e"),
    ("#f3ebe1", "#b5651d", "#2e4057"),
    ("#e6ecf5", "#2e4057", "#e07a5f"),
    ("#f5e9ec", "#8e3b46", "#f2cc8f"),
    ("#eef0ea", "#3d405b", "#81b29a"),
    ("#fdf3e1", "#d08c27", "#264653"),
]


def _apparel(d: ImageDraw.ImageDraw, fg: str, accent: str) -> None:
    d.polygon([(280, 150), (340, 130), (400, 160), (460, 130), (520, 150), (600, 230), (550, 280), (510, 250),
               (510, 480), (290, 480), (290, 250), (250, 280), (200, 230)], fill=fg)  # fmt: skip
    d.arc((360, 120, 440, 200), 20, 160, fill=accent, width=8)


def _kitchen(d: ImageDraw.ImageDraw, fg: str, accent: str) -> None:
    d.rounded_rectangle((270, 200, 490, 470), 24, fill=fg)
    d.ellipse((460, 260, 580, 400), outline=fg, width=26)
    for x in (330, 380, 430):
        d.line((x, 170, x + 10, 120), fill=accent, width=8)


def _electronics(d: ImageDraw.ImageDraw, fg: str, accent: str) -> None:
    d.rounded_rectangle((200, 170, 600, 430), 28, fill=fg)
    d.rounded_rectangle((230, 200, 570, 400), 14, fill=accent)
    d.rectangle((360, 430, 440, 470), fill=fg)
    d.rounded_rectangle((300, 465, 500, 485), 8, fill=fg)


def _outdoors(d: ImageDraw.ImageDraw, fg: str, accent: str) -> None:
    d.ellipse((520, 110, 620, 210), fill=accent)
    d.polygon([(140, 470), (340, 180), (540, 470)], fill=fg)
    d.polygon([(380, 470), (520, 260), (660, 470)], fill=fg)
    d.polygon([(300, 238), (340, 180), (380, 238), (360, 250), (340, 232), (320, 250)], fill="#ffffff")


def _stationery(d: ImageDraw.ImageDraw, fg: str, accent: str) -> None:
    d.rounded_rectangle((260, 130, 540, 480), 16, fill=fg)
    d.rectangle((260, 130, 300, 480), fill=accent)
    for y in range(190, 460, 40):
        d.line((330, y, 510, y), fill="#ffffff", width=4)


DRAWINGS = {"apparel": _apparel, "kitchen": _kitchen, "electronics": _electronics, "outdoors": _outdoors}


def illustrate(name: str, category: str) -> bytes:
    """A PNG of the product: colours chosen by its name, so each product looks its own and the same every seed."""
    bg, fg, accent = PALETTES[int(hashlib.sha256(name.encode()).hexdigest(), 16) % len(PALETTES)]
    img = Image.new("RGB", SIZE, bg)
    d = ImageDraw.Draw(img)
    DRAWINGS.get(category, _stationery)(d, fg, accent)
    font = ImageFont.load_default(size=34)
    d.text((SIZE[0] // 2, 540), name, fill=fg, font=font, anchor="mm")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()
