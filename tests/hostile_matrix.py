"""Every reader of received files against every hostile kind of file, measured.

``make_files`` writes one file per hostile class (zip bomb, XML entities, a DOCTYPE after a long
comment, 200,000 rows plain or with prefixed elements, 600,000 cells, a truncated zip, not a zip,
an .xls, a folder, INF, NaN and 1E999 cells, a file too big). ``READERS`` are the program's readers:
plan import, values import, ``verify``, the consolidation's check of one file, reading a
return, reading a unit's filled form (collect receive), registering a certificate. ``python -m tests.hostile_matrix --reader NAME[,NAME…] FOLDER``
runs readers over every file in a fresh process and prints one JSON line per file (seconds,
Python peak from tracemalloc, the process's peak RSS so far, the message); without arguments it
prints the whole table (Markdown). tests/test_hostile_files.py runs the same.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from tests.peak_memory import peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
LIMIT_SECONDS, LIMIT_MB = 10, 250
ENTITIES = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 if n > 1 else "")) * 10}">' for n in range(1, 10))
            + "]>")


def _small_workbook() -> bytes:
    book = Workbook()
    book.active.title = "任务清单"
    book.active.append(["序号", "重点任务", "牵头单位", "目标值"])
    book.active.append([1, "投资项目审批提速", "市政管办", 1.5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _with_members(changes: dict[str, bytes | Callable[[bytes], bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_small_workbook())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            change = changes.pop(item.filename, None)
            target.writestr(item.filename, change(data) if callable(change) else change if change is not None else data)
        for name, data in changes.items():
            target.writestr(name, data)
    return out.getvalue()


def _sheet(rows: str, prefix: str = "") -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    declare = f'xmlns:{prefix[:-1]}="{ns}"' if prefix else f'xmlns="{ns}"'
    return (f'<?xml version="1.0" encoding="UTF-8"?><{prefix}worksheet {declare}><{prefix}sheetData>{rows}'
            f"</{prefix}sheetData></{prefix}worksheet>").encode()


def _rows(count: int, prefix: str = "") -> bytes:
    return _sheet("".join(f'<{prefix}row r="{n}"><{prefix}c r="A{n}"><{prefix}v>{n}</{prefix}v></{prefix}c></{prefix}row>'
                          for n in range(1, count + 1)), prefix)


def _wide(cells: int) -> bytes:
    return _sheet('<row r="1">' + "".join(f'<c r="A1"><v>{n}</v></c>' for n in range(cells)) + "</row>")


def _entities(xml: bytes) -> bytes:
    """The entity bomb before the root element, one entity used inside it."""
    at = xml.index(b"<workbook")
    return xml[:at] + ENTITIES.encode() + xml[at:].replace(b"<sheets>", b"<sheets>&lol9;", 1)


def _doctype_after_comment(xml: bytes) -> bytes:
    at = xml.index(b"<worksheet")
    return xml[:at] + b"<!--" + b" " * 20000 + b"-->" + ENTITIES.encode() + xml[at:]


SHEET = "xl/worksheets/sheet1.xml"
CLASSES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "zip-bomb": ("压缩炸弹（40 MB 的零压缩到 40 KB）", lambda p: p.write_bytes(_with_members({"xl/media/pad.bin": b"\0" * (40 << 20)}))),
    "entities": ("XML 实体炸弹（workbook.xml）", lambda p: p.write_bytes(_with_members({"xl/workbook.xml": _entities}))),
    "doctype-late": ("长注释之后的 DOCTYPE", lambda p: p.write_bytes(_with_members({SHEET: _doctype_after_comment}))),
    "rows": ("200,000 行", lambda p: p.write_bytes(_with_members({SHEET: _rows(200_000)}))),
    "prefixed-rows": ("200,000 行，元素带前缀 <x:row>", lambda p: p.write_bytes(_with_members({SHEET: _rows(200_000, "x:")}))),
    "wide": ("一行 600,000 个单元格", lambda p: p.write_bytes(_with_members({SHEET: _wide(600_000)}))),
    "truncated": ("截断的 zip", lambda p: p.write_bytes(_small_workbook()[:3000])),
    "not-zip": ("不是 zip（文本）", lambda p: p.write_text("序号,任务\n1,审批提速\n", encoding="utf-8")),
    "xls": ("旧版 .xls（改名为 .xlsx）", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)),
    "folder": ("文件夹", lambda p: p.mkdir()),
    "inf": ("数值单元格 INF", lambda p: p.write_bytes(_with_members({SHEET: lambda x: x.replace(b"<v>1.5</v>", b"<v>INF</v>")}))),
    "nan": ("数值单元格 NaN", lambda p: p.write_bytes(_with_members({SHEET: lambda x: x.replace(b"<v>1.5</v>", b"<v>NaN</v>")}))),
    "overflow": ("数值单元格 1E999（读作无穷大）", lambda p: p.write_bytes(_with_members({SHEET: lambda x: x.replace(b"<v>1.5</v>", b"<v>1E999</v>")}))),
    "too-big": ("60 MB 的文件", lambda p: p.open("wb").truncate(60 << 20)),
}


def make_files(folder: Path) -> dict[str, Path]:
    """One file per hostile class, named ``<class>.xlsx``."""
    files = {}
    for name, (_what, make) in CLASSES.items():
        path = folder / f"{name}.xlsx"
        if not path.exists():
            make(path)
        files[name] = path
    return files


# ---- the readers: each returns the message it refused the file with (or raises AssertionError) ----

def _refused(call: Callable[[], object]) -> str:
    from models.errors import LedgerError

    try:
        call()
    except LedgerError as error:
        return str(error)
    raise AssertionError("accepted")


def _verified(problems_of: Callable[[], list[str]]) -> str:
    problems = problems_of()
    assert problems, "accepted"
    return problems[0]


def _readers(store) -> dict[str, Callable[[Path], str]]:
    from datetime import date

    from exchange.collection.form_reader import read_form
    from exchange.consolidation.consolidate import check_return
    from exchange.consolidation.consolidation_data import ReceiptState
    from exchange.plans.plan_import import import_plan_workbook
    from exchange.returns.xlsx_return import read_return
    from exchange.signing.trust_list import register_certificate
    from exchange.signing.verify import verify_file
    from exchange.values.values_import import import_values

    def consolidation(path: Path) -> str:
        receipt = check_return(path, "2023-B22", {}, date.max)
        assert receipt.state is ReceiptState.UNREADABLE, receipt.state
        return receipt.problems[0]

    return {
        "import-plan": lambda path: _refused(lambda: import_plan_workbook(store, path)),
        "import-values": lambda path: _refused(lambda: import_values(store, path)),
        "verify": lambda path: _verified(lambda: verify_file(path).problems),
        "consolidate": consolidation,
        "read-return": lambda path: _refused(lambda: read_return(path)),
        "collect-form": lambda path: _refused(lambda: read_form(path)),
        "trust-add": lambda path: _refused(lambda: register_certificate(store, path, "某县")),
    }


READERS = ("import-plan", "import-values", "verify", "consolidate", "read-return", "collect-form", "trust-add")


def run_readers(readers: list[str], folder: Path) -> list[dict]:
    """In this process: each reader over every hostile file, measured."""
    from models.plan_loader import initialise
    from models.store import Store

    files = make_files(folder)
    with tempfile.TemporaryDirectory() as scratch:
        store = Store(Path(scratch) / "hostile.db").open()
        initialise(store)
        lines, read_with = [], _readers(store)
        for reader, name in ((reader, name) for reader in readers for name in files):
            path, read = files[name], read_with[reader]
            tracemalloc.start()
            started = time.perf_counter()
            try:
                message = read(path)
            except AssertionError as error:
                message = f"未拒绝：{error}"
            seconds = time.perf_counter() - started
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss = peak_rss_mb()
            lines.append({"reader": reader, "class": name, "file": path.name, "seconds": round(seconds, 2),
                          "python_mb": round(peak / 2**20, 1), "rss_mb": round(rss, 1), "message": message})
        store.close()
    return lines


def measure(readers: list[str], folder: Path) -> list[dict]:
    """``run_readers`` in a fresh process, so its peak memory is theirs."""
    done = subprocess.run([sys.executable, "-m", "tests.hostile_matrix", "--reader", ",".join(readers), str(folder)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def refused_within_limits(line: dict) -> bool:
    return (not line["message"].startswith("未拒绝") and line["seconds"] < LIMIT_SECONDS
            and line["rss_mb"] < LIMIT_MB and line["file"].removesuffix(".xlsx") in line["message"])


def _table() -> int:
    with tempfile.TemporaryDirectory() as folder:
        make_files(Path(folder))
        print("| 文件类别 | 读取者 | 秒 | Python 峰值 MB | 进程峰值 RSS MB | 提示 | 结果 |")
        print("|---|---|---|---|---|---|---|")
        misses = 0
        for reader in READERS:
            for line in measure([reader], Path(folder)):
                ok = refused_within_limits(line)
                misses += not ok
                message = line["message"].replace("|", "\\|").replace("\n", " ")[:120]
                print(f"| {CLASSES[line['class']][0]} | {reader} | {line['seconds']:.2f} | {line['python_mb']} "
                      f"| {line['rss_mb']} | {message} | {'✓' if ok else '✗'} |")
        print(f"\n{len(CLASSES)} 类文件 × {len(READERS)} 个读取者；未通过 {misses} 项"
              f"（上限 {LIMIT_SECONDS} 秒、{LIMIT_MB} MB；RSS 为该进程至此的峰值）")
    return 1 if misses else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--reader":
        for entry in run_readers(sys.argv[2].split(","), Path(sys.argv[3])):
            print(json.dumps(entry, ensure_ascii=False))
        sys.exit(0)
    sys.exit(_table())
