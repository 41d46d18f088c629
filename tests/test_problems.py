"""营商台账 without a display: working days across 国庆 2023 and 春节 2024, the credit code, the whole
loop with every step audited, the refusals that keep it honest, the colours, and the figures
against a hand-counted set of problems."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models.errors import LedgerError
from models.office import AuditEntry
from models.problems.checks import check_credit_code, credit_code_check_char, mask_name, mask_phone, mask_text
from models.problems.figures import problem_figures
from models.problems.loop import (IssueDraft, accept_issue, archive_issue, assign_issue, extend_issue, issue_detail,
                                  link_issues, register_issue, reply_issue, return_issue, visit_issue)
from models.problems.records import IssueStep
from models.problems.supervision import attention, list_issues
from models.problems.working_days import add_working_days, is_working_day, working_days_between


# ---- working days ----------------------------------------------------------------------------

def test_five_working_days_from_28_september_2023_end_on_11_october():
    # 29 Sep – 6 Oct off (中秋 and 国庆); Saturday 7 and Sunday 8 October made up.
    assert add_working_days(date(2023, 9, 28), 5) == date(2023, 10, 11)
    assert is_working_day(date(2023, 10, 7)) and is_working_day(date(2023, 10, 8))
    assert not is_working_day(date(2023, 9, 29)) and not is_working_day(date(2023, 10, 6))


def test_spring_festival_2024_with_its_make_up_sundays():
    # 10–17 February 2024 off; Sunday 4 and Sunday 18 February are working days.
    assert add_working_days(date(2024, 2, 2), 1) == date(2024, 2, 4)
    assert add_working_days(date(2024, 2, 8), 1) == date(2024, 2, 9)
    assert add_working_days(date(2024, 2, 8), 2) == date(2024, 2, 18)
    assert add_working_days(date(2024, 2, 8), 3) == date(2024, 2, 19)
    assert working_days_between(date(2024, 2, 9), date(2024, 2, 18)) == 1


def test_a_year_the_calendar_does_not_cover_is_refused_not_guessed():
    with pytest.raises(LedgerError, match="2027年的法定节假日安排尚未收录"):
        add_working_days(date(2026, 12, 30), 5)


# ---- the credit code and masking -----------------------------------------------------------------

def test_credit_code_valid_wrong_check_character_and_illegal_letters():
    assert check_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert credit_code_check_char("91330702MA28D0XX0") == check_credit_code("91330702MA28D0XX0"
                                                                          + credit_code_check_char("91330702MA28D0XX0"))[-1]
    with pytest.raises(LedgerError, match="校验位应为 3，现为 4"):
        check_credit_code("91350100M000100Y44")
    for letter in "IOZSV":
        with pytest.raises(LedgerError, match=f"不允许的字符 {letter}"):
            check_credit_code(f"91350100M000100{letter}43")
    with pytest.raises(LedgerError, match="应为 18 位"):
        check_credit_code("9135010")
    assert check_credit_code("") == ""


def test_masking():
    assert mask_name("张三丰") == "张**" and mask_name("李四") == "李**"
    assert mask_phone("13812341234") == "138****1234" and mask_phone("0579-8220") == "****20"
    assert mask_text("请联系张三丰，电话13812341234。", ("张三丰",)) == "请联系张**，电话138****1234。"


# ---- the loop -------------------------------------------------------------------------------------

def draft(received: date, enterprise: str = "金华市恒达机械制造有限公司", text: str = "厂房用电增容报装进度慢") -> IssueDraft:
    return IssueDraft(enterprise, "12345热线", "求助", text, received, "91350100M000100Y43", "张三丰", "13812341234",
                      ["要素保障"])


def test_the_whole_loop_every_step_audited(plan_store):
    store = plan_store
    issue = register_issue(store, draft(date(2023, 9, 27)), who="方宇")
    assert (issue.number, issue.state_label) == ("2023-0001", "待交办")
    issue = assign_issue(store, issue.id, "区发改局", 5, date(2023, 9, 28), ["国网婺城供电公司"], who="方宇")
    assert (issue.due, issue.state_label, issue.co_handlers) == (date(2023, 10, 11), "待签收", ["国网婺城供电公司"])
    accept_issue(store, issue.number, date(2023, 9, 28), who="区发改局 王")
    reply_issue(store, issue.id, "已现场对接", date(2023, 10, 7), interim=True, who="区发改局 王")
    issue = reply_issue(store, issue.id, "已完成增容", date(2023, 10, 10), who="区发改局 王")
    assert (issue.state_label, issue.closed_on) == ("已办结", date(2023, 10, 10))
    issue = visit_issue(store, issue.id, "不满意", date(2023, 10, 11), "企业反映仍未通电", who="方宇")
    # 不满意 sends it back: 重办 counted, the same 5 working days from the visit.
    assert (issue.state_label, issue.reopen_count, issue.due, issue.closed_on) == ("办理中", 1, date(2023, 10, 18), None)
    issue = extend_issue(store, issue.id, date(2023, 10, 25), "需供电公司排期停电", date(2023, 10, 16), who="方宇")
    assert issue.due == date(2023, 10, 25)
    reply_issue(store, issue.id, "已通电", date(2023, 10, 20), who="区发改局 王")
    visit_issue(store, issue.id, "满意", date(2023, 10, 23), who="方宇")
    issue = archive_issue(store, issue.id, date(2023, 10, 24), who="方宇")
    assert issue.state_label == "已归档"
    assert [(s.kind, s.day, s.who) for s in issue.steps] == [
        ("登记", date(2023, 9, 27), "方宇"), ("交办", date(2023, 9, 28), "方宇"),
        ("签收", date(2023, 9, 28), "区发改局 王"), ("阶段答复", date(2023, 10, 7), "区发改局 王"),
        ("办结答复", date(2023, 10, 10), "区发改局 王"), ("回访", date(2023, 10, 11), "方宇"),
        ("重办", date(2023, 10, 11), "方宇"), ("延期", date(2023, 10, 16), "方宇"),
        ("办结答复", date(2023, 10, 20), "区发改局 王"), ("回访", date(2023, 10, 23), "方宇"),
        ("归档", date(2023, 10, 24), "方宇")]
    with store.session() as session:
        audited = session.scalars(select(AuditEntry).where(AuditEntry.entity == "issue_step")).all()
        assert len(audited) == 11 and {a.who for a in audited} == {"方宇", "区发改局 王"}
        assert all(s.at is not None for s in session.scalars(select(IssueStep)))


def test_refusals_change_nothing(plan_store):
    store = plan_store
    issue = register_issue(store, draft(date(2023, 9, 27)))
    with pytest.raises(LedgerError, match="不能签收"):
        accept_issue(store, issue.id, date(2023, 9, 28))
    with pytest.raises(LedgerError, match="早于问题受理日期"):
        assign_issue(store, issue.id, "区发改局", 5, date(2023, 9, 1))
    assign_issue(store, issue.id, "区发改局", 5, date(2023, 9, 28))
    with pytest.raises(LedgerError, match="“改派理由”不能为空"):
        assign_issue(store, issue.id, "区经信局", 5, date(2023, 9, 29))
    with pytest.raises(LedgerError, match="“延期理由”不能为空"):
        extend_issue(store, issue.id, date(2023, 10, 20), " ", date(2023, 10, 9))
    with pytest.raises(LedgerError, match="应晚于原期限"):
        extend_issue(store, issue.id, date(2023, 10, 10), "理由", date(2023, 10, 9))
    with pytest.raises(LedgerError, match="“退回理由”不能为空"):
        return_issue(store, issue.id, "", date(2023, 10, 9))
    with pytest.raises(LedgerError, match="不能回访"):
        visit_issue(store, issue.id, "满意", date(2023, 10, 9))
    with pytest.raises(LedgerError, match="满意度“很好”无法识别"):
        visit_issue(store, issue.id, "很好", date(2023, 10, 9))
    assert [s.kind for s in issue_detail(store, issue.id).steps] == ["登记", "交办"]
    with pytest.raises(LedgerError, match="统一社会信用代码"):
        register_issue(store, IssueDraft("某公司", "12345", "求助", "内容", date(2023, 1, 5), "91350100M000100Y4O"))
    with pytest.raises(LedgerError, match="来源渠道“微博”无法识别"):
        register_issue(store, IssueDraft("某公司", "微博", "求助", "内容", date(2023, 1, 5)))
    with pytest.raises(LedgerError, match="关联任务：方案中没有第 99 号任务"):
        register_issue(store, IssueDraft("某公司", "走访", "求助", "内容", date(2023, 1, 5), task_number=99))


def test_return_then_reassign_and_link_with_a_systemic_measure(plan_store):
    store = plan_store
    first = register_issue(store, IssueDraft("甲公司", "企业走访", "求助", "用电增容慢", date(2023, 5, 8), task_number=3))
    assert first.task_number == 3 and first.task_title
    assign_issue(store, first.id, "区住建局", 5, date(2023, 5, 8))
    issue = return_issue(store, first.id, "不属本单位职责", date(2023, 5, 9))
    assert (issue.state_label, issue.due) == ("已退回", None)
    issue = assign_issue(store, first.id, "国网婺城供电公司", 5, date(2023, 5, 10), reason="按职责改派")
    assert (issue.state_label, issue.lead_handler, issue.due) == ("待签收", "国网婺城供电公司", date(2023, 5, 17))
    second = register_issue(store, IssueDraft("乙公司", "12345热线", "投诉", "报装周期长", date(2023, 5, 9)))
    issue = link_issues(store, first.id, [second.number], "出台低压报装“三零”服务办法", date(2023, 5, 12))
    assert issue.linked == [second.number] and issue_detail(store, second.id).systemic_measure.startswith("出台")
    assert issue_detail(store, second.id).linked == [first.number]


def test_colours(plan_store):
    store = plan_store
    five = register_issue(store, draft(date(2023, 10, 16), "五日公司"))
    assign_issue(store, five.id, "区发改局", 5, date(2023, 10, 16))  # due 23 October
    ten = register_issue(store, draft(date(2023, 10, 9), "十日公司"))
    assign_issue(store, ten.id, "区经信局", 10, date(2023, 10, 9))  # due 23 October

    def colours(day: date) -> dict[str, str]:
        return {row.enterprise: row.colour for row in list_issues(store, day)}

    assert colours(date(2023, 10, 12)) == {"五日公司": "", "十日公司": ""}
    assert colours(date(2023, 10, 17)) == {"五日公司": "", "十日公司": "yellow"}  # 6 of 10 days used
    assert colours(date(2023, 10, 19)) == {"五日公司": "blue", "十日公司": "blue"}  # due on the 2nd working day
    assert colours(date(2023, 10, 24)) == {"五日公司": "red", "十日公司": "red"}
    assert [r.enterprise for r in list_issues(store, date(2023, 10, 24), overdue=True)] == ["五日公司", "十日公司"]
    assert attention(store, date(2023, 10, 19)).colours == {"red": 0, "blue": 2, "yellow": 0}


# ---- figures, counted by hand ------------------------------------------------------------------

@pytest.fixture
def march(plan_store):
    """Seven problems of March 2023 whose figures are counted by hand in the test below."""
    store = plan_store

    def issue(received, unit=None, days=5, assigned=None):
        view = register_issue(store, draft(received, f"企业{received.day}", f"问题{received.day}"))
        if unit:
            assign_issue(store, view.id, unit, days, assigned or received)
            accept_issue(store, view.id, assigned or received)
        return view.id

    a = issue(date(2023, 3, 1), "区发改局")  # due 03-08
    reply_issue(store, a, "已办", date(2023, 3, 6))
    visit_issue(store, a, "满意", date(2023, 3, 7))
    archive_issue(store, a, date(2023, 3, 8))
    b = issue(date(2023, 3, 2), "区发改局", 3)  # due 03-07, answered late
    reply_issue(store, b, "已办", date(2023, 3, 10))
    visit_issue(store, b, "基本满意", date(2023, 3, 13))
    c = issue(date(2023, 3, 6), "区市场监管局")  # due 03-13
    reply_issue(store, c, "已办", date(2023, 3, 8))
    visit_issue(store, c, "不满意", date(2023, 3, 9))  # 重办, due 03-16
    reply_issue(store, c, "重新办理", date(2023, 3, 14))
    visit_issue(store, c, "满意", date(2023, 3, 15))
    d = issue(date(2023, 3, 20), "区市场监管局")  # due 03-27, extended to 04-10
    extend_issue(store, d, date(2023, 4, 10), "需会商", date(2023, 3, 27))
    reply_issue(store, d, "已办", date(2023, 4, 6))
    issue(date(2023, 3, 28), "区经信局", 10, date(2023, 3, 29))  # due 04-13, still in hand
    issue(date(2023, 3, 15))  # never handed on
    issue(date(2023, 4, 3), "区发改局")  # April: outside the span
    return store


def test_figures_against_hand_counted(march):
    # March, judged on 31 March: D's answer of 6 April has not happened yet.
    report = problem_figures(march, date(2023, 3, 1), date(2023, 3, 31), as_of=date(2023, 12, 31))
    total = report.total
    assert report.judged == date(2023, 3, 31)
    assert (total.received, total.closed, total.closed_on_time) == (6, 3, 2)  # A B C closed; A C on time
    assert (total.visited, total.satisfied, total.answered, total.reopened) == (4, 3, 3, 1)  # C visited twice
    assert total.close_days_total == 3 + 6 + 6 and total.mean_close_days == 5.0  # A 3, B 6, C 6 working days
    assert (total.close_rate, total.on_time_rate, total.satisfaction_rate, total.reopen_rate) == (0.5, 0.6667, 0.75, 0.3333)
    by_unit = {f.unit: (f.received, f.closed, f.closed_on_time) for f in report.units}
    assert by_unit == {"区发改局": (2, 2, 1), "区市场监管局": (2, 1, 1), "区经信局": (1, 0, 0), "（未交办）": (1, 0, 0)}
    assert report.units[-1].close_rate == 0.0 and report.units[-1].on_time_rate is None


def test_figures_of_march_and_april(march):
    report = problem_figures(march, date(2023, 3, 1), date(2023, 4, 30), as_of=date(2023, 12, 31))
    total = report.total
    assert (total.received, total.closed, total.closed_on_time) == (7, 4, 3)  # D on time after its 延期
    assert (total.visited, total.satisfied, total.answered, total.reopened) == (4, 3, 4, 1)
    # D took 12 working days (清明, 5 April, off).
    assert total.close_days_total == 27 and total.mean_close_days == 6.8
    assert (total.close_rate, total.on_time_rate, total.satisfaction_rate, total.reopen_rate) == (0.5714, 0.75, 0.75, 0.25)
    assert {f.unit: (f.received, f.closed) for f in report.units}["区发改局"] == (3, 2)
    april = problem_figures(march, period_id="2023-M04", as_of=date(2023, 12, 31))
    assert (april.total.received, april.total.closed) == (1, 0)
    early = problem_figures(march, date(2023, 3, 1), date(2023, 4, 30), as_of=date(2023, 3, 9))
    # By 9 March only A stands answered: B answers on the 10th, C was sent back (不满意) on the 9th.
    assert (early.judged, early.total.received, early.total.closed, early.total.reopened) == (date(2023, 3, 9), 3, 1, 1)


def test_the_demo_year(demo_store):
    report = problem_figures(demo_store, date(2023, 1, 1), date(2023, 12, 31), as_of=date(2023, 10, 27))
    total = report.total
    assert total.received == 164 and total.closed == 146
    assert {row.channel for row in list_issues(demo_store)} >= {"12345热线", "企业走访", "政企恳谈/茶咖沙龙", "营商环境体验官",
                                                                "线上平台", "来信来访"}
    salon = [row for row in list_issues(demo_store) if row.channel == "政企恳谈/茶咖沙龙"]
    assert len(salon) == 32 and sum(bool(row.lead_handler) for row in salon) == 31
    counts = attention(demo_store)
    assert counts.colours["red"] >= 2 and counts.colours["blue"] >= 2 and counts.colours["yellow"] >= 2
    assert {row.state for row in list_issues(demo_store)} == {"registered", "assigned", "handling", "returned",
                                                              "visited", "archived"}
