"""Accounts and roles for the back office (admin): search accounts, make an admin or take the role away."""

from __future__ import annotations

from functools import partial
from typing import Literal

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field

from common.api.openapi import operation
from common.api.paging import PageQuery
from common.api.validation import StrictModel, parse_body, parse_query
from common.auth.identity import require_admin
from common.errors import NotFound
from common.ids import is_minted_id
from common.mongo.audit import admin_action

from .deps import deps
from .roles import Roles
from .routes import spec

bp = Blueprint("auth_roles", __name__)


class AccountQuery(PageQuery):
    q: str = Field(default="", max_length=100)
    role: Literal["", "customer", "admin"] = ""


class RoleChange(StrictModel):
    role: Literal["customer", "admin"]


class Account(BaseModel):
    id: str
    email: str
    name: str
    role: str
    created_at: str | None


class AccountPage(BaseModel):
    items: list[Account]
    total: int
    page: int
    per_page: int
    pages: int
    admins: int


class RoleChanged(BaseModel):
    before: Account
    after: Account


def _roles() -> Roles:
    return deps().roles


def _checked(account_id: str) -> str:
    if not is_minted_id(account_id):
        raise NotFound("Account not found", code="ACCOUNT_NOT_FOUND")
    return account_id


@bp.get("/api/auth/accounts")
@require_admin
@operation(spec, out=AccountPage, query=AccountQuery, auth="admin")
def list_accounts():
    """Accounts, newest first, searched by email or name, with their roles (admin)."""
    q = parse_query(AccountQuery)
    return jsonify(_roles().search(q.q, q.role, q))


@bp.get("/api/auth/accounts/<account_id>")
@require_admin
@operation(spec, out=Account, auth="admin", errors=(404,))
def get_account(account_id):
    """One account with its role (admin)."""
    return jsonify(_roles().get(_checked(account_id)))


@bp.put("/api/auth/accounts/<account_id>/role")
@require_admin
@operation(spec, out=RoleChanged, body=RoleChange, auth="admin", errors=(404, 409))
def set_role(account_id):
    """Make an admin or take the role away; the last admin keeps it (409 LAST_ADMIN) (admin)."""
    account_id, role = _checked(account_id), parse_body(RoleChange).role
    action = f"user.{'grant' if role == 'admin' else 'revoke'}_admin"
    before, after = _roles().set_role(account_id, role, partial(admin_action, "auth", action, "user", account_id))
    return jsonify(before=before, after=after)
