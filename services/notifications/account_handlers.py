"""Account events: remember the user's contact, and send the welcome email."""

from __future__ import annotations


def handlers(notifier) -> dict:
    def on_registered(event) -> None:
        data = event.data
        user_id, email, name = str(data["user_id"]), data["email"], data.get("name") or ""
        notifier.repo.remember_contact(user_id, email, name)
        if data.get("role") == "admin":
            return  # the admin account is ensured at every start; it needs no welcome
        notifier.send_email(email, "welcome", {"name": name, "email": email}, user_id, key=f"welcome:{user_id}")

    return {"user.registered": on_registered}
