"""Clinic settings: clinic.yml defaults, environment overrides, missing values."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from bot.settings import SETTINGS_FILE, ClinicSettings, load_settings, main, settings

FIELD_NAMES = [field.name for field in fields(ClinicSettings)]


def _file_values() -> dict[str, str]:
    raw = yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))
    return {name: str(raw[name]).strip() for name in FIELD_NAMES}


def _write(path: Path, values: dict[str, object]) -> Path:
    path.write_text(yaml.safe_dump(values), encoding="utf-8")
    return path


def test_defaults_come_from_clinic_yml() -> None:
    settings = load_settings(environ={})
    assert settings.as_placeholders() == _file_values()
    assert all(value for value in settings.as_placeholders().values())


def test_placeholders_name_every_setting() -> None:
    assert set(load_settings(environ={}).as_placeholders()) == set(FIELD_NAMES)


@pytest.mark.parametrize("name", FIELD_NAMES)
def test_environment_variable_wins_over_the_file(name: str) -> None:
    settings = load_settings(environ={name.upper(): "  from the environment  "})
    values = settings.as_placeholders()
    assert values[name] == "from the environment"
    others = {key: value for key, value in values.items() if key != name}
    assert others == {key: value for key, value in _file_values().items() if key != name}


def test_lower_case_environment_variable_is_not_read() -> None:
    settings = load_settings(environ={"clinic_phone": "555-0100"})
    assert settings.clinic_phone == _file_values()["clinic_phone"]


def test_empty_environment_variable_falls_back_to_the_file() -> None:
    settings = load_settings(environ={"CLINIC_PHONE": "", "CRISIS_LINE": ""})
    assert settings.clinic_phone == _file_values()["clinic_phone"]
    assert settings.crisis_line == _file_values()["crisis_line"]


def test_blank_environment_variable_does_not_blank_the_setting() -> None:
    try:
        settings = load_settings(environ={"CLINIC_PHONE": "   "})
    except ValueError:
        return
    assert settings.clinic_phone == _file_values()["clinic_phone"]


def test_numbers_in_the_file_are_read_as_text(tmp_path: Path) -> None:
    values: dict[str, object] = dict(_file_values())
    values["emergency_number"] = 911
    settings = load_settings(_write(tmp_path / "clinic.yml", values), environ={})
    assert settings.emergency_number == "911"


@pytest.mark.parametrize("name", ["clinic_phone", "crisis_line"])
def test_missing_key_raises(tmp_path: Path, name: str) -> None:
    values = {key: value for key, value in _file_values().items() if key != name}
    path = _write(tmp_path / "clinic.yml", values)
    with pytest.raises(ValueError, match=name):
        load_settings(path, environ={})


def test_missing_key_can_be_supplied_by_the_environment(tmp_path: Path) -> None:
    values = {key: value for key, value in _file_values().items() if key != "clinic_phone"}
    path = _write(tmp_path / "clinic.yml", values)
    assert load_settings(path, environ={"CLINIC_PHONE": "555-0100"}).clinic_phone == "555-0100"


def test_empty_value_in_the_file_raises(tmp_path: Path) -> None:
    values = dict(_file_values())
    values["crisis_line"] = ""
    with pytest.raises(ValueError, match="crisis_line"):
        load_settings(_write(tmp_path / "clinic.yml", values), environ={})


def test_allowed_origins_are_read_as_a_list() -> None:
    origins = " https://a.example, ,https://b.example/ "
    settings = load_settings(environ={"ALLOWED_ORIGINS": origins})
    assert settings.origins == ["https://a.example", "https://b.example"]
    assert load_settings(environ={}).origins == [
        origin.strip() for origin in _file_values()["allowed_origins"].split(",")
    ]


def test_shell_scripts_read_a_setting_through_the_module(capsys: pytest.CaptureFixture) -> None:
    assert main(["allowed_origins"]) == 0
    assert capsys.readouterr().out.strip() == settings().allowed_origins
    assert main(["no_such_setting"]) == 2


def test_a_spanish_reply_reads_the_spanish_edition_of_a_setting() -> None:
    settings = load_settings(environ={})
    spanish = settings.as_placeholders("es")
    assert spanish["crisis_line_name"] == settings.crisis_line_name_es
    assert spanish["clinic_hours"] == settings.clinic_hours_es
    assert spanish["crisis_line"] == settings.crisis_line
    assert settings.as_placeholders()["crisis_line_name"] == settings.crisis_line_name
