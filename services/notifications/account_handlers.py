"""Account events: remember the user's contact, and send the welcome, email confirmation and password reset emails."""

from __future__ import annotations

from common.messaging.messages import EmailVerificationRequested, PasswordResetRequested, UserRegistered


def handlers(notifier) -> dict:
    def on_registered(event) -> None:
        registered = UserRegistered.parse(event)
        user_id, email, name = registered.user_id, registered.email, registered.name or ""
        notifier.repo.remember_contact(user_id, email, name, registered.role)
        if registered.role == "admin":
            return  # the admin account is ensured at every start; it needs no welcome
        notifier.send_email(email, "welcome", {"name": name, "email": email}, user_id, key=f"welcome:{user_id}")

    def on_reset_requested(event) -> None:
        asked = PasswordResetRequested.parse(event)
        context = {"name": asked.name or "there", "reset_url": asked.reset_url}
        # One email per link asked for (the event's own id): a redelivery sends nothing more.
        notifier.send_email(asked.email, "password_reset", context, asked.user_id, key=f"reset:{event.event_id}")

    def on_verify_requested(event) -> None:
        asked = EmailVerificationRequested.parse(event)
        context = {"name": asked.name or "there", "verify_url": asked.verify_url, "email": asked.email}
        notifier.send_email(asked.email, "verify_email", context, asked.user_id, key=f"verify:{event.event_id}")

    return {
        UserRegistered.TOPIC: on_registered,
        PasswordResetRequested.TOPIC: on_reset_requested,
        EmailVerificationRequested.TOPIC: on_verify_requested,
    }
