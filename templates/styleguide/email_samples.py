"""Sample contexts for every email of templates/emails/, shown at /styleguide/emails (each in its states).

Each context is what the notifications service's handlers pass (services/notifications/*_handlers.py); the shop's
name and address are added as the service adds them. A template asking for anything more fails to render here, as it
would fail to send.
"""

from __future__ import annotations

SHOP = {"shop_name": "Fragmart", "shop_url": "https://shop.example"}
ORDER = {
    "name": "Ada Lovelace",
    "order_id": "5e63943e0c8b4d7e9a1f2b3c4d5e6f70",
    "short_id": "5e63943e",
    "order_path": "/orders/5e63943e0c8b4d7e9a1f2b3c4d5e6f70",
    "total": "$96.00",
    "amount": "$0.00",
    "lines": [
        {"name": "Fountain Pen", "quantity": 2, "price": "$84.00"},
    ],
    "reason": "",
    "paid": False,
    "card": "",
    "price_lines": [("Subtotal", "$84.00"), ("Delivery", "$12.00"), ("Tax (included)", "$16.00")],
    "shipment": None,
}
GUEST = {**ORDER, "order_path": "/orders/link/WyI1ZTYzOTQzZSIsImFkYUBleGFtcGxlLmNvbSJd.sample-signature"}
WITH_CODE = {
    **ORDER,
    "total": "$87.60",
    "price_lines": [
        ("Subtotal", "$84.00"),
        ("Discount (WELCOME10)", "−$8.40"),
        ("Delivery", "$12.00"),
        ("Tax (included)", "$14.60"),
    ],
}
UPS = {
    "carrier": "ups",
    "carrier_name": "UPS",
    "tracking_number": "1Z999AA10123456784",
    "tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
}

EMAILS: dict[str, dict[str, dict]] = {
    "welcome": {"A new customer": {"name": "Ada Lovelace", "email": "ada@example.com"}},
    "verify_email": {
        "After sign-up": {
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "verify_url": "https://shop.example/verify-email/sample-token-sample-token-sample-token-12",
        }
    },
    "email_change_confirm": {
        "To the new address": {
            "name": "Ada Lovelace",
            "new_email": "ada.new@example.com",
            "confirm_url": "https://shop.example/confirm-email-change/sample-token-sample-token-sample-token-12",
        }
    },
    "email_changed": {
        "To the old address, with the undo link": {
            "name": "Ada Lovelace",
            "old_email": "ada@example.com",
            "new_email": "ada.new@example.com",
            "undo_url": "https://shop.example/undo-email-change/sample-token-sample-token-sample-token-12",
        }
    },
    "password_reset": {
        "A reset link": {
            "name": "Ada Lovelace",
            "reset_url": "https://shop.example/reset-password/sample-token-sample-token-sample-token-12",
        }
    },
    "order_confirmed": {
        "Paid by card": {**ORDER, "card": "Visa ending in 4242"},
        "With a promo code": WITH_CODE,
        "A guest's order (its signed link)": GUEST,
    },
    "order_shipped": {
        "With a tracking link": {**ORDER, "shipment": UPS},
        "Another carrier, no link": {
            **ORDER,
            "shipment": {**UPS, "carrier": "other", "carrier_name": "Other", "tracking_url": None},
        },
        "Without a parcel": ORDER,
    },
    "order_delivered": {"Delivered": ORDER},
    "order_cancelled": {
        "Not paid: nothing to give back": {**ORDER, "reason": "Reservation expired before payment", "paid": False},
        "Paid: the money comes back": {**ORDER, "reason": "Cancelled by you", "paid": True},
    },
    "order_refunded": {
        "Part of an order": {**ORDER, "amount": "$5.00", "total": "$5.00", "card": "Visa ending in 4242"},
    },
    "stock_low": {"Three left": {"sku": "FM-STA-022", "available": 3, "level": 5}},
    "webhook_disabled": {
        "After failing for days": {
            "url": "https://hooks.example.com/fragmart",
            "endpoint_id": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
            "events": "order.confirmed, order.shipped",
        }
    },
}
