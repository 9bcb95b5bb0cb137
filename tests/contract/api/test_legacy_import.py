"""The legacy catalog import on SQLite through SQLAlchemy Core (the same code reads Oracle through oracledb): the
first run creates, a second changes nothing, an updated row is updated, a bad row is reported and skipped."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, create_engine, insert, update

from common.messaging.events import Event
from common.messaging.messages import ProductChanged
from common.mongo.database import get_database
from services.inventory.consumers import catalog_handlers
from services.inventory.deps import deps as inventory_deps
from services.products.__main__ import main
from tests.support.accounts_apps import ADMIN
from tests.support.admin_apps import back_office_fixture, browser

office = back_office_fixture()
T0 = datetime(2026, 1, 5, 9, 0)


def legacy_table(metadata: MetaData, table_name="PRODUCTS", **columns) -> Table:
    names = {"sku": "SKU", "name": "NAME", "description": "DESCRIPTION", "price": "PRICE_CENTS"}
    names |= {"category": "CATEGORY", "stock": "STOCK", "updated_at": "UPDATED_AT"} | columns
    kinds = {"price": Integer, "stock": Integer, "updated_at": DateTime}
    return Table(table_name, metadata, *(Column(c, kinds.get(f, String)) for f, c in names.items()))


@pytest.fixture()
def legacy(tmp_path):
    """A legacy SQLite file with the default PRODUCTS table; rows are added with .add(**fields)."""
    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    engine, metadata = create_engine(url), MetaData()
    products = legacy_table(metadata)
    metadata.create_all(engine)
    prefix = uuid.uuid4().hex[:6].upper()

    class Legacy:
        def __init__(self):
            self.url, self.prefix, self.table = url, prefix, products

        def add(self, n: int, **fields):
            row = {
                "SKU": f"LG-{prefix}-{n}",
                "NAME": f"Legacy item {prefix} {n}",
                "DESCRIPTION": "From the old shop",
                "PRICE_CENTS": 1000 + n,
                "CATEGORY": "Home & Kitchen",
                "STOCK": 5 + n,
                "UPDATED_AT": T0 + timedelta(minutes=n),
                **fields,
            }
            with engine.begin() as conn:
                conn.execute(insert(products).values(**row))
            return row

        def change(self, sku: str, **fields):
            with engine.begin() as conn:
                conn.execute(update(products).where(products.c.SKU == sku).values(**fields))

    yield Legacy()
    engine.dispose()


@pytest.fixture()
def run(office, monkeypatch, capsys):
    """The command as an operator types it; its report (stdout JSON) and the run the shop recorded."""
    monkeypatch.setenv("ADMIN_EMAIL", ADMIN["email"])
    monkeypatch.setenv("ADMIN_PASSWORD", ADMIN["password"])

    def command(*args: str) -> dict:
        code = main(["import-legacy", "--gateway", office.gateway, *args])
        out = capsys.readouterr()
        assert code == 0, out.err
        return last_run(office)["last"]

    return command


def last_run(office) -> dict:
    token = requests.post(f"{office.gateway}/api/auth/login", json=ADMIN, timeout=10).json()["access_token"]
    return requests.get(
        f"{office.gateway}/api/imports/legacy", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()


def catalog(office, sku: str) -> dict | None:
    items = requests.get(f"{office.gateway}/api/products", params={"skus": sku}, timeout=10).json()["items"]
    return items[0] if items else None


def test_a_first_run_creates_the_products_and_the_storefront_shows_them(office, legacy, run):
    rows = [legacy.add(n) for n in (1, 2, 3)]
    report = run("--url", legacy.url, "--full")
    assert report["counts"] == {"read": 3, "created": 3, "updated": 0, "unchanged": 0, "stock_set": 0, "refused": 0}
    product = catalog(office, rows[0]["SKU"])
    assert (product["name"], product["price"], product["category"]) == (rows[0]["NAME"], 1001, "home-kitchen")
    page = office.shell_app.test_client().get(f"/products?q=Legacy+item+{legacy.prefix}")
    assert page.status_code == 200 and all(r["NAME"] in page.get_data(as_text=True) for r in rows)
    # A legacy row is a product without options: one default variant whose SKU is the row's, stocked as the row says
    default = {"sku": rows[0]["SKU"], "options": {}, "price": None, "image": None, "label": "", "name": rows[0]["NAME"]}
    assert product["options"] == [] and product["variants"] == [default]
    assert (product["price_min"], product["price_max"]) == (1001, 1001)
    # The same use case as the admin API: product.changed (its variant with the row's stock) and the audit entry
    outbox = get_database(office.apps["products"])["products"].find_one({"sku": rows[0]["SKU"]})["_outbox"]
    changed = next(e for e in outbox if e["type"] == ProductChanged.TOPIC)
    assert changed["data"]["variants"] == [{"sku": rows[0]["SKU"], "options": {}, "price": 1001, "initial_stock": 6}]
    assert any(e["type"] == "admin.action" and e["data"]["action"] == "product.create" for e in outbox)
    # inventory's own handler takes it as the broker would hand it over (contract tests run no broker)
    catalog_handlers(inventory_deps(office.apps["inventory"]).stock)[ProductChanged.TOPIC](Event(**changed))
    stock = requests.get(f"{office.gateway}/api/inventory/{rows[0]['SKU']}", timeout=10).json()
    assert stock["available"] == rows[0]["STOCK"]
    detail = office.shell_app.test_client().get(f"/products/{product['id']}")
    assert detail.status_code == 200 and rows[0]["NAME"] in detail.get_data(as_text=True)


def test_a_second_run_changes_nothing(office, legacy, run):
    legacy.add(1)
    run("--url", legacy.url, "--full")
    before = catalog(office, f"LG-{legacy.prefix}-1")
    again = run("--url", legacy.url)
    counts = again["counts"]
    assert counts["created"] == counts["updated"] == counts["stock_set"] == counts["refused"] == 0
    assert catalog(office, f"LG-{legacy.prefix}-1") == before


def test_an_updated_row_is_updated_and_only_rows_since_the_mark_are_read(office, legacy, run):
    for n in (1, 2, 3):
        legacy.add(n)
    run("--url", legacy.url, "--full")
    sku = f"LG-{legacy.prefix}-2"
    legacy.change(sku, NAME="Renamed in the old shop", PRICE_CENTS=2500, UPDATED_AT=T0 + timedelta(days=1))
    report = run("--url", legacy.url)
    # the changed row, and the last run's newest (read again at the mark, changing nothing); row 1 is not read
    assert (report["counts"]["read"], report["counts"]["updated"], report["counts"]["unchanged"]) == (2, 1, 1)
    assert report["high_water"].startswith("2026-01-06T09:00:00")
    assert (catalog(office, sku)["name"], catalog(office, sku)["price"]) == ("Renamed in the old shop", 2500)


def test_stock_of_a_known_sku_is_set_through_the_stock_api(office, legacy, run):
    legacy.add(1, SKU="FM-KIT-006", NAME="Pour-Over Coffee Kettle", PRICE_CENTS=5400, CATEGORY="kitchen", STOCK=17)
    report = run("--url", legacy.url, "--full")
    assert report["counts"]["stock_set"] == 1
    assert requests.get(f"{office.gateway}/api/inventory/FM-KIT-006", timeout=10).json()["available"] == 17


def test_a_row_with_bad_data_is_reported_and_skipped(office, legacy, run):
    legacy.add(1)
    legacy.add(2, PRICE_CENTS=-5)
    legacy.add(3, SKU="has spaces!")
    legacy.add(4, NAME=None)
    legacy.add(5, STOCK="lots")
    report = run("--url", legacy.url, "--full")
    assert report["counts"]["created"] == 1 and report["counts"]["refused"] == 4
    by_row = {e["row"]: e for e in report["errors"]}
    assert "price" in by_row[2]["error"] and by_row[3]["sku"] == "has spaces!" and "sku" in by_row[3]["error"]
    assert "name" in by_row[4]["error"] and "stock" in by_row[5]["error"]
    assert catalog(office, f"LG-{legacy.prefix}-2") is None
    html = browser(office.admin_app, office.admin_token).get("/imports").get_data(as_text=True)
    assert "has spaces!" in html and "Refused" in html
    # the back office shows the last import's time, its counts and each refused row with why
    shown = {"Rows read": 5, "Created": 1, "Updated": 0, "Stock set": 0, "Unchanged": 0, "Refused": 4}
    assert all(f"<dt>{label}</dt><dd>{n}</dd>" in html for label, n in shown.items()), html
    assert re.search(r"<dt>Finished</dt><dd>[^<]*\d[^<]*</dd>", html)
    assert html.count('<th scope="row">') == 4 and by_row[2]["error"] in html.replace("&gt;", ">")


def test_another_table_is_read_with_a_mapping_file(office, tmp_path, run):
    url, metadata = f"sqlite:///{tmp_path / 'erp.db'}", MetaData()
    names = {"sku": "ITEM_NO", "name": "TITLE", "description": "NOTES", "price": "UNIT_CENTS"}
    items = legacy_table(metadata, "ITEMS", **names, category="GRP", stock="QTY", updated_at="CHANGED")
    engine = create_engine(url)
    metadata.create_all(engine)
    sku = f"ERP-{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.execute(
            insert(items).values(ITEM_NO=sku, TITLE="Mapped", NOTES="", UNIT_CENTS=700, GRP="tools", QTY=1, CHANGED=T0)
        )
    engine.dispose()
    mapping = tmp_path / "erp.yaml"
    columns = "\n".join(
        f"  {k}: {v}" for k, v in {**names, "category": "GRP", "stock": "QTY", "updated_at": "CHANGED"}.items()
    )
    mapping.write_text(f"table: ITEMS\ncolumns:\n{columns}\n")
    assert run("--url", url, "--mapping", str(mapping), "--full")["counts"]["created"] == 1
    assert catalog(office, sku)["name"] == "Mapped"


@pytest.mark.parametrize(
    "text", ["table: ITEMS\n", "table: 'X; DROP TABLE Y'\ncolumns: {}\n", "table: [1, 2\n", "table: T\nextra: 1\n"]
)
def test_a_bad_mapping_file_is_refused_with_its_reason(office, tmp_path, monkeypatch, capsys, text):
    monkeypatch.setenv("ADMIN_EMAIL", ADMIN["email"])
    monkeypatch.setenv("ADMIN_PASSWORD", ADMIN["password"])
    mapping = tmp_path / "bad.yaml"
    mapping.write_text(text)
    assert main(["import-legacy", "--gateway", office.gateway, "--url", "sqlite://", "--mapping", str(mapping)]) == 2
    assert "mapping" in capsys.readouterr().err


def test_the_import_record_is_for_admins_only(office):
    customer = requests.post(
        f"{office.gateway}/api/auth/register",
        json={"email": f"c{uuid.uuid4().hex}@example.com", "password": "secret-pass-1", "name": "C"},
        timeout=10,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {customer}"}
    assert requests.get(f"{office.gateway}/api/imports/legacy", headers=headers, timeout=10).status_code == 403
    body = {"started_at": "2026-01-01T00:00:00", "counts": {}, "errors": []}
    assert (
        requests.post(f"{office.gateway}/api/imports/legacy/runs", json=body, headers=headers, timeout=10).status_code
        == 403
    )


@pytest.mark.parametrize("skus", ["$ne", "a,b c", ",".join(f"X{i}" for i in range(101)), "[$gt]"])
def test_a_bad_sku_list_is_a_422(office, skus):
    r = requests.get(f"{office.gateway}/api/products", params={"skus": skus}, timeout=10)
    assert r.status_code == 422 and any(k.startswith("skus") for k in r.json()["details"]["fields"])


def test_a_row_naming_a_variant_of_a_product_with_options_is_refused_not_made_a_second_product(office, legacy, run):
    """Legacy rows are products without options; a row whose SKU is another product's variant is reported, and
    neither a second product nor a change to the variant follows."""
    params = {"q": "Classic Linen Shirt"}
    [shirt] = requests.get(f"{office.gateway}/api/products", params=params, timeout=10).json()["items"]
    variant = shirt["variants"][-1]["sku"]
    assert variant != shirt["sku"]
    legacy.add(1, SKU=variant, NAME="Old linen shirt", STOCK=99)
    report = run("--url", legacy.url, "--full")
    assert (report["counts"]["created"], report["counts"]["refused"]) == (0, 1)
    assert report["errors"][0] == {
        "row": 1,
        "sku": variant,
        "error": f"SKU {variant} is already used by another product",
    }
    assert [
        p["id"]
        for p in requests.get(f"{office.gateway}/api/products", params={"skus": variant}, timeout=10).json()["items"]
    ] == [shirt["id"]]
    assert requests.get(f"{office.gateway}/api/inventory/{variant}", timeout=10).json()["available"] != 99
