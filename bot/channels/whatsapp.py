"""WhatsApp through Twilio: the Twilio SMS channel on its own webhook, with WhatsApp's numbers.

Twilio delivers WhatsApp messages like SMS, with `From` as "whatsapp:+1..." and the same request
signature; replies go out through the same Messages API from "whatsapp:<your number>". WhatsApp
shows no buttons for free-form replies either, so topics are numbered as on SMS; a message
through Twilio takes at most 1600 characters.
"""

from __future__ import annotations

from bot.channels.formatting import WHATSAPP, ChannelStyle
from bot.channels.twilio import TwilioReplies, TwilioSmsChannel

PREFIX = "whatsapp:"


class WhatsAppReplies(TwilioReplies):
    style: ChannelStyle = WHATSAPP


class TwilioWhatsAppChannel(TwilioSmsChannel):
    """credentials.yml: as the Twilio SMS channel, with the WhatsApp sender as twilio_number."""

    platform = "whatsapp"
    replies = WhatsAppReplies

    @staticmethod
    def sender_number(number: str) -> str:
        return number if not number or number.startswith(PREFIX) else f"{PREFIX}{number}"
