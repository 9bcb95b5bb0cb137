"""Request and answer models for the catalog API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common.api.paging import Page, PageQuery
from common.api.validation import NOT_SENT, QueryModel, StrictModel, csv_list
from common.ids import ID_SCHEMA, IMAGE_NAME, SKU_SCHEMA

from .facets import BAND_KEYS
from .gallery import MAX_IMAGES
from .variants import MAX_OPTIONS, MAX_VALUES, MAX_VARIANTS

CATEGORY = r"^[a-z0-9-]+$"
IMAGE = rf"^(/static/[A-Za-z0-9/_.-]+|/images/products/{IMAGE_NAME.pattern})$"
MAX_IDS = 100
# An option's value as a filter takes it: any value an option may have (OPTION_TEXT) but for a comma, which
# separates the values of a filter.
OPTION_VALUE = r"^[^\s\x00-\x1f\x7f-\x9f\ufeff<>,][^\x00-\x1f\x7f-\x9f<>,]{0,29}$"
MAX_OPTION_VALUES = 20
# Alt text says what the image shows to whoever cannot see it: required, and more than blanks.
Alt = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S", description="what the image shows")]


class ProductQuery(PageQuery):
    q: str = Field(default="", max_length=100)
    category: str = Field(default="", max_length=40, pattern=r"^[a-z0-9-]*$")
    min_price: int | None = Field(default=None, ge=0, le=100_000_000)
    max_price: int | None = Field(default=None, ge=0, le=100_000_000, description="at least min_price")
    # By relevance when there is a query (name words first), else by name.
    sort: Literal["relevance", "price", "-price", "name", "-created"] = "relevance"
    per_page: int = Field(default=12, ge=1, le=100)  # a catalog grid of 3 or 4 columns
    featured: bool = False
    # Comma-separated product ids: the cart prices all its lines with one call.
    ids: Annotated[tuple[str, ...], csv_list(ID_SCHEMA, MAX_IDS)] = ()
    # Comma-separated SKUs: the legacy import finds the products it already made, a batch at a time.
    skus: Annotated[tuple[str, ...], csv_list(SKU_SCHEMA, MAX_IDS)] = ()
    # The storefront's filters with counts (services/products/facets.py). A price band is on the lowest variant
    # price: under-25 is [0, 2500) cents, 25-50 [2500, 5000), 50-100 [5000, 10000), 100-plus from 10000.
    price_band: Literal["", *BAND_KEYS] = ""  # type: ignore[valid-type]
    # Comma-separated option values, any of them: size=M,L has a product with Size M or L (and colour likewise).
    size: Annotated[tuple[str, ...], csv_list(OPTION_VALUE, MAX_OPTION_VALUES)] = ()
    colour: Annotated[tuple[str, ...], csv_list(OPTION_VALUE, MAX_OPTION_VALUES)] = ()
    in_stock: bool = Field(default=False, description="only products with a variant not sold out")
    facets: bool = Field(default=False, description="also answer `facets`: each filter's counts for this query")

    @property
    def order(self) -> str:
        """The sort in effect: relevance needs a query to rank by."""
        return "name" if self.sort == "relevance" and not self.q else self.sort

    @model_validator(mode="after")
    def _range(self):
        """A rule of the whole query (the storefront says it above the filters); JSON Schema cannot compare two."""
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValueError("min_price must not exceed max_price")
        return self


class GalleryImage(StrictModel):
    """One image of a product's gallery: its URL, the widths of its WebP copies (from the upload's answer) and its
    alt text."""

    url: str = Field(max_length=300, pattern=IMAGE)
    widths: list[Literal[200, 400, 800]] = Field(default=[], max_length=3)
    alt: Alt


GALLERY_DESCRIPTION = (
    f"the ordered gallery, at most {MAX_IMAGES} images; the first one is also the product's image and image_widths"
)

# Printable, starting with a character that is not a space, no markup, no comma (it separates the size and colour
# filters' values, and the back office's list of values). The class lists what Python's and JSON
# Schema's \s differ on (\x1c-\x1f, \x85 and \ufeff) so both read the pattern alike.
OPTION_TEXT = r"^[^\s\x00-\x1f\x7f-\x9f\ufeff<>,][^\x00-\x1f\x7f-\x9f<>,]*$"


class OptionSpec(StrictModel):
    """One choice a shopper makes, e.g. Size: S, M, L, XL."""

    name: str = Field(min_length=1, max_length=30, pattern=OPTION_TEXT)
    values: list[Annotated[str, Field(min_length=1, max_length=30, pattern=OPTION_TEXT)]] = Field(
        min_length=1, max_length=MAX_VALUES
    )


class VariantSpec(StrictModel):
    """One combination of option values: its own SKU (proposed from the product's when left out), stock, and
    optionally a price and an image of its own."""

    sku: str | None = Field(default=None, min_length=1, max_length=40, pattern=SKU_SCHEMA)
    options: dict[
        Annotated[str, Field(min_length=1, max_length=30)], Annotated[str, Field(min_length=1, max_length=30)]
    ] = Field(default_factory=dict, max_length=MAX_OPTIONS)
    price: int | None = Field(default=None, gt=0, le=100_000_000)
    image: str | None = Field(default=None, max_length=300, pattern=IMAGE)
    initial_stock: int = Field(default=0, ge=0, le=1_000_000)


class ProductCreate(StrictModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    # A free product could never be bought: the payment step refuses a $0 charge.
    price: int = Field(gt=0, le=100_000_000)
    currency: Literal["USD"] = "USD"
    category: str = Field(min_length=1, max_length=40, pattern=CATEGORY)
    sku: str = Field(min_length=1, max_length=40, pattern=SKU_SCHEMA)
    image: str | None = Field(
        default=None, max_length=300, pattern=IMAGE, description="a one-image gallery; left aside when images is sent"
    )
    images: list[GalleryImage] | None = Field(default=None, max_length=MAX_IMAGES, description=GALLERY_DESCRIPTION)
    featured: bool = False
    # A product without options: its one variant's stock. With options, each variant says its own.
    initial_stock: int = Field(default=0, ge=0, le=1_000_000)
    options: list[OptionSpec] = Field(default_factory=list, max_length=MAX_OPTIONS)
    variants: list[VariantSpec] = Field(default_factory=list, max_length=MAX_VARIANTS)


class ProductUpdate(StrictModel):
    """Fields default to None but an explicit null fails their type, so a PATCH cannot blank a field.
    The SKU is not editable: stock, carts and orders refer to it."""

    model_config = StrictModel.model_config | ConfigDict(json_schema_extra={"minProperties": 1})

    name: str = Field(default=NOT_SENT, min_length=1, max_length=200)
    description: str = Field(default=NOT_SENT, max_length=2000)
    price: int = Field(default=NOT_SENT, gt=0, le=100_000_000)
    category: str = Field(default=NOT_SENT, min_length=1, max_length=40, pattern=CATEGORY)
    image: str = Field(
        default=NOT_SENT, max_length=300, pattern=IMAGE, description="the gallery's first image; left aside with images"
    )
    images: list[GalleryImage] = Field(default=NOT_SENT, max_length=MAX_IMAGES, description=GALLERY_DESCRIPTION)
    featured: bool = Field(default=NOT_SENT)
    # Options and variants change together: the variants listed are the product's from now on (a SKU left out is
    # discontinued; a new one starts with its initial_stock).
    options: list[OptionSpec] = Field(default=NOT_SENT, max_length=MAX_OPTIONS)
    variants: list[VariantSpec] = Field(default=NOT_SENT, max_length=MAX_VARIANTS)

    @model_validator(mode="after")
    def _not_empty(self):
        if not self.model_fields_set:
            raise ValueError("nothing to change")
        return self


# Answers (documented in /openapi.json; the views build them as dicts).
class Option(BaseModel):
    name: str
    values: list[str]


class Variant(BaseModel):
    sku: str
    options: dict[str, str]
    price: int | None
    image: str | None
    label: str  # "M / Sand"; "" for a product's default variant
    name: str  # what carts, orders and the back office call it: "Classic Linen Shirt — M / Sand"


class Product(BaseModel):
    id: str
    name: str
    description: str
    price: int
    currency: str
    category: str
    sku: str
    image: str | None
    image_widths: list[int] = []  # the WebP copies beside an uploaded image (srcset); empty for any other image
    images: list[GalleryImage] = []  # image and image_widths are its first one's (or a category placeholder's)
    featured: bool
    options: list[Option]
    variants: list[Variant]
    price_min: int
    price_max: int
    # Fed by inventory's stock.changed (services/products/stock_flags.py): the variant SKUs with no stock left, and
    # whether some variant has stock. A product from before the flags has neither, and counts as in stock.
    sold_out: list[str] = []
    in_stock: bool = True


class FacetValue(BaseModel):
    value: str
    count: int


class PriceBand(BaseModel):
    value: str
    min: int
    max: int | None  # cents; None: no upper end
    count: int


class Facets(BaseModel):
    """Each filter's counts under every other chosen filter (so a chosen value's siblings keep theirs)."""

    category: list[FacetValue]
    price_band: list[PriceBand]
    size: list[FacetValue]
    colour: list[FacetValue]
    in_stock: int  # products with a variant not sold out


class GalleryImageQuery(QueryModel):
    alt: Alt


class ProductPage(Page[Product]):
    facets: Facets | None = None  # with facets=true


class RelatedProducts(BaseModel):
    """ "You may also like": at most 4, never the product asked about, never a deleted one."""

    items: list[Product] = Field(max_length=4)


class Categories(BaseModel):
    items: list[str]
