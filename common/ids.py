"""The shapes of ids, written once; every check is a fullmatch, so a trailing newline never passes."""

from __future__ import annotations

import re

# A product or order id in a path or body: a slug ("classic-linen-shirt") or a minted id.
ID = re.compile(r"[A-Za-z0-9-]{1,64}")
# An id this shop mints with uuid4().hex: guest carts, addresses, request ids, checkout keys.
MINTED_ID = re.compile(r"[0-9a-f]{32}")
# A variant's stock-keeping unit, as the catalog, carts, stock and the back office's forms take it.
SKU = re.compile(r"[A-Za-z0-9-]{1,40}")
# The same shapes for pydantic and JSON Schema, whose patterns search the text unless anchored.
ID_SCHEMA = f"^{ID.pattern}$"
MINTED_ID_SCHEMA = f"^{MINTED_ID.pattern}$"
SKU_SCHEMA = f"^{SKU.pattern}$"
# The admin's image upload form (below /f/admin/ in the shell, at the admin fragment's root): the one form post that
# carries a file. Through the API (/api/products/…) an image of the gallery is uploaded the same way.
IMAGE_UPLOAD_FORM = re.compile(rf"products/{ID.pattern}/image")
IMAGE_UPLOAD_API = re.compile(rf"{IMAGE_UPLOAD_FORM.pattern}(s/[1-8])?")
# A product image's stored name: the SHA-256 of its bytes and its type's extension (content-addressed, immutable).
IMAGE_NAME = re.compile(r"[0-9a-f]{64}(-(200|400|800))?\.(png|jpg|webp)")  # an original, or a WebP copy of a width


def is_id(value: object) -> bool:
    return isinstance(value, str) and ID.fullmatch(value) is not None


def is_minted_id(value: object) -> bool:
    return isinstance(value, str) and MINTED_ID.fullmatch(value) is not None
