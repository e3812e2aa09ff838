import os
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
PYTHON = sys.executable

os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
os.environ.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
os.environ.setdefault("PYNEST_QUIET", "1")


def load_yaml(path):
    with open(path) as fh:
        return yaml.safe_load(fh)


@pytest.fixture
def tiny_config():
    return load_yaml(ROOT / "config" / "tiny.yaml")


@pytest.fixture
def default_config():
    return load_yaml(ROOT / "config" / "config.yaml")


@pytest.fixture(scope="session")
def nest_params():
    from condrate import nestinfo

    return nestinfo.probe()["params"]
