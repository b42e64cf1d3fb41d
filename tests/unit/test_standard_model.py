"""The standard model's fields for real, imported standards: read, checked and written back."""

from __future__ import annotations

import copy

import pytest

from portfolio_tui.domain.standard import StandardError, standard_from_dict

from .standard_files import schema_errors, standard_data


def _odo() -> dict:
    return copy.deepcopy(standard_data("odo-l3"))


def test_off_the_job_minimum_is_read_as_the_standards_own_field() -> None:
    data = _odo() | {"otj_minimum_hours": 278}
    assert schema_errors(data) == []
    assert standard_from_dict(data).otj_minimum_hours == 278
    assert standard_from_dict(_odo()).otj_minimum_hours is None


def test_a_negative_off_the_job_minimum_is_refused_with_its_path() -> None:
    data = _odo() | {"otj_minimum_hours": -5}
    assert schema_errors(data)
    with pytest.raises(StandardError) as err:
        standard_from_dict(data)
    assert err.value.problems == [("$.otj_minimum_hours", "must not be negative, got -5")]
