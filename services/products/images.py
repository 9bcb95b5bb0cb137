"""Product images: checked by their content (Pillow decodes them), kept in MongoDB's GridFS under the hash of
their bytes, served with a content-hash URL that never changes meaning (so caches may keep it a year)."""

from __future__ import annotations

import hashlib
import io
import warnings

import gridfs
from PIL import Image, UnidentifiedImageError

from common.errors import AppError, NotFound

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000  # a small file that decodes to a huge bitmap (a "decompression bomb") is refused
FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"), "WEBP": ("webp", "image/webp")}
URL_PREFIX = "/images/products/"


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


def save(store: gridfs.GridFS, data: bytes) -> str:
    """Keep the image (once per content) and answer its URL path."""
    ext, content_type = inspect(data)
    digest = hashlib.sha256(data).hexdigest()
    name = f"{digest}.{ext}"
    if not store.exists({"_id": name}):
        try:
            store.put(data, _id=name, filename=name, contentType=content_type)
        except gridfs.errors.FileExists:
            pass  # the same bytes uploaded twice at once: one copy is kept
    return URL_PREFIX + name


def load(store: gridfs.GridFS, name: str) -> tuple[bytes, str]:
    try:
        found = store.get(name)
    except gridfs.errors.NoFile:
        raise NotFound("No such image", code="IMAGE_NOT_FOUND") from None
    return found.read(), FORMATS_BY_EXT[name.rsplit(".", 1)[1]]


FORMATS_BY_EXT = {ext: content_type for ext, content_type in FORMATS.values()}
