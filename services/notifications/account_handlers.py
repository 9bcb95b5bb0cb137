"""Account events: remember the user's contact, and send the welcome email."""

from __future__ import annotations

from common.messages import UserRegistered


def handlers(notifier) -> dict:
    def on_registered(event) -> None:
        registered = UserRegistered.parse(event)
        user_id, email, name = registered.user_id, registered.email, registered.name or ""
        notifier.repo.remember_contact(user_id, email, name, registered.role)
        if registered.role == "admin":
            return  # the admin account is ensured at every start; it needs no welcome
        notifier.send_email(email, "welcome", {"name": name, "email": email}, user_id, key=f"welcome:{user_id}")

    return {UserRegistered.TOPIC: on_registered}
