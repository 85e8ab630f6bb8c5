"""checkov checks for deploy/compose.yaml, which checkov has no framework of its own for.

`make validate-deploy` runs them with checkov's generic YAML framework
(`--framework yaml --external-checks-dir deploy/checkov`): each check sees one service of the
file's `services:` at a time, YAML anchors merged. They hold the compose services to what
checkov's Kubernetes checks hold the pods to (CKV_K8S_20, 22, 28, 37, ... and no secret in
the manifest). This file runs inside checkov (.venv-deploy), not in the project's venv.
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.yaml_doc.base_yaml_check import BaseYamlCheck
from checkov.yaml_doc.enums import BlockType

# The names bot/log_secrets.py treats as secrets.
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|AUTH|API_KEY|PRIVATE", re.IGNORECASE)
# A value that compose takes from the environment or the env file: ${NAME}, ${NAME:-}, ${NAME:?why}
INTERPOLATED = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?][^}]*)?\}$")


class ComposeServiceCheck(BaseYamlCheck):
    def __init__(self, name: str, id: str, categories: list[CheckCategories]) -> None:
        super().__init__(name=name, id=id, categories=categories,
                         supported_entities=["services"], block_type=BlockType.ARRAY)

    def scan_entity_conf(self, conf: dict[str, Any], entity_type: str
                         ) -> tuple[CheckResult, dict[str, Any]]:
        if not isinstance(conf, dict):
            return CheckResult.UNKNOWN, conf
        return (CheckResult.PASSED if self.passes(conf) else CheckResult.FAILED), conf

    def passes(self, service: dict[str, Any]) -> bool:
        raise NotImplementedError


class DropsAllCapabilities(ComposeServiceCheck):
    def __init__(self) -> None:
        super().__init__("Compose service drops all Linux capabilities (cap_drop: [ALL])",
                         "CKV_CALC_COMPOSE_1", [CheckCategories.GENERAL_SECURITY])

    def passes(self, service: dict[str, Any]) -> bool:
        return "ALL" in (service.get("cap_drop") or []) and not service.get("cap_add")


class NoNewPrivileges(ComposeServiceCheck):
    def __init__(self) -> None:
        super().__init__("Compose service cannot gain privileges (no-new-privileges)",
                         "CKV_CALC_COMPOSE_2", [CheckCategories.GENERAL_SECURITY])

    def passes(self, service: dict[str, Any]) -> bool:
        options = [str(option).replace("=", ":") for option in service.get("security_opt") or []]
        return "no-new-privileges:true" in options


class ReadOnlyRootFilesystem(ComposeServiceCheck):
    def __init__(self) -> None:
        super().__init__("Compose service has a read-only root file system",
                         "CKV_CALC_COMPOSE_3", [CheckCategories.GENERAL_SECURITY])

    def passes(self, service: dict[str, Any]) -> bool:
        return service.get("read_only") is True


class NoHostPrivileges(ComposeServiceCheck):
    def __init__(self) -> None:
        super().__init__("Compose service is not privileged and shares no host namespace",
                         "CKV_CALC_COMPOSE_4", [CheckCategories.GENERAL_SECURITY])

    def passes(self, service: dict[str, Any]) -> bool:
        if service.get("privileged"):
            return False
        shared = ("network_mode", "pid", "ipc", "userns_mode", "uts")
        if any(str(service.get(key, "")) == "host" for key in shared):
            return False
        volumes = [str(volume) for volume in service.get("volumes") or []]
        return not any("docker.sock" in volume for volume in volumes)


class NoSecretInFile(ComposeServiceCheck):
    def __init__(self) -> None:
        super().__init__("Compose service takes its secrets from the environment, not the file",
                         "CKV_CALC_COMPOSE_5", [CheckCategories.SECRETS])

    def passes(self, service: dict[str, Any]) -> bool:
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            pairs = [str(item).split("=", 1) for item in environment]
            environment = {pair[0]: pair[1] if len(pair) > 1 else None for pair in pairs}
        for name, value in environment.items():
            if name.startswith("__") or not SECRET_NAME.search(str(name)):
                continue
            if value not in (None, "") and not INTERPOLATED.match(str(value)):
                return False
        return True


class HasHealthcheck(ComposeServiceCheck):
    def __init__(self) -> None:
        super().__init__("Compose service has a healthcheck, or disables it on purpose",
                         "CKV_CALC_COMPOSE_6", [CheckCategories.GENERAL_SECURITY])

    def passes(self, service: dict[str, Any]) -> bool:
        healthcheck = service.get("healthcheck")
        return isinstance(healthcheck, dict) and bool(
            healthcheck.get("test") or healthcheck.get("disable") is True)


class PinnedImage(ComposeServiceCheck):
    def __init__(self) -> None:
        super().__init__("Compose service names its image with a version tag, not latest",
                         "CKV_CALC_COMPOSE_7", [CheckCategories.SUPPLY_CHAIN])

    def passes(self, service: dict[str, Any]) -> bool:
        image = str(service.get("image", ""))
        # ${IMAGE:-name:tag}: the default is what runs unless the operator names another.
        default = re.fullmatch(r"\$\{[A-Za-z_][A-Za-z0-9_]*:-([^}]+)\}", image)
        image = default.group(1) if default else image
        if "@sha256:" in image:
            return True
        name, _, tag = image.rpartition(":")
        return bool(name) and "/" not in tag and tag not in ("", "latest")


checks = [DropsAllCapabilities(), NoNewPrivileges(), ReadOnlyRootFilesystem(),
          NoHostPrivileges(), NoSecretInFile(), HasHealthcheck(), PinnedImage()]
