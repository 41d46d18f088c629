"""Paths and names as county offices have them: folders with spaces and Chinese characters, long
Windows paths, and file names made from data (county, period) cleaned of what Windows forbids."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from exchange.common.files import long_path, safe_file_name, write_atomically
from exchange.signing.identity import create_identity, identity_folder
from exchange.signing.verify import verify_file
from models.office_profile import save_office_profile
from models.plan import Milestone
from models.plan_loader import initialise
from models.store import Store
from models.task_actions import attach_evidence
from models.tasks import evidence_of_task, evidence_path
from tests.test_returns import PASSPHRASE, PERIOD, explain_all, review_and_sign


@pytest.mark.parametrize("text, name", [
    ("婺城区_2023-B22_v1", "婺城区_2023-B22_v1"),
    ('婺城区/开发区:"营商办"*?<>|', "婺城区_开发区_营商办"),
    ("金东区 营商办\t第1期", "金东区_营商办_第1期"),
    ("..隐藏. ", "隐藏"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("::", "未命名"),
])
def test_names_from_data_are_ones_windows_accepts(text, name):
    assert safe_file_name(text) == name


def test_a_long_name_is_cut_to_what_every_file_system_takes(tmp_path):
    name = safe_file_name("浙江省金华市婺城区" * 30)
    assert len(name.encode("utf-8")) <= 200 and name.startswith("浙江省金华市婺城区")
    assert write_atomically(tmp_path / f"{name}.xlsx", b"x").read_bytes() == b"x"


def test_long_windows_paths_get_the_extended_prefix():
    short = "C:\\Users\\李晓东\\Documents\\台账\\婺城区_2023-B22_v1.xlsx"
    assert long_path(short, windows=True) == short
    deep = "C:\\Users\\李晓东\\Documents\\" + "\\".join(["改革台账 报送材料 2023年"] * 20)
    assert long_path(deep, windows=True) == "\\\\?\\" + deep
    share = "\\\\县政府\\共享\\" + "很长的文件夹名称" * 40
    assert long_path(share, windows=True) == "\\\\?\\UNC\\" + share[2:]
    assert long_path("\\\\?\\" + deep, windows=True) == "\\\\?\\" + deep
    assert long_path(Path("/tmp/a"), windows=False) == "/tmp/a"


def test_a_return_of_a_county_named_with_forbidden_characters_is_written_and_verifies(tmp_path):
    folder = tmp_path / "我的 台账" / "2023 年"
    with Store(folder / "台账 数据.db") as store:
        initialise(store, demo=True)
        save_office_profile(store, county='婺城区/开发区:"试点"')
        create_identity(identity_folder(store), '婺城区/开发区:"试点"', "婺城区营商办", PASSPHRASE)
        explain_all(store)
        # An output folder deeper than Windows' old 260-character limit, with spaces and Chinese.
        out = tmp_path.joinpath(*["报送 材料（2023年第22期）"] * 12)
        assert len(str(out)) > 260
        result = review_and_sign(store, out)
    assert result.xlsx.name == f"婺城区_开发区_试点_{PERIOD}_v1.xlsx"
    assert result.xlsx.parent == out and result.pdf.exists()
    assert verify_file(result.xlsx).valid and verify_file(result.pdf).valid


def test_store_and_evidence_in_folders_with_spaces_and_chinese(tmp_path):
    folder = tmp_path / "县 改革办" / "台账（2023）"
    source = tmp_path / "佐证 材料" / "会议纪要 第1次（定稿）.PDF"
    source.parent.mkdir()
    source.write_bytes(b"%PDF-1.4 minutes")
    with Store(folder / "婺城 台账.db") as store:
        initialise(store, demo=True)
        with store.session() as session:
            milestone = session.scalars(select(Milestone).limit(1)).one()
            task_id, milestone_id = milestone.task_id, milestone.id
        attach_evidence(store, task_id, source, milestone_id=milestone_id)
        with store.session() as session:
            [evidence] = evidence_of_task(session, task_id)
            assert evidence.file_name == "会议纪要 第1次（定稿）.PDF"
            copy = evidence_path(store.evidence_folder, evidence)
        assert copy.read_bytes() == source.read_bytes() and copy.suffix == ".pdf"
    with Store(folder / "婺城 台账.db") as again:  # reopened from the same folder
        assert again.path.name == "婺城 台账.db"
