"""How growing table columns share the room the fixed ones leave (``tui.render.share_widths``)."""

from portfolio_tui.tui.render import share_widths


def test_every_column_is_shown_whole_when_there_is_room_and_the_last_takes_what_is_left() -> None:
    assert share_widths(80, [(12, 10), (14, 43), (6, 13)]) == [12, 43, 25]


def test_when_room_is_short_the_first_columns_grow_first() -> None:
    assert share_widths(65, [(12, 30), (14, 43), (6, 13)]) == [30, 29, 6]
    assert share_widths(30, [(12, 30), (14, 43), (6, 13)]) == [12, 14, 6]
