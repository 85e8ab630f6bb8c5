"""A patient's message is answered only when it can be stored.

Rasa 3.6 wraps every tracker store in `FailSafeTrackerStore`: while the database is down it
reads an empty conversation and saves into memory, so the patient gets an answer that is never
stored and that has forgotten her conversation. Here the error goes on after Rasa's own log
line: the channel sends the apology ("I can't answer right now, please try again"), and her
message is stored when she sends it again once the database is back.
"""

from __future__ import annotations

from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_patches.patching import replace


class TrackerStoreUnavailableError(RuntimeError):
    """The conversation store could not be read or written; the turn must not go on."""


async def retrieve(self: FailSafeTrackerStore, sender_id: str) -> DialogueStateTracker | None:
    try:
        return await self._tracker_store.retrieve(sender_id)
    except Exception as error:  # noqa: BLE001 - any store failure stops the turn
        self.on_tracker_store_error(error)
        raise TrackerStoreUnavailableError("the conversation store could not be read") from error


async def retrieve_full_tracker(
    self: FailSafeTrackerStore, sender_id: str
) -> DialogueStateTracker | None:
    try:
        return await self._tracker_store.retrieve_full_tracker(sender_id)
    except Exception as error:  # noqa: BLE001
        self.on_tracker_store_error(error)
        raise TrackerStoreUnavailableError("the conversation store could not be read") from error


async def save(self: FailSafeTrackerStore, tracker: DialogueStateTracker) -> None:
    try:
        await self._tracker_store.save(tracker)
    except Exception as error:  # noqa: BLE001
        self.on_tracker_store_error(error)
        raise TrackerStoreUnavailableError("the conversation could not be stored") from error


def install() -> None:
    """Makes store failures stop the turn."""
    replace(FailSafeTrackerStore, "retrieve", retrieve)
    replace(FailSafeTrackerStore, "retrieve_full_tracker", retrieve_full_tracker)
    replace(FailSafeTrackerStore, "save", save)
