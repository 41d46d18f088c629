"""The forms of the 营商台账: 登记, 交办/改派, 答复, 回访, 延期, 退回, 举一反三.

Each is a FormDialog (ui.tasks.task_dialogs): OK runs the action it is given; a refusal shows in
the dialog, which stays open with everything typed.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from models.errors import LedgerError
from models.problems.loop import MAX_LIMIT_DAYS, IssueDraft, topic_tags
from models.problems.records import Channel, IssueKind, Satisfaction
from ui.tasks.task_dialogs import FormDialog, date_edit, to_date


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").replace("、", ",").split(",") if part.strip()]


def _text_box(height: int = 90) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setFixedHeight(height)
    return box


class RegisterDialog(FormDialog):
    """登记: the enterprise, how the problem came in, and what it is."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("登记涉企问题"), parent)
        self.enterprise = QLineEdit(objectName="enterpriseEdit")
        self.credit_code = QLineEdit(objectName="creditCodeEdit", placeholderText=self.tr("18 位，可不填"))
        self.channel = QComboBox(objectName="channelCombo")
        self.channel.addItems([c.label for c in Channel])
        self.kind = QComboBox(objectName="kindCombo")
        self.kind.addItems([k.label for k in IssueKind])
        self.contact = QLineEdit(objectName="contactEdit")
        self.phone = QLineEdit(objectName="phoneEdit")
        self.tags = QLineEdit(objectName="tagsEdit", placeholderText="、".join(topic_tags()[:5]) + " …")
        self.description = _text_box(110)
        self.description.setObjectName("descriptionEdit")
        self.received = date_edit(today)
        self.task_number = QLineEdit(objectName="taskEdit", placeholderText=self.tr("任务序号，可不填"))
        for label, widget in (("企业名称", self.enterprise), ("统一社会信用代码", self.credit_code),
                              ("来源渠道", self.channel), ("问题类型", self.kind), ("联系人", self.contact),
                              ("联系电话", self.phone), ("问题标签", self.tags), ("问题描述", self.description),
                              ("受理日期", self.received), ("关联改革任务", self.task_number)):
            self.form.addRow(self.tr(label), widget)

    def draft(self) -> IssueDraft:
        task = self.task_number.text().strip()
        if task and not task.isdigit():
            raise LedgerError(self.tr("“关联改革任务”应填任务序号（如 3），现为“%s”。") % task)
        return IssueDraft(self.enterprise.text(), self.channel.currentText(), self.kind.currentText(),
                          self.description.toPlainText(), to_date(self.received), self.credit_code.text(),
                          self.contact.text(), self.phone.text(), _split(self.tags.text()),
                          int(task) if task.isdigit() else None)


class AssignDialog(FormDialog):
    """交办, or 改派 when the problem was handed on before (then a reason is asked for)."""

    def __init__(self, number: str, units: list[str], today: date, reassign: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("改派 %s") % number if reassign else self.tr("交办 %s") % number, parent)
        self.unit = QComboBox(objectName="unitCombo", editable=True)
        self.unit.addItems(units)
        self.unit.setCurrentText("")
        self.co_units = QLineEdit(objectName="coUnitsEdit", placeholderText=self.tr("以顿号或逗号分隔，可不填"))
        self.days = QSpinBox(objectName="daysSpin", minimum=1, maximum=MAX_LIMIT_DAYS, value=5,
                             suffix=self.tr(" 个工作日"))
        self.day = date_edit(today)
        self.reason = QLineEdit(objectName="reasonEdit")
        self.form.addRow(self.tr("主办单位"), self.unit)
        self.form.addRow(self.tr("协办单位"), self.co_units)
        self.form.addRow(self.tr("办理时限"), self.days)
        self.form.addRow(self.tr("交办日期"), self.day)
        self.form.addRow(self.tr("改派理由") if reassign else self.tr("交办意见"), self.reason)
        self.form.addRow("", QLabel(self.tr("时限按工作日计（法定节假日与调休按国家安排），自交办次日起算。"),
                                    objectName="hint"))

    def values(self) -> tuple[str, int, date, list[str], str]:
        return (self.unit.currentText(), self.days.value(), to_date(self.day), _split(self.co_units.text()),
                self.reason.text())


class ReplyDialog(FormDialog):
    def __init__(self, number: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("答复 %s") % number, parent)
        self.text = _text_box()
        self.text.setObjectName("replyEdit")
        self.interim = QCheckBox(self.tr("阶段答复（问题仍在办理中）"), objectName="interimCheck")
        self.day = date_edit(today)
        self.form.addRow(self.tr("答复内容"), self.text)
        self.form.addRow("", self.interim)
        self.form.addRow(self.tr("答复日期"), self.day)

    def values(self) -> tuple[str, date, bool]:
        return self.text.toPlainText(), to_date(self.day), self.interim.isChecked()


class VisitDialog(FormDialog):
    def __init__(self, number: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("回访 %s") % number, parent)
        self.satisfaction = QComboBox(objectName="satisfactionCombo")
        self.satisfaction.addItems([s.label for s in Satisfaction])
        self.note = QLineEdit(objectName="noteEdit")
        self.day = date_edit(today)
        self.form.addRow(self.tr("企业评价"), self.satisfaction)
        self.form.addRow(self.tr("回访记录"), self.note)
        self.form.addRow(self.tr("回访日期"), self.day)
        self.form.addRow("", QLabel(self.tr("“不满意”将退回主办单位重办，时限重新起算。"), objectName="hint"))

    def values(self) -> tuple[str, date, str]:
        return self.satisfaction.currentText(), to_date(self.day), self.note.text()


class ExtendDialog(FormDialog):
    def __init__(self, number: str, due: date, today: date, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("延期 %s") % number, parent)
        self.form.addRow(self.tr("原办结期限"), QLabel(due.isoformat()))
        self.new_due = date_edit(due)
        self.new_due.setObjectName("newDueEdit")
        self.reason = QLineEdit(objectName="reasonEdit")
        self.day = date_edit(today)
        self.form.addRow(self.tr("新的办结期限"), self.new_due)
        self.form.addRow(self.tr("延期理由"), self.reason)
        self.form.addRow(self.tr("申请日期"), self.day)

    def values(self) -> tuple[date, str, date]:
        return to_date(self.new_due), self.reason.text(), to_date(self.day)


class ReasonDialog(FormDialog):
    """退回: why the unit hands the problem back."""

    def __init__(self, title: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.reason = QLineEdit(objectName="reasonEdit")
        self.day = date_edit(today)
        self.form.addRow(self.tr("理由"), self.reason)
        self.form.addRow(self.tr("日期"), self.day)

    def values(self) -> tuple[str, date]:
        return self.reason.text(), to_date(self.day)


class LinkDialog(FormDialog):
    """举一反三: the similar problems and the systemic measure taken."""

    def __init__(self, number: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("举一反三 %s") % number, parent)
        self.others = QLineEdit(objectName="othersEdit", placeholderText=self.tr("类似问题的编号，如 2023-0012、2023-0031"))
        self.measure = _text_box()
        self.measure.setObjectName("measureEdit")
        self.day = date_edit(today)
        self.form.addRow(self.tr("类似问题"), self.others)
        self.form.addRow(self.tr("制度性举措"), self.measure)
        self.form.addRow(self.tr("日期"), self.day)

    def values(self) -> tuple[list[str], str, date]:
        return _split(self.others.text()), self.measure.toPlainText(), to_date(self.day)
