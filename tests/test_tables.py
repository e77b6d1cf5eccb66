from postmortem_kb.tables import display_width, render_csv, render_table, truncate


def test_display_width_counts_wide_characters_twice():
    assert display_width("abc") == 3 and display_width("数据库") == 6 and display_width("é") == 1


def test_truncate_ends_in_an_ellipsis_within_the_width():
    assert truncate("short", 10) == "short"
    assert truncate("a long title here", 8) == "a long…"
    cut = truncate("数据库宕机了很久", 7)
    assert cut.endswith("…") and display_width(cut) <= 7


def test_flexible_columns_give_way_in_order_and_rows_align():
    rows = [["2024-01-01", "x" * 70, "y" * 30]]
    lines = render_table(["DATE", "TEXT", "OTHER"], rows, width=60, flexible={2: 10, 1: 12}).split("\n")
    assert all(display_width(line) <= 60 for line in lines)
    assert lines[2].split()[2] == "y" * 9 + "…"  # OTHER gave way first, to its minimum
    assert lines[0].index("OTHER") == lines[2].index("y")


def test_newlines_in_cells_never_break_a_row():
    assert len(render_table(["A"], [["one\ntwo"]]).split("\n")) == 3


def test_csv_quotes_what_needs_quoting():
    assert render_csv(["a", "b"], [["x,y", 'say "hi"']]) == 'a,b\n"x,y","say ""hi"""\n'
