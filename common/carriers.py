"""Parcel carriers the shop ships with, and where a tracking number can be followed on each carrier's site."""

from __future__ import annotations

from urllib.parse import quote

# key -> (name shown, tracking page with {number}); "other" has no page, so it gets no link.
CARRIERS: dict[str, tuple[str, str | None]] = {
    "dhl": ("DHL", "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}"),
    "dpd": ("DPD", "https://tracking.dpd.de/status/en_US/parcel/{number}"),
    "fedex": ("FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}"),
    "royal-mail": ("Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{number}"),
    "ups": ("UPS", "https://www.ups.com/track?tracknum={number}"),
    "usps": ("USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"),
    "other": ("Other carrier", None),
}
TRACKING_NUMBER = r"^[A-Za-z0-9][A-Za-z0-9 -]{2,39}$"  # what carriers print: letters, digits, spaces, dashes


def shipment(carrier: str, tracking_number: str) -> dict:
    """What an order keeps of its parcel: the carrier's key and name, the number, and the link when there is one."""
    name, pattern = CARRIERS[carrier]
    number = tracking_number.strip()
    url = pattern.format(number=quote(number.replace(" ", ""), safe="")) if pattern else None
    return {"carrier": carrier, "carrier_name": name, "tracking_number": number, "tracking_url": url}
