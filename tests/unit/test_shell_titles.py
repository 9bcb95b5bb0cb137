"""Page titles come from the main region: its data-title, else its first <h1>; a form with errors says "Error:"."""

from __future__ import annotations

from shell.titles import page_title, title_element


def test_a_product_page_is_titled_by_the_products_name_not_the_route():
    region = '<section id="product"><h1 id="product-title">Oak &amp; Ash <em>Board</em></h1></section>'
    assert page_title("Product", region, 200) == "Oak & Ash Board"


def test_a_region_may_name_its_page_and_a_region_without_a_heading_keeps_the_routes_title():
    assert page_title("Checkout", '<section data-title="Payment · Checkout"><h1>Checkout</h1>', 200) == (
        "Payment · Checkout"
    )
    assert page_title("Your cart", "<p>Retry</p>", 503) == "Your cart"


def test_a_form_re_rendered_with_its_errors_starts_its_title_with_error():
    assert page_title("Sign in", "<h1>Sign in</h1>", 422) == "Error: Sign in"


def test_an_htmx_answer_brings_a_title_only_when_it_names_a_page_and_escapes_it():
    assert title_element('<span class="add-ok">Added</span>', 200) == ""
    assert title_element("<h1>&lt;script&gt;</h1>", 422) == "<title>Error: &lt;script&gt; · Fragmart</title>"
