"""Carts in Redis: one hash per cart at `orders:cart:<id>` mapping variant SKU -> quantity, and beside it
`orders:cart:<id>:seen` mapping SKU -> the variant as last seen (JSON: SKU, name, image, price, currency),
so the cart still renders when the catalog cannot answer. Carts written before variants name a product id instead
of a SKU: the cart renames such a line to the product's one variant when it meets it (cart.py)."""

from __future__ import annotations

import functools
import json
import logging
import uuid

from redis.exceptions import RedisError

from common.errors import Unavailable
from common.ids import is_minted_id

log = logging.getLogger(__name__)

CART_KEY = "orders:cart:{id}"
SEEN_KEY = "orders:cart:{id}:seen"
PROMO_KEY = "orders:cart:{id}:promo"  # the promo code the shopper applied in the cart, for the checkout to use
SEEN_FIELDS = ("id", "sku", "name", "variant", "image", "price", "currency")
GUEST_TTL = 14 * 24 * 3600  # a guest's cart outlives a browser session, not forever
MAX_QUANTITY = 99
MAX_LINES = 50

# Scripts run atomically in Redis: the check and the write cannot interleave with another request.
# A positive result is the line's new quantity; -1: over the limit, -2: too many lines, -3: no such line.
_ADD = """
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local wanted = current + tonumber(ARGV[2])
if wanted > tonumber(ARGV[3]) then return -1 end
if current == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return -2 end
redis.call('HSET', KEYS[1], ARGV[1], wanted)
if tonumber(ARGV[5]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[5]) end
return wanted
"""
_SET = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return -3 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return tonumber(ARGV[2])
"""
_RENAME = """
local qty = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if qty == 0 then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
local now = tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0')
redis.call('HSET', KEYS[1], ARGV[2], math.min(now + qty, tonumber(ARGV[3])))
return qty
"""
_MERGE = """
local guest = redis.call('HGETALL', KEYS[1])
local moved = 0
for i = 1, #guest, 2 do
  local current = tonumber(redis.call('HGET', KEYS[2], guest[i]) or '0')
  if current > 0 or redis.call('HLEN', KEYS[2]) < tonumber(ARGV[2]) then
    redis.call('HSET', KEYS[2], guest[i], math.min(current + tonumber(guest[i + 1]), tonumber(ARGV[1])))
    moved = moved + 1
  end
end
redis.call('DEL', KEYS[1])
local seen = redis.call('HGETALL', KEYS[3])
for i = 1, #seen, 2 do
  if redis.call('HEXISTS', KEYS[2], seen[i]) == 1 then redis.call('HSET', KEYS[4], seen[i], seen[i + 1]) end
end
redis.call('DEL', KEYS[3])
return moved
"""


def new_guest_id() -> str:
    return uuid.uuid4().hex


def is_guest_id(value: str) -> bool:
    return is_minted_id(value)


def user_cart_id(user_id: str) -> str:
    # The colon keeps user carts out of reach of any X-Cart-Id a guest can send (32 hex digits).
    return f"user:{user_id}"


def _store_call(method):
    """A Redis failure is an outage of carts: 503 CART_UNAVAILABLE, which the shopper can retry."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except RedisError:
            raise Unavailable(
                "Carts are briefly unavailable; try again", code="CART_UNAVAILABLE", details={"retry_after": 1}
            ) from None

    return wrapper


class CartStore:
    def __init__(self, redis, guest_ttl: int = GUEST_TTL):
        self.redis, self.guest_ttl = redis, guest_ttl
        self._add, self._set, self._merge, self._rename = (
            redis.register_script(s) for s in (_ADD, _SET, _MERGE, _RENAME)
        )

    def _ttl(self, cart_id: str) -> int:
        return self.guest_ttl if is_guest_id(cart_id) else 0

    @_store_call
    def lines(self, cart_id: str) -> dict[str, int]:
        return {sku: int(qty) for sku, qty in self.redis.hgetall(CART_KEY.format(id=cart_id)).items()}

    @_store_call
    def add(self, cart_id: str, sku: str, quantity: int, limit: int) -> int:
        """Add to a line unless its total would pass `limit`; the new quantity, or -1 / -2 (see above)."""
        return int(
            self._add(
                keys=[CART_KEY.format(id=cart_id)],
                args=[sku, quantity, min(limit, MAX_QUANTITY), MAX_LINES, self._ttl(cart_id)],
            )
        )

    @_store_call
    def set(self, cart_id: str, sku: str, quantity: int) -> int:
        """Set an existing line's quantity; -3 when the cart has no such line."""
        return int(self._set(keys=[CART_KEY.format(id=cart_id)], args=[sku, quantity, self._ttl(cart_id)]))

    @_store_call
    def rename(self, cart_id: str, old: str, new: str) -> None:
        """A line of the old shape (a product id) becomes its variant's (a SKU), its quantity kept, atomically."""
        self._rename(keys=[CART_KEY.format(id=cart_id), SEEN_KEY.format(id=cart_id)], args=[old, new, MAX_QUANTITY])

    @_store_call
    def remove(self, cart_id: str, *skus: str) -> int:
        if not skus:
            return 0
        self.redis.hdel(SEEN_KEY.format(id=cart_id), *skus)
        return int(self.redis.hdel(CART_KEY.format(id=cart_id), *skus))

    def take(self, cart_id: str, ordered: dict[str, int]) -> None:
        """Take an order's quantities out of the cart once it is confirmed (what was added since stays). Best
        effort, like clear(): a line left over is a smaller harm than a failed confirmation."""
        try:
            key = CART_KEY.format(id=cart_id)
            left = {sku: self.redis.hincrby(key, sku, -qty) for sku, qty in ordered.items() if qty > 0}
            gone = [sku for sku, qty in left.items() if qty <= 0]
            if gone:
                self.redis.hdel(key, *gone)
                self.redis.hdel(SEEN_KEY.format(id=cart_id), *gone)
            if not self.redis.hlen(key):
                self.redis.delete(PROMO_KEY.format(id=cart_id))
        except RedisError as e:
            log.warning("cart not emptied after a confirmed order", extra={"error": type(e).__name__})

    @_store_call
    def seen(self, cart_id: str) -> dict[str, dict]:
        """The cart's products as last seen, by SKU."""
        return {sku: json.loads(raw) for sku, raw in self.redis.hgetall(SEEN_KEY.format(id=cart_id)).items()}

    @_store_call
    def remember(self, cart_id: str, products: dict[str, dict]) -> None:
        """Keep what the lines need to render (and nothing else of the product) for when the catalog is down."""
        if not products:
            return
        key = SEEN_KEY.format(id=cart_id)
        kept = {sku: json.dumps({f: p.get(f) for f in SEEN_FIELDS}) for sku, p in products.items()}
        with self.redis.pipeline() as pipe:
            pipe.hset(key, mapping=kept)
            if self._ttl(cart_id):
                pipe.expire(key, self._ttl(cart_id))
            pipe.execute()

    @_store_call
    def promo(self, cart_id: str) -> str | None:
        return self.redis.get(PROMO_KEY.format(id=cart_id))

    @_store_call
    def set_promo(self, cart_id: str, code: str | None) -> None:
        """Keep the applied code beside the cart (as long as a guest's cart lives), or drop it."""
        if code is None:
            self.redis.delete(PROMO_KEY.format(id=cart_id))
        else:
            self.redis.set(PROMO_KEY.format(id=cart_id), code, ex=self._ttl(cart_id) or None)

    @_store_call
    def merge(self, guest_id: str, into_id: str) -> int:
        """Move every guest line into the other cart (quantities add up, capped) and drop the guest cart; the
        guest's promo code comes along unless the cart it joins has one."""
        guest_promo = PROMO_KEY.format(id=guest_id)
        if self.redis.exists(guest_promo):
            self.redis.renamenx(guest_promo, PROMO_KEY.format(id=into_id))  # kept only where none was applied
            self.redis.persist(PROMO_KEY.format(id=into_id))
            self.redis.delete(guest_promo)
        return int(
            self._merge(
                keys=[
                    CART_KEY.format(id=guest_id),
                    CART_KEY.format(id=into_id),
                    SEEN_KEY.format(id=guest_id),
                    SEEN_KEY.format(id=into_id),
                ],
                args=[MAX_QUANTITY, MAX_LINES],
            )
        )

    def clear(self, cart_id: str) -> None:
        """Best effort: it runs after the order is placed, and a cart left full is a smaller harm than a 503
        for an order that exists."""
        try:
            self.redis.delete(CART_KEY.format(id=cart_id), SEEN_KEY.format(id=cart_id), PROMO_KEY.format(id=cart_id))
        except RedisError as e:
            log.warning("cart not cleared after an order", extra={"error": type(e).__name__})
