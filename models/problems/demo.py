"""A believable year of the 营商台账 for the demo ledger: problems from January to the demo's
working date across every channel, most through 回访 and 归档, some 重办 after 不满意, some
延期 or 退回 and 改派, the June 茶咖沙龙 (32 problems collected, 31 交办 and answered), one
举一反三 group, and in late October problems open in each colour. Seeded, so it is the same
every time; every step goes through models.problems.loop, as a user's would."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.orm import Session

from models.audit import set_actor
from models.problems.loop import (IssueDraft, accept, archive, assign, extend, link, register, reply, return_to_office,
                                  visit)
from models.problems.records import Channel, IssueKind, Satisfaction
from models.problems.working_days import add_working_days, is_working_day

DEMO_MARK = "【演示】"
_UNITS = ["区发改局", "区经信局", "区市场监管局", "区自然资源和规划分局", "区人力社保局", "区住建局",
          "区行政服务中心", "区税务局", "区商务局", "国网婺城供电公司"]
# topic → (unit it goes to, what enterprises write)
_TOPICS = {
    "要素保障": ("国网婺城供电公司", ["新建厂房用电增容报装进度慢，影响设备调试投产。", "园区双回路供电改造迟迟未启动。"]),
    "用地": ("区自然资源和规划分局", ["扩产项目用地指标未落实，土地出让时间不确定。", "厂区边角地块能否协议出让，希望给出明确答复。"]),
    "融资": ("区发改局", ["申请政策性贷款贴息，审批周期较长，资金周转紧张。", "首贷户融资对接后银行迟迟未放款。"]),
    "用工": ("区人力社保局", ["新招一线工人缺口约50人，希望协助对接劳务协作地。", "技能人才认定补贴申报流程不清楚。"]),
    "审批服务": ("区行政服务中心", ["施工许可材料多次补正，希望一次性告知。", "竣工联合验收预约排期较长。"]),
    "政策兑现": ("区经信局", ["2022年度技改补助资金尚未拨付。", "“专精特新”奖励申报后一直没有结果。"]),
    "涉企执法": ("区市场监管局", ["同一事项一个月内被不同部门重复检查三次。", "轻微违法首次被罚，希望适用包容审慎监管。"]),
    "市场准入": ("区市场监管局", ["经营范围变更登记在线办理时系统报错。", "食品经营许可延续办理时限较长。"]),
    "水电气网": ("区住建局", ["园区天然气管网尚未接入，只能使用瓶装气。", "厂区排水管网接驳审批慢。"]),
    "物流": ("区商务局", ["园区道路限高影响货车通行。", "跨境电商海外仓补助政策希望解读。"]),
}
_PREFIX = ["金华", "婺城", "浙江", "金华市", "浙江金"]
_WORDS = ["恒达", "鑫源", "博远", "华创", "永盛", "中锐", "天工", "绿洲", "科宏", "万象", "卓越", "瑞丰", "远航",
          "金穗", "星辰", "明德", "汇通", "嘉禾", "东升", "宏图"]
_TRADES = ["机械制造", "新材料", "电子科技", "食品", "汽车配件", "医疗器械", "家居用品", "物流", "纺织", "五金工具"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡郭何林罗郑梁"
# Enterprises' contacts: never the same names as the demo's officials (models.demo), whose names the
# return prints in full.
_GIVEN = ["建国", "丽华", "海峰", "国庆", "晓燕", "伟", "雪梅", "军", "晓峰", "磊", "芳", "杰", "婷", "建军", "勇"]
_CHANNELS = [(Channel.HOTLINE, 40), (Channel.VISIT, 25), (Channel.ONLINE, 12), (Channel.OBSERVER, 8),
             (Channel.LETTER, 6), (Channel.OTHER, 4)]
SALON_DAY = date(2023, 6, 16)


def _enterprise(rng: random.Random) -> str:
    return f"{rng.choice(_PREFIX)}{rng.choice(_WORDS)}{rng.choice(_TRADES)}有限公司"


def _next_working(day: date, skip: int = 0) -> date:
    """The working day ``skip`` working days after ``day`` (``day`` itself if 0 and it is one)."""
    if skip == 0 and is_working_day(day):
        return day
    return add_working_days(day, max(skip, 1))


def load_problem_demo(session: Session, as_of: date) -> int:
    """Add the demo year's problems up to ``as_of``; returns how many."""
    set_actor(session, "方宇（演示）")
    rng = random.Random(15)
    days = [date(2023, 1, 3) + timedelta(days=n) for n in range((as_of - date(2023, 1, 3)).days + 1)]
    working = [d for d in days if is_working_day(d)]
    # A steady flow through the year, and the last weeks' problems still in hand.
    received = sorted([rng.choice(working) for _ in range(110)] + [rng.choice(working[-15:]) for _ in range(14)])
    count = 0
    reply_groups: dict[str, list] = {}
    for day in received:
        channel = rng.choices([c for c, _w in _CHANNELS], [w for _c, w in _CHANNELS])[0]
        issue = _one(session, rng, day, channel, as_of)
        reply_groups.setdefault(issue.tags[0], []).append(issue)
        count += 1
    for n in range(32):  # the 茶咖沙龙 of 16 June: collected on the day, 31 handed on and answered
        issue = _one(session, rng, SALON_DAY, Channel.SALON, as_of, hand_on=n < 31)
        reply_groups.setdefault(issue.tags[0], []).append(issue)
        count += 1
    count += _late_october(session, rng)
    power = [i for i in reply_groups.get("要素保障", []) if "增容" in i.description][:4]
    if len(power) >= 2:
        link(session, power[0], power[1:], f"{DEMO_MARK}出台小微企业低压用电报装“三零”服务办法，"
             "160千瓦以下接入不超过5个工作日，并在园区推行“电管家”上门服务。", max(p.received for p in power))
    return count


def _one(session: Session, rng: random.Random, day: date, channel: Channel, as_of: date, hand_on: bool = True):
    tag = rng.choice(list(_TOPICS))
    unit, texts = _TOPICS[tag]
    kind = rng.choices(list(IssueKind), [15, 45, 15, 20, 5])[0]
    contact = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
    draft = IssueDraft(_enterprise(rng), channel.label, kind.label, f"{DEMO_MARK}{rng.choice(texts)}", day,
                       contact=contact, phone=f"13{rng.randrange(5, 9)}{rng.randrange(10000000, 99999999)}",
                       tags=[tag] + ([rng.choice(list(_TOPICS))] if rng.random() < 0.2 else []))
    issue = register(session, draft)
    if not hand_on:
        return issue
    steps = _plan_steps(rng, day, unit)
    for when, action in steps:
        if when > as_of:
            break
        action(session, issue, when)
    return issue


def _late_october(session: Session, rng: random.Random) -> int:
    """What the office has in hand on 27 October, in every colour: two overdue (红), two due on
    the next working days (蓝), two past half their time (黄, one of them after a 延期), one
    not yet signed for and one returned to be 改派."""
    cases = [  # received, topic, days, 交办, then (step, day)
        (date(2023, 10, 13), "用地", 5, date(2023, 10, 16), [("accept", date(2023, 10, 16))]),
        (date(2023, 10, 16), "政策兑现", 5, date(2023, 10, 17), [("accept", date(2023, 10, 18))]),
        (date(2023, 10, 20), "审批服务", 5, date(2023, 10, 23), [("accept", date(2023, 10, 23))]),
        (date(2023, 10, 23), "用工", 5, date(2023, 10, 23), [("accept", date(2023, 10, 24))]),
        (date(2023, 10, 16), "要素保障", 15, date(2023, 10, 17), [("accept", date(2023, 10, 17))]),
        (date(2023, 10, 9), "融资", 10, date(2023, 10, 9), [("accept", date(2023, 10, 10)),
                                                           ("extend", date(2023, 10, 23))]),
        (date(2023, 10, 25), "水电气网", 10, date(2023, 10, 26), []),
        (date(2023, 10, 23), "物流", 5, date(2023, 10, 24), [("return", date(2023, 10, 26))]),
    ]
    for received, tag, limit, assigned, steps in cases:
        unit, texts = _TOPICS[tag]
        issue = register(session, IssueDraft(_enterprise(rng), rng.choice(_CHANNELS[:3])[0].label, "求助",
                                             f"{DEMO_MARK}{rng.choice(texts)}", received,
                                             contact=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                                             phone=f"139{rng.randrange(10000000, 99999999)}", tags=[tag]))
        assign(session, issue, unit, limit, assigned)
        for step, day in steps:
            if step == "accept":
                accept(session, issue, day)
            elif step == "extend":
                extend(session, issue, add_working_days(issue.due, 10), f"{DEMO_MARK}需银行总行审批，申请延期10个工作日。", day)
            else:
                return_to_office(session, issue, f"{DEMO_MARK}园区道路属管委会管理，不属本单位职责。", day)
    return len(cases)


def _plan_steps(rng: random.Random, received: date, unit: str) -> list:
    """The dated steps the problem will go through; the caller stops at the working date."""
    limit = rng.choice([3, 5, 5, 5, 7, 10, 10, 15])
    assigned = _next_working(received, rng.choice([0, 0, 1]))
    co = [rng.choice([u for u in _UNITS if u != unit])] if rng.random() < 0.3 else []
    steps = []
    if rng.random() < 0.05:  # handed first to the wrong unit, which returns it; then 改派
        wrong = rng.choice([u for u in _UNITS if u != unit])
        steps.append((assigned, lambda s, i, d: assign(s, i, wrong, limit, d)))
        back = _next_working(assigned, 1)
        steps.append((back, lambda s, i, d: return_to_office(s, i, f"{DEMO_MARK}不属本单位职责，退回改派。", d)))
        assigned = _next_working(back, 1)
        steps.append((assigned, lambda s, i, d: assign(s, i, unit, limit, d, co, f"{DEMO_MARK}按职责改派{unit}。")))
    else:
        steps.append((assigned, lambda s, i, d: assign(s, i, unit, limit, d, co)))
    due = add_working_days(assigned, limit)
    accepted = _next_working(assigned, rng.choice([0, 0, 1]))
    steps.append((accepted, lambda s, i, d: accept(s, i, d)))
    late = rng.random() < 0.14
    if late and rng.random() < 0.5:  # asked in time for more time, and granted it
        new_due = add_working_days(due, rng.choice([5, 10]))
        steps.append((due, lambda s, i, d: extend(s, i, new_due, f"{DEMO_MARK}涉及多部门会商，申请延期。", d)))
        due = new_due
    used = rng.randint(1, limit)
    if limit >= 7 and rng.random() < 0.4:
        interim = add_working_days(assigned, max(1, used // 2))
        steps.append((interim, lambda s, i, d: reply(s, i, f"{DEMO_MARK}已现场对接，正在协调办理。", d, interim=True)))
    replied = add_working_days(due, rng.randint(1, 4)) if late else add_working_days(assigned, used)
    steps.append((replied, lambda s, i, d: reply(s, i, f"{DEMO_MARK}已协调解决并答复企业。", d)))
    visited = _next_working(replied, rng.randint(1, 3))
    unhappy = rng.random() < 0.1
    verdict = Satisfaction.UNSATISFIED if unhappy else rng.choices(
        [Satisfaction.SATISFIED, Satisfaction.BASIC], [82, 18])[0]
    steps.append((visited, lambda s, i, d: visit(s, i, verdict, d, f"{DEMO_MARK}电话回访企业。")))
    if unhappy:
        again = add_working_days(visited, rng.randint(2, limit))
        steps.append((again, lambda s, i, d: reply(s, i, f"{DEMO_MARK}重新办理，问题已解决。", d)))
        visited = _next_working(again, 1)
        steps.append((visited, lambda s, i, d: visit(s, i, Satisfaction.SATISFIED, d, f"{DEMO_MARK}再次回访。")))
    archived = _next_working(visited, rng.randint(1, 5))
    steps.append((archived, lambda s, i, d: archive(s, i, d)))
    steps.sort(key=lambda step: step[0])  # stable: steps of one day keep their order
    return steps

