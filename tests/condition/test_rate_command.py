"""``zhiyang rate``: CSV in, CSV out, end to end; malformed files write nothing."""

from __future__ import annotations

import csv
import io
import pathlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

HEADER = "unit_id,road_class,pavement,length_m,width_m,iri,rd_mm,sfc"


def run(*args: str) -> tuple[str, str]:
    """Run ``zhiyang rate ...`` in English; return (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("rate", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def write(tmp_path: pathlib.Path, text: str, name: str = "in.csv", bom: bool = False) -> str:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return str(path)


GOOD = "\n".join(
    [
        HEADER + ",dr,alligator_heavy,transverse_crack_light,rutting_heavy"
        ",pb_light,mpd,mpdc,sci,bci,tci,route",
        # PCI 85 (DR 1), RQI 91.29, RDI 90, PBI 75, PWI 78.78 → PQI 86.01 良, MQI 88.81 良
        "K0,expressway,asphalt,1000,7.5,2.0,10,40,1,,,,1,0.6,0.8,95,100,90,G5",
        # DR from quantities: (3 + 25·0.2·0.6 + 15·0.4·1.0) / 375 m² = 3.2 % → PCI 75.78;
        # class 2: PQI = .6·75.77783 + .4·RQI(IRI 3.0 = 90.46492) = 81.65267 良
        "K1,class2,asphalt,100,3.75,3.0,,,,3,25,15,,,,,,,G5",
        # Concrete, 2018 expressway needs PBI/PWI for PQI: blank PQI and grades; no RDI.
        "K2,expressway,concrete,1000,7.5,1.5,4,55,2,,,,,,,,,,S1",
    ]
)


def test_rate_to_file(tmp_path: pathlib.Path) -> None:
    out_path = tmp_path / "out.csv"
    stdout, stderr = run(write(tmp_path, GOOD, bom=True), "--out", str(out_path))
    assert stdout == ""
    assert "Rated 3 units after JTG 5210-2018" in stderr
    assert "route" in stderr  # the extra column is reported as not used
    text = out_path.read_text(encoding="utf-8")
    assert not text.startswith("\ufeff")
    rows = rows_of(text)
    header = text.splitlines()[0].split(",")
    assert header[:19] == GOOD.splitlines()[0].split(",")  # input columns unchanged
    assert header[19:] == [
        "pci",
        "rqi",
        "rdi",
        "sri",
        "pbi",
        "pwi",
        "pqi",
        "mqi",
        "grade_pqi",
        "grade_mqi",
    ]
    k0, k1, k2 = rows
    assert k0["iri"] == "2.0" and k0["route"] == "G5"  # cells copied as written
    assert [k0[c] for c in ("pci", "rqi", "rdi", "sri", "pbi", "pwi", "pqi", "mqi")] == [
        "85.00",
        "91.29",
        "90.00",
        "80.49",
        "75.00",
        "78.78",
        "86.01",
        "88.81",
    ]
    assert (k0["grade_pqi"], k0["grade_mqi"]) == ("良", "良")
    assert (k1["pci"], k1["pqi"], k1["grade_pqi"]) == ("75.78", "81.65", "良")
    assert (k1["rdi"], k1["sri"], k1["mqi"], k1["grade_mqi"]) == ("", "", "", "")
    # Concrete DR 2 %: PCI = 100 − 10.66·2^0.461 = 100 − 10.66·1.376545 = 85.33
    assert (k2["pci"], k2["rdi"], k2["pqi"], k2["grade_pqi"]) == ("85.33", "", "", "")


def test_rate_to_stdout_2007_and_chinese_values(tmp_path: pathlib.Path) -> None:
    text = "\n".join(
        [
            HEADER + ",dr",
            # 2007 expressway asphalt: RDI(10 mm) = 80, SRI(40) = 80.49:
            # PQI = .35·85 + .40·91.29071 + .15·80 + .10·80.49038 = 86.32
            "A,高速公路,沥青路面,1000,7.5,2.0,10,40,1",
        ]
    )
    stdout, _ = run(write(tmp_path, text), "--edition", "2007")
    (row,) = rows_of(stdout)
    assert (row["road_class"], row["rdi"], row["pbi"], row["pwi"]) == ("高速公路", "80.00", "", "")
    assert (row["pqi"], row["grade_pqi"]) == ("86.32", "良")


def test_bom_output_and_parameter_overrides(tmp_path: pathlib.Path) -> None:
    overrides = tmp_path / "org.toml"
    overrides.write_text("[pbi]\nlight = 30.0\n", encoding="utf-8")
    text = HEADER + ",pb_light\nA,class1,asphalt,1000,7.5,,,,1\n"
    out_path = tmp_path / "out.csv"
    run(write(tmp_path, text), "--out", str(out_path), "--bom", "--parameters", str(overrides))
    data = out_path.read_bytes()
    assert data.startswith("\ufeff".encode())
    (row,) = rows_of(data.decode("utf-8-sig"))
    assert row["pbi"] == "70.00"
    overrides.write_text("[pbi]\nlite = 30.0\n", encoding="utf-8")
    with pytest.raises(CommandError, match="lite"):
        run(write(tmp_path, text), "--parameters", str(overrides))


def test_malformed_rows_name_row_and_column_and_write_nothing(tmp_path: pathlib.Path) -> None:
    text = "\n".join(
        [
            HEADER + ",dr,crack_light",
            "A,class1,asphalt,1000,7.5,2.0,5,50,3,",
            "B,class9,asphalt,-10,7.5,abc,5,50,120,",
            "",
            "D,class1,asphalt,1000,7.5,2.0,5,50,,4",
        ]
    )
    out_path = tmp_path / "out.csv"
    with pytest.raises(CommandError) as info:
        run(write(tmp_path, text), "--out", str(out_path))
    message = str(info.value)
    assert "5 errors; nothing was written" in message
    assert "row 3, road_class: Unknown road class 'class9'" in message
    assert "row 3, length_m: Must be greater than 0." in message
    assert "row 3, iri: 'abc' is not a number." in message
    assert "row 3, dr: Must be between 0 and 100." in message
    # Row 4 is blank (skipped); row 5 has a concrete distress on an asphalt unit.
    assert "row 5, crack_light: This distress does not belong" in message
    assert not out_path.exists()
    # An existing output file is left as it was.
    out_path.write_text("old", encoding="utf-8")
    with pytest.raises(CommandError):
        run(write(tmp_path, text), "--out", str(out_path))
    assert out_path.read_text(encoding="utf-8") == "old"


def test_distress_on_the_wrong_pavement(tmp_path: pathlib.Path) -> None:
    text = HEADER + ",crack_light\nA,class1,asphalt,1000,7.5,2.0,5,50,4\n"
    with pytest.raises(CommandError, match="row 2, crack_light: This distress does not belong"):
        run(write(tmp_path, text))


def test_file_level_errors(tmp_path: pathlib.Path) -> None:
    with pytest.raises(CommandError, match="row 1, sfc: Required column is missing"):
        run(write(tmp_path, "unit_id,road_class,pavement,length_m,width_m,iri,rd_mm\n"))
    with pytest.raises(CommandError, match="not UTF-8"):
        path = tmp_path / "gbk.csv"
        path.write_bytes((HEADER + "\nA,一级,asphalt,1,1,1,1,1\n").encode("gbk"))
        run(str(path))
    with pytest.raises(CommandError, match="No file"):
        run(str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="row 2, unit_id: Required"):
        run(write(tmp_path, HEADER + "\n,class1,asphalt,1000,7.5,2,5,50\n"))


def test_an_output_file_can_be_rated_again(tmp_path: pathlib.Path) -> None:
    first, _ = run(write(tmp_path, GOOD))
    again, _ = run(write(tmp_path, first, name="again.csv"))
    assert again == first


ROADSIDE = "\n".join(
    [
        HEADER + ",dr,sci_slope_collapse_heavy,sci_curb_damage,tci_sign_damage"
        ",tci_marking_damage,bci_bridge,bci_culvert",
        # PQI 91.0068 (class 2, DR 0.5, IRI 2); SCI 89, TCI 88, BCI 80 → MQI 89.22 良
        "K0,class2,asphalt,1000,7,2.0,,,0.5,1,5,2,100,2,",
        # Nothing found on the roadside, a class-3 culvert: SCI 100, TCI 100, BCI 70 → MQI 90.10 优
        "K1,class2,asphalt,1000,7,2.0,,,0.5,0,0,0,0,,3",
        # A class-5 bridge: BCI 0 and MQI 0
        "K2,class2,asphalt,1000,7,2.0,,,0.5,0,0,0,0,5,",
    ]
)


def test_rate_roadside_inputs_give_the_complete_mqi(tmp_path: pathlib.Path) -> None:
    stdout, stderr = run(write(tmp_path, ROADSIDE))
    rows = rows_of(stdout)
    assert [(r["sci"], r["tci"], r["bci"]) for r in rows] == [
        ("89.00", "88.00", "80.00"),
        ("100.00", "100.00", "70.00"),
        ("100.00", "100.00", "0.00"),
    ]
    assert [r["mqi"] for r in rows] == ["89.22", "90.10", "0.00"]
    assert [r["grade_mqi"] for r in rows] == ["良", "优", "差"]
    assert [r["grade_bci"] for r in rows] == ["良", "中", "差"]
    # 优良率 by length: MQI 2 of 3 units, BCI 1 of 3
    assert "MQI 66.7 %" in stderr and "BCI 33.3 %" in stderr and "SCI 100.0 %" in stderr


def test_rate_roadside_bad_class_writes_nothing(tmp_path: pathlib.Path) -> None:
    out_path = tmp_path / "out.csv"
    bad = ROADSIDE.replace("0,0,0,0,5,", "0,0,0,0,7,").replace(",1,5,2,100,2,", ",-1,5,2,100,2,")
    with pytest.raises(CommandError) as info:
        run(write(tmp_path, bad), "--out", str(out_path))
    assert "bci_bridge" in str(info.value) and "sci_slope_collapse_heavy" in str(info.value)
    assert not out_path.exists()
