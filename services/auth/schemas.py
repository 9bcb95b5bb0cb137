"""Request and answer models for the auth API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from common.validation import Email, StrictModel, normalise_email

NO_CONTROL_CHARS = r"^[^\x00-\x1f\x7f]+$"


# Passwords are taken exactly as typed: no stripping. The cap keeps argon2 input bounded.
Password = Annotated[str, StringConstraints(strip_whitespace=False, min_length=8, max_length=128)]
LoginPassword = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, max_length=128)]
NewEmail = Email
LoginEmail = Annotated[str, Field(min_length=1, max_length=254), AfterValidator(normalise_email)]
# Taken as sent (no stripping), so that its length is the one the document states.
Token = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, max_length=4096)]


class RegisterBody(StrictModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"email": "ada@example.com", "password": "correct-horse-battery", "name": "Ada"}]
        }
    )
    email: NewEmail
    password: Password
    name: str = Field(min_length=1, max_length=100, pattern=NO_CONTROL_CHARS)


class LoginBody(StrictModel):
    email: LoginEmail
    password: LoginPassword


class PasswordChange(StrictModel):
    current_password: LoginPassword
    new_password: Password


class ForgotBody(StrictModel):
    email: LoginEmail


ResetToken = Annotated[str, Field(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


class ResetBody(StrictModel):
    token: ResetToken
    new_password: Password


class ResetAsked(BaseModel):
    message: str


class ResetCheck(StrictModel):
    token: ResetToken


class VerifyBody(StrictModel):
    """The token of an email confirmation link (`/verify-email/<token>`)."""

    token: ResetToken


class Verified(BaseModel):
    email: str
    email_verified: bool


class RefreshBody(StrictModel):
    refresh_token: Token


class LogoutBody(StrictModel):
    refresh_token: Token | None = None


# Answers (documented in /openapi.json; the views build them as dicts).
class Account(BaseModel):
    id: str
    email: str
    name: str
    role: Literal["customer", "admin"]


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    refresh_expires_in: int


class Registered(TokenPair):
    user: Account


class Jwks(BaseModel):
    keys: list[dict]
