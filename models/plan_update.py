"""A new version of a plan already in the store: the difference, and applying it.

The city may reissue its plan (tasks added, reworded, dropped; targets raised). Applying the
new version changes only what the city owns — titles, texts, units, milestones' titles and
dates, indicators' names and targets — and keeps all the county entered: reports, values,
people, postponements, county tasks. Tasks and indicators the new version drops are archived,
never deleted, so their history stays readable.
"""
from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import Direction, Origin, PeriodType, ValueKind
from models.plan import Area, Indicator, Milestone, Plan, Task
from models.plan_loader import ensure_list_kinds, ensure_periods, load_plan

TASK_FIELDS = {"area": "领域", "list_kind": "清单类别", "title": "任务名称", "text": "任务内容",
               "lead_unit": "牵头单位", "responsible_units": "责任单位", "supporting_units": "配合单位",
               "milestones": "节点举措"}
INDICATOR_FIELDS = {"name": "指标名称", "task": "所属任务", "unit": "单位", "comparison": "目标比较",
                    "target": "目标值", "target_high": "目标上限", "target_text": "目标说明",
                    "direction": "方向", "period_type": "统计周期"}


def plan_to_data(plan: Plan) -> dict[str, Any]:
    """The plan's city-owned content in the data form load_plan takes (archived and county items left out)."""
    return {
        "code": plan.code, "name": plan.name, "year": plan.year, "issuer": plan.issuer,
        "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        "progress_cycle": plan.progress_cycle.value, "source": plan.source,
        "list_kinds": list({t.list_kind.code: {"code": t.list_kind.code, "name": t.list_kind.name}
                            for t in plan.tasks if t.list_kind}.values()),
        "areas": [{"code": a.code, "seq": a.seq, "name": a.name, "title": a.title, "lead_unit": a.lead_unit}
                  for a in plan.areas],
        "tasks": [{
            "number": t.number, "area": t.area.code, "list_kind": t.list_kind.code if t.list_kind else "KEY",
            "title": t.title, "text": t.text, "lead_unit": t.lead_unit,
            "responsible_units": list(t.responsible_units), "supporting_units": list(t.supporting_units),
            "milestones": [{"seq": m.seq, "title": m.title, "due": m.original_due.isoformat()}
                           | ({"continuing": True} if m.continuing else {}) for m in t.milestones],
        } for t in plan.tasks if t.origin == Origin.CITY and not t.archived],
        "indicators": [{
            "code": i.code, "name": i.name, "task": i.task.number if i.task else None, "unit": i.unit,
            "direction": i.direction.value, "comparison": i.comparison, "kind": i.kind.value,
            "target": i.target, "target_high": i.target_high, "target_text": i.target_text,
            "decimals": i.decimals, "period_type": i.period_type.value, "range_min": i.range_min,
            "range_max": i.range_max, "source_unit": i.source_unit, "source_text": i.source_text,
        } for i in plan.indicators if i.origin == Origin.CITY and not i.archived],
    }


@dataclass
class Change:
    key: str  # task number or indicator code
    name: str
    fields: list[str] = field(default_factory=list)  # labels of the changed fields


@dataclass
class PlanDiff:
    plan_code: str
    new_plan: bool
    tasks_added: list[Change] = field(default_factory=list)
    tasks_changed: list[Change] = field(default_factory=list)
    tasks_removed: list[Change] = field(default_factory=list)
    indicators_added: list[Change] = field(default_factory=list)
    indicators_changed: list[Change] = field(default_factory=list)
    indicators_removed: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.new_plan and not any((self.tasks_added, self.tasks_changed, self.tasks_removed,
                                              self.indicators_added, self.indicators_changed, self.indicators_removed))

    def lines(self) -> list[str]:
        """The difference as a reader wants it, one line per item."""
        if self.new_plan:
            return [f"新方案 {self.plan_code}：{len(self.tasks_added)} 项任务、{len(self.indicators_added)} 个指标。"]
        out = []
        for label, items, word in (("新增任务", self.tasks_added, "任务"), ("修改任务", self.tasks_changed, "任务"),
                                   ("删除任务（归档）", self.tasks_removed, "任务"),
                                   ("新增指标", self.indicators_added, "指标"),
                                   ("修改指标", self.indicators_changed, "指标"),
                                   ("删除指标（归档）", self.indicators_removed, "指标")):
            for item in items:
                changed = f"（{'、'.join(item.fields)}）" if item.fields else ""
                prefix = f"{word} {item.key}" if word == "任务" else item.key
                out.append(f"{label}：{prefix} {item.name}{changed}")
        return out or ["与库中方案相同，无需更新。"]

    def as_dict(self) -> dict[str, Any]:
        return {"plan": self.plan_code, "new_plan": self.new_plan, "empty": self.empty, "lines": self.lines()}


def _task_view(task: dict[str, Any]) -> dict[str, Any]:
    view = {k: task.get(k, [] if k.endswith("units") or k == "milestones" else "") for k in TASK_FIELDS}
    view["milestones"] = [(m["title"], m["due"]) for m in task.get("milestones", [])]
    return view


def _indicator_view(indicator: dict[str, Any]) -> dict[str, Any]:
    view = {k: indicator.get(k) for k in INDICATOR_FIELDS}
    for key in ("target", "target_high"):
        if view[key] is not None:
            view[key] = round(float(view[key]), 9)
    view["period_type"] = view["period_type"] or None
    return view


def reconcile(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Give the new version the store's codes for what it recognises: areas by name, indicators by
    name when the workbook had no indicator codes (a period type it does not state is kept)."""
    area_codes = {a["name"]: a["code"] for a in old["areas"]}
    renamed = {}
    used = {a["code"] for a in old["areas"]}
    for area in new["areas"]:
        code = area_codes.get(area["name"])
        if code is None:
            code = next(f"A{n}" for n in range(1, 1000) if f"A{n}" not in used)
        used.add(code)
        renamed[area["code"]] = code
        old_area = next((a for a in old["areas"] if a["code"] == code), None)
        area.update(code=code, title=area["title"] or (old_area or {}).get("title", ""),
                    lead_unit=area["lead_unit"] or (old_area or {}).get("lead_unit", ""))
    for task in new["tasks"]:
        task["area"] = renamed[task["area"]]
    old_by_name = {i["name"]: i for i in old["indicators"]}
    old_codes = {i["code"] for i in old["indicators"]}
    taken: set[str] = set()
    for indicator in new["indicators"]:
        if not indicator.get("code_given", True):
            match = old_by_name.get(indicator["name"])
            indicator["code"] = match["code"] if match else None
        if indicator["code"] in old_codes:
            indicator.setdefault("period_type", None)
            indicator["period_type"] = indicator["period_type"] or \
                next(i["period_type"] for i in old["indicators"] if i["code"] == indicator["code"])
        taken.add(indicator["code"])
    serial = 1
    for indicator in new["indicators"]:
        if indicator["code"] is None:
            while f"{new['code']}-{serial:02d}" in taken | old_codes:
                serial += 1
            indicator["code"] = f"{new['code']}-{serial:02d}"
            taken.add(indicator["code"])
    return new


def title_key(text: str) -> str:
    """A task title as compared across rows and years: full-width forms, spaces and punctuation do not count."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PS")


SIMILAR = 0.6  # titles this alike (difflib ratio of their keys) are the same task reworded


def match_carried(session: Session, new: dict[str, Any]) -> list[str]:
    """The city's plan for a year the ledger already holds by rollover: pair its tasks with the
    carried ones (same or similar title; the number decides between equals), renumber the carried
    tasks to the city's numbers (unpaired ones out of the way, to be archived with their entries
    kept), and make ``new`` an update of that plan. Returns one line per pairing; [] when the
    year was not rolled over. Changes the session: call it in the transaction that applies ``new``
    (or in a session that is thrown away, for a preview)."""
    plan = session.scalar(select(Plan).where(Plan.year == int(new["year"])).order_by(Plan.id.desc()).limit(1))
    if plan is None or plan.code == new["code"]:
        return []
    carried = [t for t in plan.tasks if t.previous_id is not None and t.origin == Origin.CITY and not t.archived]
    if not carried:
        return []
    scores = []
    for item in new["tasks"]:
        for task in carried:
            ratio = difflib.SequenceMatcher(None, title_key(item["title"]), title_key(task.title)).ratio()
            if ratio >= SIMILAR:
                scores.append((ratio, item["number"] == task.number, item["number"], task))
    pairs: dict[int, Task] = {}
    for ratio, _same_number, number, task in sorted(scores, key=lambda s: (-s[0], not s[1], s[2])):
        if number not in pairs and task not in pairs.values():
            pairs[number] = task
    lines = []
    for number, task in sorted(pairs.items()):
        item = next(t for t in new["tasks"] if t["number"] == number)
        how = "同名" if title_key(item["title"]) == title_key(task.title) else "名称相近"
        lines.append(f"对照结转任务：本年度任务 {number} {item['title']} ← 结转任务 {task.number} {task.title}（{how}）")
    lines += [f"结转任务未在本年度方案中（将归档，已填内容保留）：任务 {t.number} {t.title}"
              for t in carried if t not in pairs.values()]
    top = max([t.number for t in plan.tasks] + [t["number"] for t in new["tasks"]] + [0])
    for offset, task in enumerate(plan.tasks, start=1):  # two steps: numbers are unique within a plan
        task.number = -offset
    session.flush()
    spare = top
    for task in plan.tasks:
        paired = next((n for n, t in pairs.items() if t is task), None)
        if paired is None:
            spare += 1
        task.number = paired if paired is not None else spare
    session.flush()
    new["code"] = plan.code
    return lines


def plan_diff(session: Session, new: dict[str, Any]) -> PlanDiff:
    """What loading ``new`` would change (and reconciles its codes with the store's in place)."""
    plan = session.scalar(select(Plan).where(Plan.code == new["code"]))
    if plan is None:
        return PlanDiff(new["code"], True, [Change(str(t["number"]), t["title"]) for t in new["tasks"]], [], [],
                        [Change(i["code"], i["name"]) for i in new["indicators"]])
    old = plan_to_data(plan)
    reconcile(old, new)
    diff = PlanDiff(new["code"], False)
    _compare({t["number"]: t for t in old["tasks"]}, {t["number"]: t for t in new["tasks"]}, _task_view,
             TASK_FIELDS, lambda t: t["title"], diff.tasks_added, diff.tasks_changed, diff.tasks_removed)
    _compare({i["code"]: i for i in old["indicators"]}, {i["code"]: i for i in new["indicators"]},
             _indicator_view, INDICATOR_FIELDS, lambda i: i["name"], diff.indicators_added,
             diff.indicators_changed, diff.indicators_removed)
    return diff


def _compare(old: dict, new: dict, view, labels: dict[str, str], name, added: list, changed: list,
             removed: list) -> None:
    for key, item in new.items():
        if key not in old:
            added.append(Change(str(key), name(item)))
            continue
        before, after = view(old[key]), view(item)
        fields = [labels[k] for k in labels if before[k] != after[k] and not (k == "period_type" and after[k] is None)]
        if fields:
            changed.append(Change(str(key), name(item), fields))
    removed.extend(Change(str(key), name(item)) for key, item in old.items() if key not in new)


def apply_plan(session: Session, new: dict[str, Any]) -> PlanDiff:
    """Load ``new`` as a new plan, or bring the stored plan of the same code up to it."""
    diff = plan_diff(session, new)
    if diff.new_plan:
        load_plan(session, new)
        return diff
    plan = session.scalar(select(Plan).where(Plan.code == new["code"]))
    kinds = ensure_list_kinds(session, new.get("list_kinds", []))
    plan.name, plan.year = new["name"], int(new["year"])
    plan.issuer, plan.source = new.get("issuer", "") or plan.issuer, new.get("source", "") or plan.source
    if new.get("issued_on"):
        plan.issued_on = date.fromisoformat(new["issued_on"])
    areas = {a.code: a for a in plan.areas}
    for item in new["areas"]:
        area = areas.get(item["code"])
        if area is None:
            area = areas[item["code"]] = Area(code=item["code"], seq=item["seq"], name=item["name"])
            plan.areas.append(area)
        area.name, area.title, area.lead_unit = item["name"], item["title"], item["lead_unit"]
    tasks = {t.number: t for t in plan.tasks}
    wanted = {t["number"] for t in new["tasks"]}
    next_free = max([*tasks, *wanted, 0]) + 1
    for number, task in list(tasks.items()):
        if task.origin == Origin.COUNTY and number in wanted:  # a county task in the way keeps its data
            task.number, next_free = next_free, next_free + 1
            del tasks[number]
    session.flush()
    for item in new["tasks"]:
        task = tasks.get(item["number"])
        if task is None:
            task = Task(number=item["number"], area=areas[item["area"]], title=item["title"])
            plan.tasks.append(task)
            tasks[task.number] = task
        task.archived = False
        task.area = areas[item["area"]]
        task.list_kind = kinds[item.get("list_kind", "KEY")]
        task.title, task.text, task.lead_unit = item["title"], item.get("text", ""), item.get("lead_unit", "")
        task.responsible_units = list(item.get("responsible_units", []))
        task.supporting_units = list(item.get("supporting_units", []))
        _update_milestones(task, item.get("milestones", []))
    for number, task in tasks.items():
        if task.origin == Origin.CITY and number not in wanted:
            task.archived = True
    indicators = {i.code: i for i in plan.indicators}
    for item in new["indicators"]:
        indicator = indicators.get(item["code"])
        if indicator is None:
            indicator = Indicator(code=item["code"], name=item["name"], kind=ValueKind(item.get("kind", "point")),
                                  decimals=int(item.get("decimals", 0)))
            plan.indicators.append(indicator)
        indicator.archived = indicator.target_pending = False  # the city's target has arrived
        indicator.name, indicator.unit = item["name"], item.get("unit", "")
        indicator.task = tasks.get(item.get("task"))
        indicator.comparison = item.get("comparison", ">=")
        indicator.direction = Direction(item.get("direction", "higher"))
        indicator.target, indicator.target_high = item.get("target"), item.get("target_high")
        indicator.target_text = item.get("target_text", "")
        if item.get("period_type"):
            indicator.period_type = PeriodType(item["period_type"])
    codes = {i["code"] for i in new["indicators"]}
    for code, indicator in indicators.items():
        if indicator.origin == Origin.CITY and code not in codes:
            indicator.archived = True
    ensure_periods(session, plan.year)
    session.flush()
    return diff


def _update_milestones(task: Task, items: list[dict[str, Any]]) -> None:
    """Titles and the city's dates follow the new version; a milestone the county postponed keeps
    its moved date, and one with county entries is kept even when the city drops it."""
    existing = {m.seq: m for m in task.milestones}
    for item in items:
        due = date.fromisoformat(item["due"])
        milestone = existing.get(item["seq"])
        if milestone is None:
            task.milestones.append(Milestone(seq=item["seq"], title=item["title"], due_date=due, original_due=due,
                                             continuing=bool(item.get("continuing"))))
            continue
        milestone.title, milestone.continuing = item["title"], bool(item.get("continuing"))
        if milestone.postpone_count == 0:
            milestone.due_date = due
        milestone.original_due = due
    seqs = {item["seq"] for item in items}
    for seq, milestone in existing.items():
        if seq not in seqs and milestone.done_date is None and not milestone.note and milestone.postpone_count == 0:
            task.milestones.remove(milestone)

