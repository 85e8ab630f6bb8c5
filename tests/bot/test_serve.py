"""`python -m bot.serve`: the model is loaded once for all of a server's workers, and JAX stays
out of the server. Run in a fresh interpreter, since it changes Rasa's loading for the process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tools.stack import MODEL, ROOT

PROGRAM = """
import gc, json, os, sys
from bot import rasa_patches
rasa_patches.install()
from bot.rasa_patches import preload
from rasa.core.processor import MessageProcessor
import tensorflow
model, other = sys.argv[1], sys.argv[2]
frozen_before = gc.get_freeze_count()
preload.preload(model)
first = MessageProcessor._load_model(model)
again = MessageProcessor._load_model(model)
from_folder = MessageProcessor._load_model(os.path.dirname(model))
stat = os.stat(model)
os.utime(model, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
after_change = MessageProcessor._load_model(model)
# What the pipeline builds on first use was built by preload: building it again now fails.
import bot.components.safety_layer as safety_layer, bot.components.topic_classifier as classifier
def built_after_start_up(*args, **kwargs):
    raise RuntimeError("built after start-up")
safety_layer.EmergencyDetector = safety_layer.InputScreen = built_after_start_up
classifier.PersonalReader = built_after_start_up
from rasa.core.channels.channel import UserMessage
from rasa.engine.constants import PLACEHOLDER_MESSAGE
for text in ("I can't breathe, do I need a biopsy?", "me dijeron calcificaciones, ¿es grave?"):
    first[2].run(inputs={PLACEHOLDER_MESSAGE: [UserMessage(text)]}, targets=[first[1].nlu_target])
print(json.dumps({
    "parsed_without_building_again": True,
    "jax_imported": any(name.split(".")[0] in ("jax", "jaxlib") for name in sys.modules),
    "tensorflow_works": int(tensorflow.constant(2) * 3) == 6,
    "frozen_by_preload": gc.get_freeze_count() > frozen_before,
    "same_graph_again": again is first,
    "same_graph_from_its_folder": from_folder is first,
    "other_model_loaded_anew": MessageProcessor._load_model(other)[2] is not first[2],
    "changed_file_loaded_anew": after_change[2] is not first[2],
    "model_name": first[0],
}))
"""


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train`")
    folder = tmp_path_factory.mktemp("served")
    model = folder / "served.tar.gz"
    other = tmp_path_factory.mktemp("other") / "other.tar.gz"
    shutil.copy(MODEL, model)
    shutil.copy(MODEL, other)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run([sys.executable, "-c", PROGRAM, str(model), str(other)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_worker_reuses_the_model_its_main_process_loaded(outcome: dict) -> None:
    assert outcome["same_graph_again"] and outcome["same_graph_from_its_folder"]
    assert outcome["model_name"] == "served.tar.gz"
    assert outcome["frozen_by_preload"]


def test_the_pipeline_is_built_before_the_first_patient_message(outcome: dict) -> None:
    # The program stops before it prints if a component builds its rules at this late parse.
    assert outcome["parsed_without_building_again"]


def test_another_model_or_a_changed_file_is_loaded_as_rasa_does(outcome: dict) -> None:
    assert outcome["other_model_loaded_anew"]
    assert outcome["changed_file_loaded_anew"]


def test_the_server_runs_tensorflow_without_jax(outcome: dict) -> None:
    assert not outcome["jax_imported"]
    assert outcome["tensorflow_works"]


def test_the_entry_point_passes_its_arguments_to_rasa() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.serve", "run", "--help"], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "--enable-api" in result.stdout and "--endpoints" in result.stdout
