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


def test_a_criterions_context_is_read_with_its_source_and_a_bad_entry_is_refused_with_its_path() -> None:
    data = _odo()
    v1 = data["groups"][0]["criteria"][0]
    v1["context"] = [{"text": "Putting the obligations of public service first", "source": {"section": "Annex"}}]
    assert schema_errors(data) == []
    assert standard_from_dict(data).criteria["V1"].context == ("Putting the obligations of public service first",)
    assert standard_from_dict(_odo()).criteria["V1"].context == ()
    v1["context"] = [{"text": "No source said where this is"}]
    assert schema_errors(data)  # a context quote says where in the source it is
    v1["context"] = ["a bare string", {"text": "", "source": {"section": "Annex"}}]
    assert schema_errors(data)
    with pytest.raises(StandardError) as err:
        standard_from_dict(data)
    assert err.value.problems == [
        ("$.groups[0].criteria[0].context[0]", "a context entry must be an object with the source's text"),
        ("$.groups[0].criteria[0].context[1].text", "must not be empty"),
    ]
