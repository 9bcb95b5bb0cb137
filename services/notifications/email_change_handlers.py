"""Email change events: the new address gets its confirmation link; once changed, the contact follows the account's
address and the old address gets a notice with the undo link (the event carries it: see services/auth/email_change.py).
"""

from __future__ import annotations

from common.messaging.messages import EmailChanged, EmailChangeRequested


def handlers(notifier) -> dict:
    def on_change_requested(event) -> None:
        asked = EmailChangeRequested.parse(event)
        context = {"name": asked.name or "there", "new_email": asked.new_email, "confirm_url": asked.confirm_url}
        # One email per link asked for (the event's own id): a redelivery sends nothing more.
        key = f"email-change:{event.event_id}"
        notifier.send_email(asked.new_email, "email_change_confirm", context, asked.user_id, key=key)

    def on_changed(event) -> None:
        changed = EmailChanged.parse(event)
        notifier.repo.follow_email(changed.user_id, changed.new_email, changed.version)
        if changed.undone or not changed.undo_url:
            return
        context = {
            "name": changed.name or "there",
            "old_email": changed.old_email,
            "new_email": changed.new_email,
            "undo_url": changed.undo_url,
        }
        key = f"email-changed:{event.event_id}"
        notifier.send_email(changed.old_email, "email_changed", context, changed.user_id, key=key)

    return {EmailChangeRequested.TOPIC: on_change_requested, EmailChanged.TOPIC: on_changed}
