"""The history's before and after, as people read them: no dict or list reprs, hostile text escaped."""

from portfolio_tui.services.history import change_lines


def test_fields_read_as_words_criteria_as_codes_and_judgements_as_who_and_when() -> None:
    changes = {
        "criteria": {"from": ["K1", "S2"], "to": ["K1"]},
        "hours": {"from": None, "to": 2.0},
        "simulated": {"from": False, "to": True},
        "judgements": {"from": [{"outcome": "accept", "by": "tess", "at": "2026-01-10T09:00:00Z"}],
                       "to": [{"outcome": "accept", "by": "tess", "at": "2026-01-10T09:00:00Z"},
                              {"outcome": "refer", "criterion": "S2", "by": "tess", "at": "2026-01-15T10:30:00Z",
                               "feedback": "Add detail."}]},
        "signed_by": {"from": None, "to": ["Jo Bloggs"]},
        "otj_hours_discussed": {"from": 10, "to": 12},
    }
    assert change_lines(changes) == (
        "criteria: K1, S2 -> K1",
        "hours: none -> 2",
        "simulated: no -> yes",
        "judgements: added refer of S2 by tess on 2026-01-15",
        "signed by: none -> Jo Bloggs",
        "otj hours discussed: 10 -> 12",
    )
    assert "{" not in "".join(change_lines(changes)) and "[" not in "".join(change_lines(changes))


def test_hostile_text_is_shown_as_text() -> None:
    [line] = change_lines({"title": {"from": "Plain", "to": "\x1b[31mred\x1b]8;;x\x07 [b]b[/b]"}})
    assert "\x1b" not in line and "\x07" not in line
    assert line.startswith("title: Plain -> ") and "[b]b[/b]" in line


def test_kept_files_read_by_their_names_so_the_one_added_shows() -> None:
    kept = "sha256:" + "2f96" * 16 + "/notes.txt"
    [line] = change_lines({"files": {"from": [kept, "https://example.org/x"],
                                     "to": [kept, "https://example.org/x", "sha256:" + "ab12" * 16 + "/notes2.txt"]}})
    assert line == "files: notes.txt, https://example.org/x -> notes.txt, https://example.org/x, notes2.txt"
