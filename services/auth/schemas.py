"""Request and answer models for the auth API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from common.api.validation import NOT_SENT, Email, StrictModel, normalise_email

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


# Two-factor sign-in (two_factor.py). A code as typed: six digits, or a recovery code like k7mq-x2pd-9rtf.
# Letters or digits at both ends: the models strip whitespace, so a padded code would shrink below its minimum.
AuthCode = Annotated[str, Field(min_length=6, max_length=20, pattern=r"^[0-9A-Za-z][0-9A-Za-z -]*[0-9A-Za-z]$")]


class TwoFactorCode(StrictModel):
    """The first code from the authenticator app, which confirms the secret."""

    code: AuthCode


class TwoFactorOff(StrictModel):
    """Either the account's password or one of its codes (an authenticator's or a recovery code), not both."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1, "maxProperties": 1})
    password: LoginPassword = NOT_SENT
    code: AuthCode = NOT_SENT

    @model_validator(mode="after")
    def _one_proof(self):
        if (self.password is None) == (self.code is None):
            raise ValueError("give either password or code")
        return self


class SignInCode(StrictModel):
    """The pending sign-in's challenge (from the 202 of /api/auth/login) and the code that completes it."""

    challenge: ResetToken
    code: AuthCode


class SignInChallenge(BaseModel):
    """The password was right and the account has two-factor sign-in: no tokens until a code is given."""

    two_factor_required: Literal[True]
    challenge: str
    expires_in: int


class TwoFactorSetup(BaseModel):
    secret: str
    otpauth_uri: str


class TwoFactorStatus(BaseModel):
    enabled: bool
    available: bool  # whether this account may turn it on (admins)
    recovery_codes_left: int
    setup: TwoFactorSetup | None  # a secret shown and not yet confirmed; never once it is on


class TwoFactorOn(TokenPair):
    recovery_codes: list[str]
