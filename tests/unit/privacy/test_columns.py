"""``Columns``: the header or INSERT column a value sits in, found once per line however many values ask."""

from __future__ import annotations

from freehold.privacy.detectors.columns import Columns


class Counting(str):
    """A text that counts the searches made in it, to show the work does not grow with rows × rows."""

    calls = 0

    def rfind(self, *args: object) -> int:  # type: ignore[override]
        Counting.calls += 1
        return super().rfind(*args)  # type: ignore[arg-type]


def test_csv_markdown_and_insert_columns() -> None:
    csv = "id;name;dob\n1;Ana;1988-02-29\n2;Bo;1990-01-05"
    assert Columns(csv).name(csv.index("1990")) == "dob"
    assert Columns(csv).name(csv.index("Bo")) == "name"
    assert Columns(csv).name(csv.index("dob")) is None  # the header itself
    md = "| Name | Phone |\n|---|---|\n| Ana | 0612345678 |"
    assert Columns(md).name(md.index("0612")) == "phone"
    sql = (
        "INSERT INTO t (id, `full_name`, birth_date) VALUES (1, 'Lee, K.', '1981-09-12'), (2, 'O''Neil', '1979-01-02');"
    )
    cols = Columns(sql)
    assert [cols.name(sql.index(v)) for v in ("'Lee", "'1981", "'O''", "'1979")] == [
        "full_name", "birth_date", "full_name", "birth_date",
    ]  # fmt: skip
    assert Columns("one line, with, commas").name(5) is None
    prose = "We met, talked, left.\nThen we ate, drank, slept 0612345678."
    assert Columns(prose).name(prose.index("0612")) == "left."  # two lines alike read as a table, harmlessly


def test_each_line_is_walked_once_whatever_the_rows() -> None:
    rows = 2000
    text = Counting("id,name,phone\n" + "\n".join(f"{i},n{i},06{i:08d}" for i in range(rows)))
    columns = Columns(text)
    Counting.calls = 0
    names = [columns.name(text.index(f"06{i:08d}")) for i in range(0, rows, 7)]
    assert set(names) == {"phone"}
    assert Counting.calls < 3 * rows  # rows × rows would be millions
