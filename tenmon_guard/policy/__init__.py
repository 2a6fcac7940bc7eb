"""Policies: typed records (types), loading and validation (loader), YAML with line numbers (yamlpos).

Importing this package costs ``yaml`` and nothing else heavy: it runs on every one-shot check."""

from __future__ import annotations

from tenmon_guard.errors import PolicyError
from tenmon_guard.policy.loader import (
    FORMAT_VERSION,
    PolicyPaths,
    load_policy,
    packaged_policy_dir,
    resolve_policy_paths,
)
from tenmon_guard.policy.types import AppSelector, Examples, Layer, Match, Policy, Rule, Settings

__all__ = [
    "FORMAT_VERSION",
    "AppSelector",
    "Examples",
    "Layer",
    "Match",
    "Policy",
    "PolicyError",
    "PolicyPaths",
    "Rule",
    "Settings",
    "load_policy",
    "packaged_policy_dir",
    "resolve_policy_paths",
]
