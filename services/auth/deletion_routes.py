"""Auth HTTP route of "Delete my account": the signed-in account, deleted once its password is given."""

from __future__ import annotations

from flask import Blueprint

from common.api.openapi import operation
from common.api.validation import StrictModel, parse_body
from common.auth.identity import current_identity, require_user

from . import deletion
from .deps import deps
from .routes import spec
from .schemas import LoginPassword

bp = Blueprint("auth_deletion", __name__)


class DeleteAccountBody(StrictModel):
    password: LoginPassword


@bp.post("/api/auth/account/delete")
@require_user
@operation(spec, ok=204, body=DeleteAccountBody, auth="user", errors=(401, 403, 409, 429))
def delete_account():
    """Delete the caller's account: its personal data goes in every service (account.deleted), its orders stay for
    the books without the personal fields, and every session ends. 403 WRONG_PASSWORD and 409 LAST_ADMIN (the only
    admin) name the password field in details.fields; 429 after too many wrong passwords."""
    d, body = deps(), parse_body(DeleteAccountBody)
    user_id = current_identity().user_id
    deletion.delete_account(d.repo, d.roles, d.passwords, d.tokens, d.two_factor, d.limiter, user_id, body.password)
    return "", 204
