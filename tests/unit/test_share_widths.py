"""How growing table columns share the room the fixed ones leave (``tui.render.share_widths``)."""

from portfolio_tui.tui.render import share_widths


def test_every_column_is_shown_whole_when_there_is_room_and_the_last_takes_what_is_left() -> None:
    assert share_widths(80, [(12, 10), (14, 43), (6, 13)]) == [12, 43, 25]


def test_when_room_is_short_the_first_columns_grow_first() -> None:
    assert share_widths(65, [(12, 30), (14, 43), (6, 13)]) == [30, 29, 6]
    assert share_widths(30, [(12, 30), (14, 43), (6, 13)]) == [12, 14, 6]


def test_a_fair_share_is_given_before_an_earlier_column_grows_past_its_own() -> None:
    # learner whole (no fair share), standard to 24, next to 22, then the standard to its natural width
    assert share_widths(75, [(10, 11), (14, 43, 24), (6, 80, 22)]) == [11, 42, 22]
    assert share_widths(78, [(10, 11), (14, 43, 24), (6, 80, 22)]) == [11, 43, 24]
    assert share_widths(57, [(10, 11), (14, 43, 24), (6, 80, 22)]) == [11, 24, 22]
    # short of room: the fair shares are met in column order, no column below its least
    assert share_widths(40, [(10, 11), (14, 43, 24), (6, 80, 22)]) == [11, 23, 6]
    # a fair share larger than the natural width asks for no more than the cells need
    assert share_widths(60, [(10, 11), (14, 43, 24), (6, 12, 22)]) == [11, 37, 12]
