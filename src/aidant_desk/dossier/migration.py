"""Older dossier formats, upgraded on reading so that every saved file still opens.

Each step takes the JSON of version N and returns that of version N+1; it never
needs the engine.
"""
from __future__ import annotations

import copy
from typing import Any

# Micro-entrepreneur services: the tax deduction is 50 % of turnover (CGI art. 50-0,
# régime micro-BIC prestations de services). Version 1 recorded the profit; version 2
# records the turnover, so the profit openfisca derives from it is unchanged.
_V1_PROFIT_TO_SERVICES_TURNOVER = 2.0


def _v1_to_v2(data: dict) -> dict:
    data = copy.deepcopy(data)
    data["format_version"] = 2
    resources = data.get("resources")
    for resource in resources if isinstance(resources, list) else ():  # not a list: validation says so
        if isinstance(resource, dict) and resource.get("type") == "self_employment":
            resource["self_employment_kind"] = "services"
            if isinstance(resource.get("same_every_month"), (int, float)):
                resource["same_every_month"] *= _V1_PROFIT_TO_SERVICES_TURNOVER
            if isinstance(resource.get("months"), dict):
                resource["months"] = {m: v * _V1_PROFIT_TO_SERVICES_TURNOVER if isinstance(v, (int, float)) else v
                                      for m, v in resource["months"].items()}
    return data


_STEPS = {1: _v1_to_v2}


def upgrade(data: Any) -> Any:
    """The dossier in the current format; anything not recognisably old is returned as is
    for validation to describe."""
    while isinstance(data, dict) and type(data.get("format_version")) is int and data["format_version"] in _STEPS:
        data = _STEPS[data["format_version"]](data)
    return data
