"""Organ matching (archive/organs.yml): the name variants of one organ get one canonical name."""
import itertools

import pytest
import sqlite_utils

from archive import organs
from archive.schema import ensure_schema

# (variants a report may print, canonical name, kind)
ORGANS = [
    (["平潭综合实验区", "平潭综合实验区管委会", "平潭综合实验区党工委管委会", "平潭综合实验区管理委员会",
      "平潭综合实验区 管委会"], "平潭综合实验区", "government"),
    (["南湖区人民政府办公室", "南湖区政府办", "南湖区政府办公室"], "南湖区人民政府办公室", "department"),
    (["淮安市人民政府", "淮安市政府"], "淮安市人民政府", "government"),
    (["浙江乍浦经济开发区（嘉兴港区）", "浙江乍浦经济开发区(嘉兴港区)"], "浙江乍浦经济开发区（嘉兴港区）", "government"),
    (["沭阳县发展和改革局"], "沭阳县发展和改革局", "department"),
]


@pytest.mark.parametrize("variants,name,kind", ORGANS)
def test_variants_share_one_canonical_name(variants, name, kind):
    assert {organs.canonical(v) for v in variants} == {name}
    assert organs.kind_of(name) == kind


def test_different_organs_stay_apart():
    names = [name for _, name, _ in ORGANS] + ["淮安市人民政府办公室", "南湖区人民政府"]
    assert len({organs.canonical(n) for n in names}) == len(names)
    for a, b in itertools.combinations(names, 2):
        assert organs.organ_id(a, "江苏省淮安市") != organs.organ_id(b, "江苏省淮安市")


def test_same_name_in_two_provinces_is_two_organs():
    assert organs.organ_id("城关区人民政府", "甘肃省兰州市") != organs.organ_id("城关区人民政府", "西藏自治区拉萨市")
    assert organs.organ_id("城关区人民政府", "甘肃省兰州市") == organs.organ_id("城关区人民政府", "甘肃省")


def test_a_maintainer_pin_and_split(monkeypatch):
    data = dict(organs.rules())
    data["pin"] = {"福建省平潭综合实验区|岚城乡政府": "平潭综合实验区"}
    data["split"] = {"平潭综合实验区管委会"}
    monkeypatch.setattr(organs, "rules", lambda: data)
    assert organs.canonical("岚城乡政府", "福建省平潭综合实验区") == "平潭综合实验区"
    assert organs.canonical("岚城乡政府", "浙江省嘉兴市") == "岚城乡人民政府"
    assert organs.canonical("平潭综合实验区管委会") == "平潭综合实验区管委会"


def test_assign_all_gives_each_organ_one_id_and_deadlines(tmp_path):
    db = sqlite_utils.Database(tmp_path / "a.db")
    ensure_schema(db)
    rows = [("平潭综合实验区管委会", 2018, "2019-04-02"), ("平潭综合实验区", 2019, "2020-01-20"),
            ("平潭综合实验区党工委管委会", 2021, None), ("沭阳县发改局", 2023, "2024-02-05"),
            ("沭阳县发展和改革局", 2022, "2023-01-30")]
    for i, (organ, year, published) in enumerate(rows):
        db["reports"].insert({"id": i + 1, "organ": organ, "report_year": year, "published": published,
                              "region": "福建省平潭综合实验区", "url": f"http://x/{i}"})
    organs.assign_all(db)
    ids = {r["organ"]: r["organ_id"] for r in db["reports"].rows}
    assert len({ids[n] for n in ("平潭综合实验区管委会", "平潭综合实验区", "平潭综合实验区党工委管委会")}) == 1
    summary = {r["report_year"]: r for r in db.query("select * from report_summary")}
    assert (summary[2018]["deadline"], summary[2018]["days_late"]) == ("2019-03-31", 2)
    assert summary[2019]["days_late"] == 0 and summary[2021]["days_late"] is None
    assert summary[2022]["deadline"] == "2023-01-31"


# (organ as printed, portal region, portal level, the organ's level)
LEVELS = [
    ("南湖区人民政府办公室", "浙江省嘉兴市", "prefecture", "county"),   # a district's office on the city portal
    ("南湖区政府办", "浙江省嘉兴市", "prefecture", "county"),
    ("秀洲区发展和改革局", "浙江省嘉兴市", "prefecture", "county"),
    ("王店镇人民政府", "浙江省嘉兴市秀洲区", "county", "township"),
    ("嘉兴市人民政府办公室", "浙江省嘉兴市", "prefecture", "prefecture"),
    ("嘉兴市生态环境局", "浙江省嘉兴市", "prefecture", "prefecture"),
    ("住房和城乡建设局", "浙江省嘉兴市", "prefecture", "prefecture"),   # 城乡 is not a township
    ("城市管理局", "浙江省嘉兴市", "prefecture", "prefecture"),
    ("沭阳县发展和改革局", "江苏省宿迁市沭阳县", "county", "county"),
    ("宿迁市人民政府", "江苏省宿迁市沭阳县", "county", "prefecture"),   # the region's earlier part
    ("平潭综合实验区", "福建省平潭综合实验区", "prefecture", "prefecture"),
    ("浙江乍浦经济开发区（嘉兴港区）", "浙江省嘉兴市", "county", "county"),
]


@pytest.mark.parametrize("organ,region,portal_level,level", LEVELS)
def test_an_organs_level_is_its_governments(organ, region, portal_level, level):
    assert organs.level_of(organs.canonical(organ, region), region, portal_level) == level


def test_regroup_applies_the_rules_under_the_archives_lock(tmp_path):
    import subprocess
    import sys

    from archive.lock import ArchiveLock
    from archive.schema import open_archive

    from .servers import ROOT

    db = tmp_path / "x.db"
    open_archive(db).conn.close()
    command = [sys.executable, "-m", "archive.regroup", str(db)]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout.strip()) == (0, "0 organs for 0 reports"), run.stderr
    with ArchiveLock(db, "crawl"):
        run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 75 and "another command is writing this archive" in run.stderr
