"""Clinic settings: one YAML file of defaults, each key overridable from the environment."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import yaml

from bot.contract import ENGLISH

SETTINGS_FILE = Path(__file__).with_name("clinic.yml")


@dataclass(frozen=True)
class ClinicSettings:
    """What the replies need to know about the clinic that runs the assistant."""

    clinic_name: str
    clinic_phone: str
    clinic_hours: str
    clinic_hours_es: str
    clinic_portal_url: str
    emergency_number: str
    crisis_line: str
    crisis_line_name: str
    crisis_line_name_es: str
    allowed_origins: str

    def as_placeholders(self, language: str = ENGLISH) -> dict[str, str]:
        """The values that reply templates may name as {placeholders}; in another language a
        setting's own edition ("crisis_line_name_es") stands under its plain name."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if language != ENGLISH:
            suffix = f"_{language}"
            values |= {name.removesuffix(suffix): value for name, value in values.items()
                       if name.endswith(suffix)}
        return values

    @property
    def origins(self) -> list[str]:
        """The web origins allowed to open the widget's socket.io connection."""
        return [origin.strip().rstrip("/") for origin in self.allowed_origins.split(",")
                if origin.strip()]


def load_settings(
    path: Path = SETTINGS_FILE, environ: Mapping[str, str] | None = None
) -> ClinicSettings:
    """Reads the settings file; a non-empty environment variable wins over the file."""
    environ = os.environ if environ is None else environ
    defaults = yaml.safe_load(path.read_text(encoding="utf-8"))
    values = {}
    for field in fields(ClinicSettings):
        value = str(environ.get(field.name.upper(), "")).strip()
        value = value or str(defaults.get(field.name) or "").strip()
        if not value:
            raise ValueError(f"clinic setting {field.name!r} is missing from {path}")
        values[field.name] = value
    return ClinicSettings(**values)


@lru_cache(maxsize=1)
def settings() -> ClinicSettings:
    """The process-wide settings, read once at start-up."""
    return load_settings()


def main(argv: list[str]) -> int:
    """Prints one setting, so that shell scripts read the same values as the code."""
    if len(argv) != 1 or argv[0] not in {f.name for f in fields(ClinicSettings)}:
        print(f"usage: python -m bot.settings <{'|'.join(f.name for f in fields(ClinicSettings))}>")
        return 2
    print(getattr(settings(), argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
