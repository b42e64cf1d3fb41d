"""What a terminal would act on never leaves the app raw: escaped in JSON, removed or replaced in text."""

from __future__ import annotations

import json
import sys
import unicodedata

from portfolio_tui.domain.text import clean_text, escape_json_text

UNSAFE = [chr(c) for c in range(0x7F, sys.maxunicode + 1)
          if unicodedata.category(chr(c)) in ("Cc", "Cf", "Cs", "Zl", "Zp")]


def test_every_control_format_surrogate_and_separator_character_is_escaped_in_json() -> None:
    text = " ".join(UNSAFE)  # apart: an adjacent high and low surrogate would read back as one character
    encoded = escape_json_text(json.dumps({"t": text}, ensure_ascii=False))
    assert encoded.isascii()
    assert json.loads(encoded)["t"] == text


def test_plain_and_accented_text_is_left_as_it_is() -> None:
    encoded = escape_json_text(json.dumps("Zoë £5 → done 👍🏽", ensure_ascii=False))
    assert encoded == '"Zoë £5 → done 👍🏽"'


def test_clean_text_shows_a_lone_surrogate_as_a_replacement_character_and_drops_controls() -> None:
    assert clean_text("a\ud800b\u009b[31mc\u202ed") == "a\ufffdb[31mcd"
