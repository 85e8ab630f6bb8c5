"""What the website widget sends over socket.io and what it gets back, checked and shaped here
so that the channel itself only moves messages."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from bot.channels.formatting import message_blocks, message_source
from bot.channels.payload import (
    MAX_MESSAGE_CHARS,
    MAX_SENDER_CHARS,
    IncomingMessage,
    PayloadError,
    clean_text,
)
from bot.content import Source, render

# Kinds of bot message the widget does not draw but that other clients may; passed on unchanged.
PASSED_ON = ("image", "attachment", "elements")


def session_id_from(data: Any) -> str | None:
    """The session id a client sent, if it is a usable one; None means "start a new session"."""
    if not isinstance(data, dict) or not isinstance(data.get("session_id"), str):
        return None
    session_id = clean_text(data["session_id"]).strip()
    return session_id if 0 < len(session_id) <= MAX_SENDER_CHARS else None


def read_user_message(
    data: Any, sid: str, session_persistence: bool, metadata_key: str = "metadata"
) -> IncomingMessage:
    """Reads {"message": str, "session_id": str, <metadata_key>: object?} from a socket event.

    With session persistence the conversation is the client's session id (so it survives page
    reloads and reconnections); without it, the socket's own id.
    """
    if not isinstance(data, dict):
        raise PayloadError("The message must be a JSON object.")
    sender = sid
    if session_persistence:
        sender = session_id_from(data) or ""
        if not sender:
            raise PayloadError(
                '"session_id" must be a non-empty string of at most '
                f"{MAX_SENDER_CHARS} characters: send session_request first."
            )
    text = data.get("message")
    if not isinstance(text, str):
        raise PayloadError('"message" must be a string.')
    if len(text) > MAX_MESSAGE_CHARS:
        raise PayloadError(f'"message" must be at most {MAX_MESSAGE_CHARS} characters.')
    metadata = data.get(metadata_key)
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError as error:
            raise PayloadError(f'"{metadata_key}" must be a JSON object.') from error
    if metadata is not None and not isinstance(metadata, dict):
        raise PayloadError(f'"{metadata_key}" must be a JSON object.')
    return IncomingMessage(sender=sender, text=clean_text(text), metadata=metadata)


def _quick_replies(message: Dict[str, Any]) -> List[Dict[str, str]]:
    buttons = message.get("buttons") or message.get("quick_replies") or []
    return [
        {"content_type": "text", "title": button["title"], "payload": button["payload"]}
        for button in buttons
        if isinstance(button, dict)
        and isinstance(button.get("title"), str)
        and isinstance(button.get("payload"), str)
    ]


def _link(source: Source) -> Dict[str, str]:
    return {"text": source.short_citation, "url": source.url}


def widget_message(message: Dict[str, Any]) -> Dict[str, Any]:
    """One bot message as one socket.io event, in the shape Rasa's own socket.io channel sends
    and every client of it draws (rasa-webchat, Rasa's chat widget): `text`, `quick_replies`
    when there are any, and everything else under `metadata`.

    The text keeps its citation line, so any client shows the source; `metadata.source_link`
    gives it as a link, `metadata.lines` the reply line by line with the citation as that link
    (our widget draws these), and `metadata.custom` carries the topic.
    """
    custom = message.get("custom") if isinstance(message.get("custom"), dict) else None
    source = message_source(message)
    shaped: Dict[str, Any] = {
        "text": message.get("text") if isinstance(message.get("text"), str) else ""
    }
    replies = _quick_replies(message)
    if replies:
        shaped["quick_replies"] = replies
    metadata: Dict[str, Any] = {}
    if custom is not None:
        metadata["custom"] = custom
    if source is not None:
        metadata["source_link"] = _link(source)
    lines = render.draw(message_blocks(message), source, lambda text: {"text": text},
                        lambda cited: {"link": _link(cited)})
    if lines:
        metadata["lines"] = lines
    if metadata:
        shaped["metadata"] = metadata
    shaped.update({key: message[key] for key in PASSED_ON if message.get(key)})
    return shaped
