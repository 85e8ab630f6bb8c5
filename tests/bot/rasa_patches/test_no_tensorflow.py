"""TensorFlow stays out of a server whose model needs none: the project's model loads and
answers with the stand-in, a call to it after start-up fails loudly, and a model with a
TensorFlow component gets the real one. Run in fresh interpreters, as servers start."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from bot.rasa_patches import no_tensorflow
from tools.stack import MODEL, ROOT

PROGRAM = """
import json, sys
from pathlib import Path
from bot import rasa_patches
rasa_patches.install(model=Path(sys.argv[1]))
from bot.rasa_patches import no_tensorflow, preload
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.constants import PLACEHOLDER_MESSAGE
preload.preload(sys.argv[1])
_, metadata, graph = MessageProcessor._load_model(sys.argv[1])
parsed = graph.run(inputs={PLACEHOLDER_MESSAGE: [UserMessage("do I need a biopsy?")]},
                   targets=[metadata.nlu_target])[metadata.nlu_target][0]
import tensorflow
try:
    tensorflow.constant(1)
    refused = False
except no_tensorflow.TensorFlowKeptOutError:
    refused = True
print(json.dumps({
    "stand_in": type(tensorflow).__name__,
    "real_files": sorted({m.__file__ for m in list(sys.modules.values())
                          if "site-packages/tensorflow" in (getattr(m, "__file__", None) or "")}),
    "intent": parsed.get("intent")["name"],
    "refused_after_start_up": refused,
}))
"""


def run_server_start(model: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run([sys.executable, "-c", PROGRAM, str(model)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_projects_model_runs_without_tensorflow() -> None:
    assert no_tensorflow.runs_without(MODEL)
    outcome = run_server_start(MODEL)
    assert outcome["stand_in"] == "_StandInModule" and outcome["real_files"] == []
    assert outcome["intent"] == "biopsy_when"
    assert outcome["refused_after_start_up"]


def model_using(tmp_path: Path, component: str) -> Path:
    """A model archive whose prediction graph has the project's nodes and `component`."""
    with tarfile.open(MODEL) as archive:
        metadata = json.load(archive.extractfile("metadata.json"))  # type: ignore[arg-type]
    metadata["predict_schema"]["nodes"]["extra"] = {"uses": component}
    path = tmp_path / "model.tar.gz"
    data = json.dumps(metadata).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


def test_a_model_with_a_tensorflow_component_keeps_tensorflow(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    model = model_using(tmp_path, "rasa.nlu.classifiers.diet_classifier.DIETClassifier")
    with caplog.at_level("INFO"):
        assert not no_tensorflow.runs_without(model)
    assert "DIETClassifier" in caplog.text


def test_an_unreadable_model_keeps_tensorflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a model")
    assert not no_tensorflow.runs_without(broken)
