"""Product images: checked by content (not name), at most 2 MB, kept in GridFS, served with a content-hash URL."""

from __future__ import annotations

import io
import os
import uuid

import pytest
import requests
from PIL import Image

from tests.support.accounts_apps import new_user
from tests.support.admin_apps import CSRF, back_office_fixture, browser, deliver_admin_actions

office = back_office_fixture()


def image_bytes(kind: str, size=(8, 6), color=None) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color or (uuid.uuid4().int % 255, 120, 40)).save(buf, kind)
    return buf.getvalue()


@pytest.fixture()
def product(office) -> dict:
    sku = f"IMG-{uuid.uuid4().hex[:8].upper()}"
    r = requests.post(
        f"{office.gateway}/api/products",
        headers={"Authorization": f"Bearer {office.admin_token}"},
        json={"name": f"Framed Print {sku}", "price": 3500, "category": "stationery", "sku": sku},
        timeout=5,
    )
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture()
def admin_client(office):
    return browser(office.admin_app, office.admin_token)


def put_image(office, product_id, data, token=None):
    headers = {"Content-Type": "application/octet-stream"}
    if token is not False:
        headers["Authorization"] = f"Bearer {token or office.admin_token}"
    return requests.put(f"{office.gateway}/api/products/{product_id}/image", data=data, headers=headers, timeout=10)


@pytest.mark.parametrize(
    ("kind", "ext", "mime"),
    [("PNG", "png", "image/png"), ("JPEG", "jpg", "image/jpeg"), ("WEBP", "webp", "image/webp")],
)
def test_an_image_is_kept_by_content_hash_and_served_with_caching_headers(office, product, kind, ext, mime):
    data = image_bytes(kind)
    r = put_image(office, product["id"], data)
    assert r.status_code == 200, r.text
    url = r.json()["image"]
    assert url.startswith("/images/products/") and url.endswith(f".{ext}")
    served = requests.get(f"{office.gateway}/api/products/images/{url.rsplit('/', 1)[1]}", timeout=5)
    assert served.content == data and served.headers["Content-Type"] == mime
    assert "immutable" in served.headers["Cache-Control"] and "max-age=31536000" in served.headers["Cache-Control"]
    again = requests.get(served.url, headers={"If-None-Match": served.headers["ETag"]}, timeout=5)
    assert again.status_code == 304 and not again.content


def test_the_storefront_serves_the_image_through_the_shell_in_place_of_the_placeholder(office, product):
    url = put_image(office, product["id"], image_bytes("PNG")).json()["image"]
    client = office.shell_app.test_client()
    r = client.get(url)
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png" and "Set-Cookie" not in r.headers
    assert "immutable" in r.headers["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    page = client.get(f"/products/{product['id']}").get_data(as_text=True)
    assert f'src="{url}"' in page
    assert client.get("/images/products/" + "0" * 64 + ".png").status_code == 404
    assert client.get("/images/products/..%2F..%2Fmetrics").status_code == 404


def test_an_upload_gets_4_3_webp_copies_at_200_400_and_800_px_that_the_pages_offer_by_srcset(office, product):
    photo = io.BytesIO()
    Image.radial_gradient("L").resize((1600, 1400)).convert("RGB").save(photo, "JPEG", quality=90)
    answer = put_image(office, product["id"], photo.getvalue()).json()
    assert answer["image_widths"] == [200, 400, 800]
    stem = answer["image"].rsplit(".", 1)[0]
    tags = set()
    for width in (200, 400, 800):
        served = requests.get(
            f"{office.gateway}/api{stem.replace('/images/products', '/products/images')}-{width}.webp", timeout=5
        )
        assert served.status_code == 200 and served.headers["Content-Type"] == "image/webp"
        with Image.open(io.BytesIO(served.content)) as copy:
            assert (copy.format, copy.size) == ("WEBP", (width, width * 3 // 4))
        tags.add(served.headers["ETag"])
    assert len(tags) == 3 and len(photo.getvalue()) > 4 * len(served.content)
    page = office.shell_app.test_client().get(f"/products/{product['id']}").get_data(as_text=True)
    assert f'srcset="{stem}-200.webp 200w, {stem}-400.webp 400w, {stem}-800.webp 800w"' in page
    assert 'width="560" height="420" loading="eager" fetchpriority="high"' in page


def test_a_small_upload_is_never_enlarged_and_a_new_image_drops_the_old_copies(office, product):
    answer = put_image(office, product["id"], image_bytes("PNG", size=(500, 400))).json()
    assert answer["image_widths"] == [200, 400]
    assert put_image(office, product["id"], image_bytes("PNG")).json()["image_widths"] == []


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a" + b"\x00" * 40,  # a GIF: a real image, not an accepted kind
        b"just some text, named photo.png",
        image_bytes("PNG")[:40],  # cut short
        b"\x89PNG\r\n\x1a\n" + os.urandom(200),  # a PNG signature on noise
        image_bytes("BMP"),
        b"",
    ],
)
def test_a_file_that_is_not_a_png_jpeg_or_webp_is_refused_whatever_its_name(office, product, data):
    r = put_image(office, product["id"], data)
    assert r.status_code == 422 and r.json()["error"] == "IMAGE_TYPE"
    assert requests.get(f"{office.gateway}/api/products/{product['id']}", timeout=5).json()["image"] == product["image"]


def test_an_image_over_2_mb_is_refused(office, product):
    big = image_bytes("PNG")
    big += os.urandom(2 * 1024 * 1024 + 1 - len(big))
    assert put_image(office, product["id"], big).status_code == 413


def test_a_guest_and_a_customer_cannot_set_an_image(office, product):
    assert put_image(office, product["id"], image_bytes("PNG"), token=False).status_code == 401
    customer = new_user(office.gateway)["access_token"]
    assert put_image(office, product["id"], image_bytes("PNG"), token=customer).status_code == 403


def upload(client, product_id, data, filename="photo.png", path_prefix="", alt="The print, framed, on a wall"):
    return client.post(
        f"{path_prefix}/products/{product_id}/image",
        content_type="multipart/form-data",
        data={"csrf_token": CSRF, "image": (io.BytesIO(data), filename), "alt": alt},
    )


def test_uploading_on_the_page_adds_the_image_to_the_gallery_and_records_it(office, admin_client, product):
    r = upload(admin_client, product["id"], image_bytes("JPEG"), filename="shot.webp")  # the name says nothing
    assert r.status_code == 303
    deliver_admin_actions(office)
    page = admin_client.get(f"/products/{product['id']}").get_data(as_text=True)
    assert 'src="/images/products/' in page and ".jpg" in page and "product.image" in page
    assert 'value="The print, framed, on a wall"' in page and 'aria-label="Image 1"' in page
    assert "The print, framed, on a wall (" in page  # the audit trail names the image by its alt text


@pytest.mark.parametrize(
    ("data", "filename", "status", "message"),
    [
        (b"GIF89a" + b"\x00" * 40, "renamed.png", 422, "Choose a PNG, JPEG or WebP image"),
        (b"%PDF-1.4 not an image", "cv.jpg", 422, "Choose a PNG, JPEG or WebP image"),
        (b"\x89PNG" + b"\x00" * (3 * 1024 * 1024), "huge.png", 413, "larger than 2 MB"),
    ],
)
def test_a_bad_upload_on_the_page_says_why_beside_the_image_field(
    admin_client, product, data, filename, status, message
):
    r = upload(admin_client, product["id"], data, filename)
    html = r.get_data(as_text=True)
    assert r.status_code == status and message in html and 'id="f-image-error"' in html


def test_an_upload_through_the_shell_without_js_is_relayed_and_redirected(office, product):
    client = browser(office.shell_app, office.admin_token)
    big = upload(client, product["id"], b"\x89PNG" + b"\x00" * (3 * 1024 * 1024), "big.png", "/f/admin")
    assert big.status_code == 413 and "larger than 2 MB" in big.get_data(as_text=True)
    r = upload(client, product["id"], image_bytes("PNG"), "ok.png", "/f/admin")
    assert r.status_code == 303 and r.headers["Location"] == f"/admin/products/{product['id']}?saved=1"


class CountingStream(io.BytesIO):
    """An upload body that counts what the server reads of it."""

    taken = 0

    def read(self, size=-1):
        data = super().read(size)
        self.taken += len(data)
        return data


@pytest.mark.parametrize("who", ["guest", "customer"])
def test_the_shell_refuses_a_non_admins_upload_before_reading_its_body(office, product, who):
    client = browser(office.shell_app, None if who == "guest" else new_user(office.gateway)["access_token"])
    boundary = "x" * 20
    body = CountingStream(
        (f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\n').encode()
        + b"\x89PNG"
        + b"\x00" * (8 * 1024 * 1024)
    )
    r = client.post(
        f"/f/admin/products/{product['id']}/image",
        input_stream=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body.getvalue()),
    )
    assert r.status_code == (401 if who == "guest" else 403) and body.taken == 0


def put_gallery_image(office, product_id, position, data, alt):
    return requests.put(
        f"{office.gateway}/api/products/{product_id}/images/{position}",
        params={"alt": alt},
        data=data,
        headers={"Authorization": f"Bearer {office.admin_token}", "Content-Type": "application/octet-stream"},
        timeout=10,
    )


def test_the_product_page_shows_the_chosen_gallery_image_large_and_the_others_as_lazy_thumbnails(office, product):
    for n, alt in enumerate(("Front view", "Back view", "On a shelf"), start=1):
        r = put_gallery_image(office, product["id"], n, image_bytes("PNG", size=(1000, 800)), alt)
        assert r.status_code == 200, r.text
    images = r.json()["images"]
    client = office.shell_app.test_client()
    first = client.get(f"/products/{product['id']}").get_data(as_text=True)
    stem = images[0]["url"].rsplit(".", 1)[0]
    assert f'src="{stem}-800.webp"' in first and 'alt="Front view" width="560" height="420" loading="eager"' in first
    region = first.split('id="product-gallery"', 1)[1].split("</div>", 1)[0]
    assert region.count('loading="lazy"') == 3 and region.count('sizes="96px"') == 3
    assert f'href="/products/{product["id"]}?image=2"' in first
    chosen = client.get(f"/products/{product['id']}?image=2").get_data(as_text=True)
    stem = images[1]["url"].rsplit(".", 1)[0]
    assert f'src="{stem}-800.webp"' in chosen and 'alt="Back view" width="560" height="420" loading="eager"' in chosen
    assert chosen.index('aria-current="true"') < chosen.index(f'href="/products/{product["id"]}?image=3"')
    for wrong in ("9", "0", "-1", "two", "²", "1" * 5000):
        page = client.get(f"/products/{product['id']}", query_string={"image": wrong})
        assert page.status_code == 200 and 'alt="Front view" width="560"' in page.get_data(as_text=True)
    partial = client.get(f"/products/{product['id']}?image=3", headers={"HX-Request": "true"})
    assert 'id="product-gallery"' in partial.get_data(as_text=True) and "<html" not in partial.get_data(as_text=True)


@pytest.mark.parametrize("alt", ["", "   ", "x" * 201])
def test_an_upload_without_alt_text_says_so_beside_the_alt_text_field_and_adds_nothing(
    office, admin_client, product, alt
):
    r = upload(admin_client, product["id"], image_bytes("PNG"), alt=alt)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="f-image-alt-error"' in html and "Describe the image" in html
    assert requests.get(f"{office.gateway}/api/products/{product['id']}", timeout=5).json()["images"] == []


def gallery(office, product_id) -> list[dict]:
    return requests.get(f"{office.gateway}/api/products/{product_id}", timeout=5).json()["images"]


def edit(client, product_id, number, url, action, alt="", path_prefix=""):
    return client.post(
        f"{path_prefix}/products/{product_id}/images/{number}",
        data={"csrf_token": CSRF, "url": url, "action": action, "alt": alt},
    )


def test_each_image_moves_up_or_down_gets_new_alt_text_or_is_removed(office, admin_client, product):
    for alt in ("Front", "Back", "Side"):
        assert upload(admin_client, product["id"], image_bytes("PNG"), alt=alt).status_code == 303
    urls = [i["url"] for i in gallery(office, product["id"])]
    assert edit(admin_client, product["id"], 3, urls[2], "up").status_code == 303
    assert [i["alt"] for i in gallery(office, product["id"])] == ["Front", "Side", "Back"]
    assert edit(admin_client, product["id"], 1, urls[0], "down").status_code == 303
    assert [i["alt"] for i in gallery(office, product["id"])] == ["Side", "Front", "Back"]
    assert edit(admin_client, product["id"], 1, urls[2], "save", alt="  The side seam  ").status_code == 303
    assert edit(admin_client, product["id"], 3, urls[1], "remove").status_code == 303
    now = requests.get(f"{office.gateway}/api/products/{product['id']}", timeout=5).json()
    assert [(i["url"], i["alt"]) for i in now["images"]] == [(urls[2], "The side seam"), (urls[0], "Front")]
    assert now["image"] == urls[2]


def test_an_emptied_alt_text_is_refused_beside_that_images_field(office, admin_client, product):
    upload(admin_client, product["id"], image_bytes("PNG"), alt="Front")
    url = gallery(office, product["id"])[0]["url"]
    r = edit(admin_client, product["id"], 1, url, "save", alt="  ")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="f-alt-1-error"' in html and "Describe the image" in html
    assert gallery(office, product["id"])[0]["alt"] == "Front"


@pytest.mark.parametrize(
    ("number", "url", "action"),
    [(1, "/images/products/" + "e" * 64 + ".png", "remove"), (2, None, "up"), (1, None, "delete-all"), (0, None, "up")],
)
def test_a_form_for_an_image_that_moved_or_is_gone_changes_nothing_and_says_so(
    office, admin_client, product, number, url, action
):
    upload(admin_client, product["id"], image_bytes("PNG"), alt="Front")
    before = gallery(office, product["id"])
    r = edit(admin_client, product["id"], number, url or before[0]["url"], action)
    assert r.status_code in (404, 409) and gallery(office, product["id"]) == before
    if r.status_code == 409:
        assert "The images changed while you were editing them" in r.get_data(as_text=True)


def test_the_ninth_upload_is_refused_and_the_page_offers_no_upload_form_at_eight(office, admin_client, product):
    for n in range(8):
        assert upload(admin_client, product["id"], image_bytes("PNG"), alt=f"View {n + 1}").status_code == 303
    page = admin_client.get(f"/products/{product['id']}").get_data(as_text=True)
    assert 'aria-label="Image 8"' in page and 'id="f-image"' not in page and "has 8 images" in page
    r = upload(admin_client, product["id"], image_bytes("PNG"), alt="View 9")
    assert r.status_code == 409 and "at most 8 images" in r.get_data(as_text=True)
    assert len(gallery(office, product["id"])) == 8


def test_the_same_upload_posted_twice_through_the_shell_adds_one_image(office, product):
    client = browser(office.shell_app, office.admin_token)
    page = client.get(f"/admin/products/{product['id']}").get_data(as_text=True)
    key = page.split('aria-label="Add an image"', 1)[1].split('name="form_key" value="', 1)[1].split('"', 1)[0]
    for _ in range(2):
        r = client.post(
            f"/f/admin/products/{product['id']}/image",
            content_type="multipart/form-data",
            data={"csrf_token": CSRF, "form_key": key, "image": (io.BytesIO(image_bytes("PNG")), "a.png"), "alt": "A"},
        )
        assert r.status_code == 303
    assert len(gallery(office, product["id"])) == 1


def test_a_png_carrying_html_after_its_end_is_only_ever_served_as_an_image(office, product):
    """A polyglot decodes as a PNG, so it is kept; it is served with the type its decoding found and nosniff, so no
    browser reads the HTML in it."""
    polyglot = image_bytes("PNG") + b"<html><script>alert(document.cookie)</script></html>"
    r = put_gallery_image(office, product["id"], 1, polyglot, "A polyglot")
    assert r.status_code == 200, r.text
    served = office.shell_app.test_client().get(r.json()["images"][0]["url"])
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff" and served.data == polyglot
