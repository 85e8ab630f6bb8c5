"""The website widget's server-side settings, built from answers.yml and clinic.yml, so that
the disclaimer and the clinic's name are written once and never copied into JavaScript."""

from __future__ import annotations

from typing import Any, Dict

from bot.content import LANGUAGES, render
from bot.settings import settings


def widget_config(rasa_url: str) -> Dict[str, Any]:
    """What the widget fetches as config.json; a page's own config object overrides it."""
    clinic = settings()
    return {
        "serverUrl": rasa_url,
        "clinicName": clinic.clinic_name,
        "disclaimer": render.behaviour_text("disclaimer"),
        # The widget shows the one in the conversation's language.
        "disclaimers": {language: render.behaviour_text("disclaimer", language=language)
                        for language in LANGUAGES},
    }
