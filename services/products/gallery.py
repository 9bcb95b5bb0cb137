"""A product's gallery: up to 8 ordered images, each {url, widths, alt}. The product's `image` and `image_widths`
follow its first image on every write (cards, emails and older clients read those); with no image, the category's
placeholder drawing."""

from __future__ import annotations

from common.errors import Conflict

MAX_IMAGES = 8
PLACEHOLDERS = "/static/img/categories/"


def placeholder(category: str) -> str:
    return f"{PLACEHOLDERS}{category}.svg"


def gallery_of(doc: dict) -> list[dict]:
    """The gallery of a stored product. One stored before galleries shows its one image, with the product's name as
    its alt text (what the page said of it); a category placeholder is no image of the product."""
    if "images" in doc:
        return doc["images"]
    image = doc.get("image")
    if not image or image.startswith(PLACEHOLDERS):
        return []
    return [{"url": image, "widths": list(doc.get("image_widths") or []), "alt": doc.get("name", "")}]


def cover(images: list[dict], category: str) -> dict:
    """The gallery and the product fields that follow it."""
    images = [{**i, "widths": sorted(set(i.get("widths") or []))} for i in images]
    first = images[0] if images else None
    return {
        "images": images,
        "image": first["url"] if first else placeholder(category),
        "image_widths": first["widths"] if first else [],
    }


def changed(current: dict, changes: dict) -> dict:
    """The gallery fields after a write. `images` replaces the gallery; an older client's `image` (and the upload's
    `image_widths`) replaces its first image, which keeps its alt text."""
    category = changes.get("category", current.get("category", ""))
    if "images" in changes:
        return cover(changes["images"], category)
    images = gallery_of(current)
    alt = images[0]["alt"] if images else current.get("name", "")
    first = {"url": changes["image"], "widths": changes.get("image_widths", []), "alt": alt}
    return cover([first, *images[1:]], category)


def placed(current: dict, position: int, image: dict) -> list[dict]:
    """The gallery with `image` at `position` (1-based): in place of the one there, or added at the end."""
    images = list(gallery_of(current))
    if not 1 <= position <= min(len(images) + 1, MAX_IMAGES):
        raise Conflict(
            f"This gallery has {len(images)} images: set one of 1 to {min(len(images) + 1, MAX_IMAGES)}",
            {"position": position, "images": len(images), "max_images": MAX_IMAGES},
            code="GALLERY_POSITION",
        )
    images[position - 1 : position] = [image]
    return images


def audit_label(images: list[dict] | None) -> list[str] | None:
    """How the trail shows a gallery: each image's alt text and the start of its name, in order."""
    if images is None:
        return None
    return [f"{i['alt']} ({i['url'].rsplit('/', 1)[-1][:8]})" for i in images]
