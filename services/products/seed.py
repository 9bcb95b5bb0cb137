"""The local catalog, seeded on start when the catalog is empty."""

from __future__ import annotations

from . import variants

# (name, category, price in cents, initial stock, description)
CATALOG = [
    ("Classic Linen Shirt", "apparel", 4900, 25, "Breathable washed linen with a relaxed fit."),
    ("Merino Crew Sweater", "apparel", 8900, 12, "Fine-gauge merino wool that keeps warm without bulk."),
    ("Selvedge Denim Jeans", "apparel", 11900, 3, "Raw selvedge denim that fades with you."),
    ("Waxed Canvas Jacket", "apparel", 18900, 0, "Weatherproof waxed cotton, corduroy collar."),
    ("Everyday Cotton Tee", "apparel", 1900, 80, "Heavyweight organic cotton, pre-shrunk."),
    ("Pour-Over Coffee Kettle", "kitchen", 5400, 18, "Gooseneck spout for a slow, even pour."),
    ('Cast Iron Skillet 10"', "kitchen", 3900, 30, "Pre-seasoned, oven safe, lasts generations."),
    ("Chef's Knife 8\"", "kitchen", 7900, 9, "High-carbon stainless steel, full tang."),
    ("Ceramic Mug Set", "kitchen", 3200, 40, "Four stoneware mugs in speckled glaze."),
    ("Bamboo Cutting Board", "kitchen", 2400, 2, "End-grain bamboo that is kind to knife edges."),
    ("Noise-Cancelling Headphones", "electronics", 24900, 7, "Over-ear, 30-hour battery, multipoint."),
    ("Mechanical Keyboard", "electronics", 12900, 15, "Hot-swappable switches, aluminium case."),
    ("USB-C Charging Hub", "electronics", 4500, 50, "Six ports, 100 W pass-through."),
    ("Wireless Mouse", "electronics", 2900, 60, "Silent clicks, three-device pairing."),
    ("Portable Speaker", "electronics", 8900, 1, "Waterproof, 12 hours, deep bass."),
    ("Trail Running Shoes", "outdoors", 13900, 14, "Grippy lugs and a rock plate for rough trails."),
    ("Insulated Water Bottle", "outdoors", 3400, 70, "Keeps drinks cold for 24 hours."),
    ("Ultralight Daypack", "outdoors", 6900, 20, "22 litres, 400 grams, roll-top closure."),
    ("Camping Lantern", "outdoors", 3900, 0, "Rechargeable LED with a warm-light mode."),
    ("Hammock with Straps", "outdoors", 5900, 11, "Parachute nylon, holds 180 kg."),
    ("Hardcover Notebook", "stationery", 1800, 90, "Dot grid, 192 numbered pages, lay-flat binding."),
    ("Fountain Pen", "stationery", 4200, 16, "Steel nib, converter included."),
    ("Desk Organiser", "stationery", 2700, 5, "Solid oak with three compartments."),
    ("Weekly Planner", "stationery", 1600, 45, "Undated, linen cover, ribbon markers."),
]


# The clothes and shoes come in sizes (two also in colours), each combination a variant with its own stock: the
# product's stock above is spread over them (the first combinations get the remainder). A variant listed in
# SOLD_OUT starts at 0, so the storefront shows a sold-out choice.
OPTIONS = {
    "Classic Linen Shirt": [("Size", ["S", "M", "L", "XL"]), ("Colour", ["Sand", "Navy"])],
    "Merino Crew Sweater": [("Size", ["S", "M", "L", "XL"]), ("Colour", ["Oatmeal", "Charcoal"])],
    "Selvedge Denim Jeans": [("Size", ["30", "32", "34", "36"])],
    "Waxed Canvas Jacket": [("Size", ["S", "M", "L", "XL"])],
    "Everyday Cotton Tee": [("Size", ["XS", "S", "M", "L", "XL"])],
    "Trail Running Shoes": [("Size", ["40", "41", "42", "43", "44", "45"])],
}
SOLD_OUT = {("Classic Linen Shirt", ("XL", "Navy")), ("Selvedge Denim Jeans", ("36",))}
# Sizes that cost more than the product's price (so grids say "from $49.00").
PRICES = {("Classic Linen Shirt", "XL"): 5400, ("Trail Running Shoes", "45"): 14900}


def _variants(name: str, sku: str, stock: int) -> tuple[list[dict], list[dict], dict[str, int]]:
    """(options, variants, stock per variant SKU) of a seeded product; no options: one default variant."""
    if name not in OPTIONS:
        return [], [variants.default_variant(sku)], {sku: stock}
    options = [{"name": n, "values": v} for n, v in OPTIONS[name]]
    combos = variants.checked(
        options,
        [{"options": c, "price": PRICES.get((name, c["Size"]))} for c in variants.combinations(options)],
        sku,
    )
    open_ = [v for v in combos if (name, tuple(v["options"].values())) not in SOLD_OUT]
    each, extra = divmod(stock, len(open_))
    counts = {v["sku"]: each + (1 if i < extra else 0) for i, v in enumerate(open_)}
    return options, combos, {v["sku"]: counts.get(v["sku"], 0) for v in combos}


def slugify(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-").replace("--", "-")


def seed_documents():
    """Seed products with their variants and the stock per variant SKU the inventory service should start with."""
    for i, (name, category, price, stock, description) in enumerate(CATALOG, start=1):
        sku = f"FM-{category[:3].upper()}-{i:03d}"
        options, made, counts = _variants(name, sku, stock)
        yield (
            {
                "_id": slugify(name).replace("--", "-"),
                "sku": sku,
                "options": options,
                "variants": made,
                **variants.price_range(made, price),
                "name": name,
                "description": description,
                "price": price,
                "currency": "USD",
                "category": category,
                "image": f"/static/img/categories/{category}.svg",
                "featured": i % 4 == 1 or i in (11, 16),
            },
            counts,
        )


def seed_stock():
    """(variant SKU, product id, initial units) for every variant of the seed: the stock inventory starts with."""
    for doc, counts in seed_documents():
        for sku, units in counts.items():
            yield sku, doc["_id"], units
