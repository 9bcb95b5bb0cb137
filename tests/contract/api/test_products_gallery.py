"""A product's gallery through the catalog API: up to 8 ordered images with alt text, uploaded one position at a time
or set as a list; the product's image fields follow the first image; a product stored before galleries reads as one."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
from PIL import Image

import services.products
from services.products.deps import deps as products_deps
from tests.support.products import new_product, outbox


@pytest.fixture(scope="module")
def app(service_config):
    return services.products.create_app(service_config())


def photo(size=(900, 700)) -> bytes:
    """A JPEG of its own: images are kept by the hash of their bytes, so a test that checks one was not stored needs
    bytes no other test stored (one random colour of 255 was not enough)."""
    buf = io.BytesIO()
    img = Image.new("RGB", size, (90, 90, 40))
    img.putdata([tuple(uuid.uuid4().bytes[:3]) for _ in range(64)])  # the first row's 64 pixels, at random
    img.save(buf, "JPEG")
    return buf.getvalue()


def upload(client, admin_headers, product_id, position, data=None, alt="The shirt from the front"):
    query = {} if alt is None else {"alt": alt}
    return client.put(
        f"/api/products/{product_id}/images/{position}",
        query_string=query,
        data=photo() if data is None else data,
        headers={**admin_headers, "Content-Type": "application/octet-stream"},
    )


def gallery_of_three(client, admin_headers) -> tuple[str, list[dict]]:
    product = client.post("/api/products", json=new_product(), headers=admin_headers).json
    for n, alt in enumerate(("Front", "Back", "Worn, with jeans"), start=1):
        assert upload(client, admin_headers, product["id"], n, alt=alt).status_code == 200
    return product["id"], client.get(f"/api/products/{product['id']}").json["images"]


def test_an_admin_uploads_three_images_in_order_and_the_product_image_is_the_first(client, admin_headers):
    product_id, images = gallery_of_three(client, admin_headers)
    assert [i["alt"] for i in images] == ["Front", "Back", "Worn, with jeans"]
    assert all(i["url"].startswith("/images/products/") and i["widths"] == [200, 400, 800] for i in images)
    shown = client.get(f"/api/products/{product_id}").json
    assert (shown["image"], shown["image_widths"]) == (images[0]["url"], images[0]["widths"])
    listed = client.get("/api/products", query_string={"ids": product_id}).json["items"][0]
    assert listed["images"] == images and listed["image"] == images[0]["url"]


def test_an_upload_in_place_of_an_image_replaces_it_and_one_past_the_end_never_leaves_a_gap(client, admin_headers):
    product_id, images = gallery_of_three(client, admin_headers)
    r = upload(client, admin_headers, product_id, 2, alt="Back, closer")
    assert r.status_code == 200 and [i["alt"] for i in r.json["images"]] == [
        "Front",
        "Back, closer",
        "Worn, with jeans",
    ]
    gap = upload(client, admin_headers, product_id, 5)
    assert gap.status_code == 409 and gap.json["error"] == "GALLERY_POSITION"
    assert upload(client, admin_headers, product_id, 9).status_code == 404  # positions are 1 to 8
    assert len(client.get(f"/api/products/{product_id}").json["images"]) == 3


def test_reordering_and_removing_images_moves_the_product_image_with_the_first(app, client, admin_headers):
    product_id, images = gallery_of_three(client, admin_headers)
    r = client.patch(f"/api/products/{product_id}", json={"images": [images[2], images[0]]}, headers=admin_headers)
    assert r.status_code == 200 and r.json["images"] == [images[2], images[0]]
    assert r.json["image"] == images[2]["url"]
    emptied = client.patch(f"/api/products/{product_id}", json={"images": []}, headers=admin_headers).json
    assert emptied["image"] == "/static/img/categories/testing.svg" and emptied["image_widths"] == []
    # The audit entry keeps what changed: the gallery before and after, by alt text and name.
    _, entries = outbox(app, product_id)
    audit = [e["data"] for e in entries if e["type"] == "admin.action"][-2]
    assert audit["before"]["images"].startswith("Front (") and "Worn, with jeans" in audit["before"]["images"]
    assert audit["after"]["images"].startswith("Worn, with jeans (") and audit["after"]["image"] == images[2]["url"]
    # product.changed is unchanged by galleries: it says the product changed, not its images.
    changed = [e["data"] for e in entries if e["type"] == "product.changed"][-1]
    assert "images" not in changed and "image" not in changed


def test_a_product_is_created_with_its_gallery(client, admin_headers):
    product_id, images = gallery_of_three(client, admin_headers)
    body = new_product(images=[{**images[1], "alt": "Back"}, images[0]])
    created = client.post("/api/products", json=body, headers=admin_headers)
    assert created.status_code == 201, created.json
    assert created.json["images"] == [{**images[1], "alt": "Back"}, images[0]]
    assert created.json["image"] == images[1]["url"] and created.json["image_widths"] == [200, 400, 800]


def test_an_older_client_sending_one_image_gets_a_one_image_gallery_named_after_the_product(client, admin_headers):
    assert client.post("/api/products", json=new_product(), headers=admin_headers).json["images"] == []
    drawing = "/static/img/seed/mug.png"
    created = client.post("/api/products", json=new_product(image=drawing), headers=admin_headers).json
    assert created["images"] == [{"url": drawing, "widths": [], "alt": created["name"]}]
    product_id, images = gallery_of_three(client, admin_headers)
    r = client.patch(f"/api/products/{product_id}", json={"image": drawing}, headers=admin_headers).json
    assert [(i["url"], i["alt"]) for i in r["images"]] == [
        (drawing, "Front"),
        (images[1]["url"], "Back"),
        (images[2]["url"], "Worn, with jeans"),
    ]


def test_a_product_stored_before_galleries_reads_as_a_gallery_of_its_one_image(app, client):
    product_id = uuid.uuid4().hex
    url = "/images/products/" + "c" * 64 + ".png"
    products_deps(app).repo.products.insert_one(
        {
            "_id": product_id,
            "name": "Old Lamp",
            "description": "",
            "price": 1200,
            "currency": "USD",
            "category": "testing",
            "sku": f"OLD-{product_id[:8]}",
            "image": url,
            "image_widths": [200, 400],
            "featured": False,
            "deleted": False,
        }
    )
    found = client.get(f"/api/products/{product_id}").json
    assert found["images"] == [{"url": url, "widths": [200, 400], "alt": "Old Lamp"}] and found["image"] == url


IMAGE = {"url": "/images/products/" + "d" * 64 + ".jpg", "widths": [200, 400, 800], "alt": "Front"}


@pytest.mark.parametrize(
    ("images", "field"),
    [
        ([IMAGE] * 9, "images"),
        ([IMAGE, {**IMAGE, "alt": ""}], "images.1.alt"),
        ([{"url": IMAGE["url"], "widths": []}], "images.0.alt"),
        ([{**IMAGE, "alt": "  "}], "images.0.alt"),
        ([{**IMAGE, "alt": "x" * 201}], "images.0.alt"),
        ([{**IMAGE, "url": "https://elsewhere.example.com/x.jpg"}], "images.0.url"),
        ([{**IMAGE, "url": "/images/products/../../metrics"}], "images.0.url"),
        ([{**IMAGE, "url": {"$gt": ""}}], "images.0.url"),
        ([{**IMAGE, "alt": {"$ne": None}}], "images.0.alt"),
        ([{**IMAGE, "widths": [1600]}], "images.0.widths.0"),
        ({"$set": {"price": 1}}, "images"),
        ("front.jpg", "images"),
    ],
)
def test_a_bad_gallery_is_refused_with_the_field_named(client, admin_headers, images, field):
    product_id = client.post("/api/products", json=new_product(), headers=admin_headers).json["id"]
    for r in (
        client.patch(f"/api/products/{product_id}", json={"images": images}, headers=admin_headers),
        client.post("/api/products", json=new_product(images=images), headers=admin_headers),
    ):
        assert r.status_code == 422 and r.json["error"] == "VALIDATION_ERROR", r.json
        assert field in r.json["details"]["fields"], r.json
    assert client.get(f"/api/products/{product_id}").json["images"] == []


@pytest.mark.parametrize("alt", [None, "", "   ", "x" * 201])
def test_an_upload_without_alt_text_is_refused_and_nothing_changes(client, admin_headers, alt):
    product_id = client.post("/api/products", json=new_product(), headers=admin_headers).json["id"]
    r = upload(client, admin_headers, product_id, 1, alt=alt)
    assert r.status_code == 422 and "alt" in r.json["details"]["fields"]
    assert client.get(f"/api/products/{product_id}").json["images"] == []


def test_an_upload_is_checked_as_the_product_image_is(client, admin_headers):
    product_id = client.post("/api/products", json=new_product(), headers=admin_headers).json["id"]
    assert upload(client, admin_headers, product_id, 1, data=b"GIF89a" + b"\x00" * 40).json["error"] == "IMAGE_TYPE"
    assert (
        upload(client, admin_headers, product_id, 1, data=b"\x89PNG" + b"\x00" * (3 * 1024 * 1024)).status_code == 413
    )
    assert upload(client, admin_headers, "no-such-product", 1).status_code == 404


def test_only_an_admin_uploads_to_a_gallery(client, issuer):
    assert upload(client, {}, "fountain-pen", 1).status_code == 401
    assert upload(client, issuer.headers(), "fountain-pen", 1).status_code == 403


def test_an_upload_to_a_position_that_would_leave_a_gap_stores_nothing(app, client, admin_headers):
    product_id = client.post("/api/products", json=new_product(), headers=admin_headers).json["id"]
    data = photo()
    assert upload(client, admin_headers, product_id, 2, data=data).status_code == 409
    assert upload(client, admin_headers, "no-such-product", 1, data=data).status_code == 404
    store = products_deps(app).images
    assert not store.exists({"_id": hashlib.sha256(data).hexdigest() + ".jpg"})
    assert upload(client, admin_headers, product_id, 1, data=data).status_code == 200
    assert store.exists({"_id": hashlib.sha256(data).hexdigest() + ".jpg"})
