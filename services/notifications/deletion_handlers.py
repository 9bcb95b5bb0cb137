"""account.deleted: forget the account's contact and blank its delivery log; nothing is sent to it again."""

from __future__ import annotations

from common.messaging.messages import AccountDeleted


def handlers(notifier) -> dict:
    def on_deleted(event) -> None:
        notifier.repo.forget(AccountDeleted.parse(event).user_id)

    return {AccountDeleted.TOPIC: on_deleted}
