"""Users HTTP routes: the caller's own profile and addresses, and the admin's list."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from common.auth import current_identity, require_admin, require_user
from common.openapi import body_model
from common.validation import parse_body, parse_query

from . import service
from .schemas import AddressCreate, ProfileUpdate, UserQuery

bp = Blueprint("users", __name__)


def _repo():
    return current_app.extensions["users.repo"]


@bp.get("/api/users/me")
@require_user
def get_me():
    """The caller's profile."""
    return jsonify(service.get_me(_repo(), current_identity()))


@bp.patch("/api/users/me")
@require_user
@body_model(ProfileUpdate)
def update_me():
    """Change the caller's name and/or phone."""
    changes = parse_body(ProfileUpdate).model_dump(exclude_unset=True)
    return jsonify(service.update_me(_repo(), current_identity(), changes))


@bp.get("/api/users/me/addresses")
@require_user
def list_addresses():
    """The caller's saved addresses."""
    return jsonify(items=service.list_addresses(_repo(), current_identity()))


@bp.post("/api/users/me/addresses")
@require_user
@body_model(AddressCreate)
def add_address():
    """Save an address for the caller."""
    fields = parse_body(AddressCreate).model_dump()
    return jsonify(service.add_address(_repo(), current_identity(), fields)), 201


@bp.delete("/api/users/me/addresses/<address_id>")
@require_user
def delete_address(address_id):
    """Delete one of the caller's addresses."""
    service.delete_address(_repo(), current_identity(), address_id)
    return "", 204


@bp.get("/api/users")
@require_admin
def list_users():
    """Every user's profile, paged (admin)."""
    return jsonify(service.list_users(_repo(), parse_query(UserQuery)))
