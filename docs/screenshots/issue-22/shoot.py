"""Screenshots of /cart, /checkout and an order page at 390x844 for a running stack: python shoot.py BASE GATEWAY OUT
(old|new). 'old' pays with a card token, as the shop did before issue 18."""

import sys
import uuid
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

base, gw, out, mode = sys.argv[1:5]
Path(out).mkdir(parents=True, exist_ok=True)
email = f"shot-{uuid.uuid4().hex[:6]}@example.com"
r = requests.post(
    f"{gw}/api/auth/register", json={"email": email, "password": "secret-pass-1", "name": "Ada Lovelace"}, timeout=10
)
r.raise_for_status()
tokens = r.json()
auth = {"Authorization": f"Bearer {tokens['access_token']}"}
for pid, qty in (("classic-linen-shirt", 2), ("fountain-pen", 1)):
    requests.post(f"{gw}/api/cart/items", json={"product_id": pid, "quantity": qty}, headers=auth, timeout=10)
address = {
    "name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "GB",
}
body = {"address": address, "lines": [{"product_id": "weekly-planner", "quantity": 1}]}
if mode == "old":
    card = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    body["payment_token"] = requests.post(f"{gw}/api/payments/methods", json=card, headers=auth, timeout=10).json()[
        "token"
    ]
order = requests.post(f"{gw}/api/orders", json=body, headers={**auth, "Idempotency-Key": uuid.uuid4().hex}, timeout=10)
order.raise_for_status()
order_id = order.json()["id"]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium")
    for js in (True, False):
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, base_url=base, java_script_enabled=js)
        ctx.add_cookies(
            [
                {"name": "access_token_cookie", "value": tokens["access_token"], "url": base},
                {"name": "refresh_token_cookie", "value": tokens["refresh_token"], "url": base},
            ]
        )
        page = ctx.new_page()
        for name, path in (("cart", "/cart"), ("checkout", "/checkout"), ("order", f"/orders/{order_id}")):
            page.goto(path, wait_until="networkidle")
            page.wait_for_timeout(800)
            tag = "js" if js else "nojs"
            page.screenshot(path=f"{out}/{name}-{tag}.png")
            wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            header = page.evaluate("document.querySelector('header').getBoundingClientRect().height")
            print(name, tag, "scrollWidth/innerWidth", wide, "header px", header)
        ctx.close()
    browser.close()
