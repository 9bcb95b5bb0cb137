"""Product images: checked by their content (Pillow decodes them), kept in MongoDB's GridFS under the hash of
their bytes, served with a content-hash URL that never changes meaning (so caches may keep it a year). Beside each
original, 200, 400 and 800 px wide WebP copies (cropped to the pages' 4:3 frame) for srcset."""

from __future__ import annotations

import hashlib
import io
import threading
import warnings

import gridfs
from PIL import Image, ImageOps, UnidentifiedImageError

from common.errors import AppError, NotFound

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a small file that decodes to a huge bitmap (a "decompression bomb") is refused
FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"), "WEBP": ("webp", "image/webp")}
URL_PREFIX = "/images/products/"
WIDTHS = (200, 400, 800)  # a phone's card, a phone's product page (or a desktop card at 2x), a desktop product page
# Decoding is the memory peak (at most 4 bytes a pixel of MAX_PIXELS, 160 MB; the bitmap is shrunk before any converted
# copy is made): one at a time per process bounds it, and a second upload waits its turn while other requests go on.
_resizing = threading.BoundedSemaphore(1)
# Modes Image.reduce takes; the others (palette, 1-bit) hold a byte a pixel, so converting them first costs less.
REDUCIBLE = {"L", "LA", "RGB", "RGBA", "CMYK", "YCbCr", "I", "F"}


class ImageTooLarge(AppError):
    status, code = 413, "IMAGE_TOO_LARGE"


class ImageRefused(AppError):
    status, code = 422, "IMAGE_TYPE"


def image_store(db) -> gridfs.GridFS:
    return gridfs.GridFS(db, collection="images")


def inspect(data: bytes) -> tuple[str, str]:
    """(extension, content type) of a PNG, JPEG or WebP image; anything else, whatever its name, is refused."""
    if len(data) > MAX_BYTES:
        raise ImageTooLarge("An image may be at most 2 MB", {"max_bytes": MAX_BYTES, "bytes": len(data)})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                kind = img.format
                if img.width * img.height > MAX_PIXELS:
                    raise ImageRefused("The image has too many pixels", {"max_pixels": MAX_PIXELS})
                img.verify()  # reads the whole file: a truncated or corrupt one fails here
    except ImageRefused:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as e:
        raise ImageRefused("Upload a PNG, JPEG or WebP image", {"reason": type(e).__name__}) from None
    if kind not in FORMATS:
        raise ImageRefused("Upload a PNG, JPEG or WebP image", {"format": kind})
    return FORMATS[kind]


def copies(data: bytes) -> dict[int, bytes]:
    """WebP copies of a checked image, per width of WIDTHS it is large enough for (never enlarged), 4:3."""
    with _resizing, Image.open(io.BytesIO(data)) as img:
        img.draft("RGB", (WIDTHS[-1] * 2, WIDTHS[-1] * 2))  # a JPEG decodes at a fraction of its size: less memory
        mode = "RGBA" if "A" in img.getbands() else "RGB"
        decoded = img if img.mode in REDUCIBLE else img.convert(mode)
        # Shrunk by a whole factor while still at least twice the largest copy (either way up), before any copy of it
        # is made (turning it upright or converting it): the decoded bitmap stays the one large allocation.
        factor = min(max(decoded.size) // (WIDTHS[-1] * 2), min(decoded.size) // (WIDTHS[-1] * 3 // 2))
        if factor > 1:
            reduced = decoded.reduce(factor)  # keeps the image's info, so its EXIF orientation too
            upright = ImageOps.exif_transpose(reduced, in_place=True) or reduced
        else:
            upright = ImageOps.exif_transpose(decoded)
        frame = upright.convert(mode)
        widths = [w for w in WIDTHS if w <= frame.width and w * 3 // 4 <= frame.height]
        if not widths:
            return {}
        largest = ImageOps.fit(frame, (widths[-1], widths[-1] * 3 // 4), Image.Resampling.LANCZOS)
        out = {}
        for w in widths:
            sized = largest if w == widths[-1] else largest.resize((w, w * 3 // 4), Image.Resampling.LANCZOS)
            buf = io.BytesIO()
            sized.save(buf, "WEBP", quality=80, method=1)
            out[w] = buf.getvalue()
        return out


def _put(store: gridfs.GridFS, name: str, data: bytes, content_type: str) -> None:
    if not store.exists({"_id": name}):
        try:
            store.put(data, _id=name, filename=name, contentType=content_type)
        except gridfs.errors.FileExists:
            pass  # the same bytes uploaded twice at once: one copy is kept


def save(store: gridfs.GridFS, data: bytes) -> tuple[str, list[int]]:
    """Keep the image and its WebP copies (once per content); answer its URL path and the copies' widths."""
    ext, content_type = inspect(data)
    digest = hashlib.sha256(data).hexdigest()
    sized = copies(data)
    for width, copy in sized.items():
        _put(store, f"{digest}-{width}.webp", copy, "image/webp")
    _put(store, f"{digest}.{ext}", data, content_type)  # last: an original present means its copies are too
    return f"{URL_PREFIX}{digest}.{ext}", sorted(sized)


def load(store: gridfs.GridFS, name: str) -> tuple[bytes, str]:
    try:
        found = store.get(name)
    except gridfs.errors.NoFile:
        raise NotFound("No such image", code="IMAGE_NOT_FOUND") from None
    return found.read(), FORMATS_BY_EXT[name.rsplit(".", 1)[1]]


FORMATS_BY_EXT = {ext: content_type for ext, content_type in FORMATS.values()}
