"""The built-in rule parameters, read from ``parameters.yaml`` beside this module: policy lives
in data, with dates and sources, not in code."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources

import yaml

from ..plugins import hookimpl
from ..rules.parameters import Parameter, parameters_from_data


@lru_cache(maxsize=1)
def builtin_parameters() -> tuple[Parameter, ...]:
    text = resources.files(__package__).joinpath("parameters.yaml").read_text(encoding="utf-8")
    # libyaml's safe loader when the wheel has it (ten times faster at every start), else the
    # pure-Python one: both construct plain data only
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return tuple(parameters_from_data(yaml.load(text, Loader=loader)))


@hookimpl
def register_parameters(register: Callable[[Parameter], None]) -> None:
    for parameter in builtin_parameters():
        register(parameter)
