"""The 12 packaged work instructions: valid, bilingual, each with hold points, loaded into
a fresh database; every acceptance range resolves for a typical context."""

from __future__ import annotations

import pytest

from zhiyang.analytics import specs
from zhiyang.core.actors import SYSTEM
from zhiyang.sop import content as sop_content
from zhiyang.sop.choices import VersionStatus
from zhiyang.sop.models import InstructionVersion, WorkInstruction
from zhiyang.works.choices import Process

TYPICAL = {
    "binder_grade": "70",
    "season": "normal",
    "mix_type": "dense",
    "base_type": "semi_rigid",
    "product": "emulsion",
    "design_thickness_mm": 40.0,
}


def test_one_file_per_process():
    assert sop_content.packaged_codes() == sorted(Process.values)
    assert len(Process.values) == 12


@pytest.mark.parametrize("code", sorted(Process.values))
def test_packaged_instruction_is_complete(code):
    c = sop_content.packaged(code)
    assert c["code"] == code
    for key in ("name", "purpose", "scope"):
        assert c[key]["zh-hans"] and c[key]["en"]
    assert c["prerequisites"] and c["equipment"] and c["safety"]
    steps = c["steps"]
    assert len(steps) >= 4
    assert sum(1 for s in steps if s["hold_point"]) >= 1
    for s in steps:
        assert s["text"]["zh-hans"] and s["text"]["en"]
        if s["hold_point"]:
            assert s["sign_off_role"]
        for m in s["measurements"]:
            if m.get("spec"):
                found = specs.acceptance_range(m["spec"], {**TYPICAL, **m["context"]})
                assert found.min_value is not None or found.max_value is not None
            else:
                assert m["min"] <= m["max"] and m["source"] and m["unit"]


def test_processes_the_product_names_are_covered():
    names = {code: sop_content.packaged(code)["name"]["zh-hans"] for code in Process.values}
    assert names["milling"] == "沥青路面铣刨"
    assert names["anti_skid_repair"] == "抗滑修补"
    assert names["crack_sealing"] == "密封胶灌封"
    assert names["road_marking"] == "标线施工"


@pytest.mark.django_db
def test_fresh_database_has_the_12_published():
    assert WorkInstruction.objects.count() == 12
    published = InstructionVersion.objects.filter(status=VersionStatus.PUBLISHED)
    assert published.count() == 12
    assert set(published.values_list("version", flat=True)) == {1}


@pytest.mark.django_db
def test_loading_again_changes_nothing():
    from zhiyang.sop.services import load_instructions

    before = InstructionVersion.objects.count()
    assert all(not created for _code, created in load_instructions(actor=SYSTEM))
    assert InstructionVersion.objects.count() == before


@pytest.mark.parametrize(
    "broken, problem",
    [
        ({"code": "nope"}, "code"),
        ({"steps": []}, "steps"),
        ({"name": {"en": "only English"}}, "name.zh-hans"),
    ],
)
def test_bad_content_is_refused_with_every_problem(broken, problem):
    data = {**sop_content.packaged("paving"), **broken}
    with pytest.raises(sop_content.ContentError) as info:
        sop_content.validate_content(data)
    assert any(p.startswith(problem) for p in info.value.problems)


def test_content_without_hold_point_or_with_unknown_spec_is_refused():
    data = sop_content.packaged("base_cleaning")
    for step in data["steps"]:
        step["hold_point"] = False
    data["steps"][0]["measurements"] = [
        {"code": "x", "label": {"zh-hans": "x", "en": "x"}, "spec": "no_such_code"}
    ]
    with pytest.raises(sop_content.ContentError) as info:
        sop_content.validate_content(data)
    text = " ".join(info.value.problems)
    assert "hold point" in text and "no_such_code" in text
