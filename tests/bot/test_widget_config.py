"""The widget's config: the disclaimer and clinic name come from their files, not from JS."""

from __future__ import annotations

from bot.content import content
from bot.settings import settings
from bot.widget_config import widget_config

RASA_URL = "http://127.0.0.1:5999"


def test_config_carries_the_disclaimer_and_clinic_name_from_their_files() -> None:
    config = widget_config(RASA_URL)
    disclaimer = content().behaviour_text("disclaimer").format(**settings().as_placeholders())
    spanish = content("es").behaviour_text("disclaimer").format(
        **settings().as_placeholders("es"))
    assert config == {
        "serverUrl": RASA_URL,
        "clinicName": settings().clinic_name,
        "disclaimer": disclaimer,
        "disclaimers": {"en": disclaimer, "es": spanish},
    }
    assert settings().emergency_number in disclaimer  # its placeholder is filled
    assert spanish != disclaimer and settings().emergency_number in spanish
