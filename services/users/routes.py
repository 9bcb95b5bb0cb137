"""Users HTTP routes: the caller's own profile and addresses, and the admin's list."""

from __future__ import annotations

from flask import Blueprint, jsonify

from common.api.openapi import operation, service_spec
from common.api.validation import parse_body, parse_query
from common.auth.identity import current_identity, require_admin, require_user

from . import service
from .deps import deps
from .schemas import Address, AddressCreate, Addresses, Profile, ProfilePage, ProfileUpdate, UserQuery

bp = Blueprint("users", __name__)
spec = service_spec("users")


@bp.get("/api/users/me")
@require_user
@operation(spec, out=Profile, auth="user", errors=(404,))
def get_me():
    """The caller's profile."""
    return jsonify(service.get_me(deps().repo, current_identity()))


@bp.patch("/api/users/me")
@require_user
@operation(spec, out=Profile, body=ProfileUpdate, auth="user", errors=(404,))
def update_me():
    """Change the caller's name and/or phone."""
    changes = parse_body(ProfileUpdate).model_dump(exclude_unset=True)
    return jsonify(service.update_me(deps().repo, current_identity(), changes))


@bp.get("/api/users/me/addresses")
@require_user
@operation(spec, out=Addresses, auth="user")
def list_addresses():
    """The caller's saved addresses."""
    return jsonify(items=service.list_addresses(deps().repo, current_identity()))


@bp.post("/api/users/me/addresses")
@require_user
@operation(spec, ok=201, out=Address, body=AddressCreate, auth="user", errors=(409,))
def add_address():
    """Save an address for the caller."""
    fields = parse_body(AddressCreate).model_dump()
    return jsonify(service.add_address(deps().repo, current_identity(), fields)), 201


@bp.delete("/api/users/me/addresses/<address_id>")
@require_user
@operation(spec, ok=204, auth="user", errors=(404,))
def delete_address(address_id):
    """Delete one of the caller's addresses."""
    service.delete_address(deps().repo, current_identity(), address_id)
    return "", 204


@bp.get("/api/users")
@require_admin
@operation(spec, out=ProfilePage, query=UserQuery, auth="admin")
def list_users():
    """Every user's profile, paged (admin)."""
    return jsonify(service.list_users(deps().repo, parse_query(UserQuery)))
