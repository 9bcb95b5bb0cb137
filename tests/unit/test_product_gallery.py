"""A product's gallery without a server: the older one-image shape read as a gallery, the image fields that follow the
first image, and what the API's models refuse (a ninth image, an image without alt text, a URL of another kind)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from common.errors import Conflict
from services.products import gallery
from services.products.schemas import GalleryImageQuery, ProductCreate, ProductUpdate

PHOTO = "/images/products/" + "a" * 64 + ".jpg"
BACK = "/images/products/" + "b" * 64 + ".png"


def image(url=PHOTO, alt="The shirt from the front", widths=(200, 400, 800)) -> dict:
    return {"url": url, "widths": list(widths), "alt": alt}


def test_a_product_stored_with_one_image_reads_as_a_gallery_of_that_image_with_its_name_as_alt_text():
    old = {"_id": "linen-shirt", "name": "Linen Shirt", "image": PHOTO, "image_widths": [200, 400]}
    assert gallery.gallery_of(old) == [{"url": PHOTO, "widths": [200, 400], "alt": "Linen Shirt"}]


def test_a_product_stored_with_a_drawing_and_no_copies_keeps_it_with_no_widths():
    old = {"name": "Mug", "image": "/static/img/seed/mug.png"}
    assert gallery.gallery_of(old) == [{"url": "/static/img/seed/mug.png", "widths": [], "alt": "Mug"}]


@pytest.mark.parametrize("stored", [{"image": "/static/img/categories/kitchen.svg"}, {"image": None}, {}])
def test_a_category_placeholder_or_no_image_is_an_empty_gallery(stored):
    assert gallery.gallery_of({"name": "Mug", **stored}) == []


def test_a_product_that_has_a_gallery_keeps_it_as_it_is():
    doc = {"name": "Mug", "image": PHOTO, "images": [image(BACK), image(PHOTO)]}
    assert gallery.gallery_of(doc) == doc["images"]


def test_the_image_fields_follow_the_first_image_or_fall_back_to_the_category_drawing():
    assert gallery.cover([image(BACK, widths=(400, 200)), image()], "apparel") == {
        "images": [image(BACK, widths=(200, 400)), image()],
        "image": BACK,
        "image_widths": [200, 400],
    }
    assert gallery.cover([], "apparel") == {
        "images": [],
        "image": "/static/img/categories/apparel.svg",
        "image_widths": [],
    }


def test_an_older_clients_image_replaces_the_first_image_and_keeps_its_alt_text_and_the_rest():
    current = {"name": "Shirt", "category": "apparel", "images": [image(alt="Front"), image(BACK, alt="Back")]}
    after = gallery.changed(current, {"image": BACK, "image_widths": [200]})
    assert after["images"] == [image(BACK, alt="Front", widths=[200]), image(BACK, alt="Back")]
    assert (after["image"], after["image_widths"]) == (BACK, [200])


def test_an_image_is_placed_in_place_of_one_or_after_the_last_and_never_leaves_a_gap():
    current = {"name": "Shirt", "images": [image(alt="Front")]}
    assert gallery.placed(current, 1, image(BACK, alt="New")) == [image(BACK, alt="New")]
    assert gallery.placed(current, 2, image(BACK, alt="New")) == [image(alt="Front"), image(BACK, alt="New")]
    with pytest.raises(Conflict) as refused:
        gallery.placed(current, 3, image(BACK))
    assert refused.value.code == "GALLERY_POSITION"
    full = {"images": [image(alt=f"View {n}") for n in range(8)]}
    with pytest.raises(Conflict):
        gallery.placed(full, 9, image(BACK))


BASE = {"name": "Linen Shirt", "price": 4500, "category": "apparel", "sku": "LIN-1"}


def test_a_product_may_have_eight_images_and_not_nine():
    assert len(ProductCreate.model_validate({**BASE, "images": [image()] * 8}).images or []) == 8
    with pytest.raises(ValidationError, match="at most 8"):
        ProductCreate.model_validate({**BASE, "images": [image()] * 9})
    with pytest.raises(ValidationError, match="at most 8"):
        ProductUpdate.model_validate({"images": [image()] * 9})


@pytest.mark.parametrize("alt", ["", "   ", "x" * 201, None, 5, {"$ne": ""}])
def test_every_image_needs_alt_text_of_1_to_200_characters(alt):
    with pytest.raises(ValidationError) as refused:
        ProductUpdate.model_validate({"images": [image(), {"url": BACK, "widths": [], "alt": alt}]})
    assert [e["loc"] for e in refused.value.errors()] == [("images", 1, "alt")]
    with pytest.raises(ValidationError):
        ProductUpdate.model_validate({"images": [{"url": BACK, "widths": []}]})
    with pytest.raises(ValidationError):
        GalleryImageQuery.model_validate({"alt": alt} if isinstance(alt, str) else {})


@pytest.mark.parametrize(
    "bad",
    [
        {"url": "https://elsewhere.example.com/a.jpg"},
        {"url": "javascript:alert(1)"},
        {"url": "/images/products/" + "a" * 63 + ".jpg"},
        {"url": "/images/products/" + "a" * 64 + ".gif"},
        {"url": {"$gt": ""}},
        {"widths": [300]},
        {"widths": [200, 400, 800, 200]},
        {"widths": ["200"]},
        {"caption": "an unknown field"},
    ],
)
def test_an_image_of_another_kind_or_shape_is_refused(bad):
    with pytest.raises(ValidationError):
        ProductUpdate.model_validate({"images": [{**image(), **bad}]})


def test_alt_text_of_200_characters_in_any_script_is_taken():
    alt = "Льняная рубашка, вид спереди " * 7
    assert ProductUpdate.model_validate({"images": [image(alt=alt[:200])]}).images[0].alt == alt[:200]


def test_the_api_answers_a_product_stored_before_galleries_with_its_gallery():
    from services.products.service import public_product

    old = {"_id": "old-lamp", "name": "Old Lamp", "image": PHOTO, "image_widths": [200]}
    assert public_product(old)["images"] == [{"url": PHOTO, "widths": [200], "alt": "Old Lamp"}]
