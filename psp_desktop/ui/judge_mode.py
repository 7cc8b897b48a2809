"""Judge mode: the full-screen window a judge scores in at an event.

The judge picks their name and types their PIN; then they see only their own assignments (judging.judge_rounds),
one proposal at a time, in big type. Keyboard first: a score and Enter moves to the next field, then to the comment,
then to Submit; PageDown/PageUp or Ctrl+→/← move between proposals and save a draft on the way out. Each field is
checked as it is typed with the service's own rules (judging.parse_points / check_score); the service checks again
on every save, so nothing the screen lets through can break a rule.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QRegularExpression, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFocusEvent,
    QKeyEvent,
    QKeySequence,
    QRegularExpressionValidator,
    QShortcut,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ..enums import SheetStatus
from ..errors import PspError, ValidationError
from ..services import judging
from ..services.judging import CriterionView, JudgeRound, JudgeSession, Task
from .tasks import run_task

if TYPE_CHECKING:
    from ..db import Database
    from ..services.event_exchange import ResultsSummary

translate = QCoreApplication.translate

# Big, high-contrast type for a judge reading at arm's length; the score fields larger still.
STYLE = """
QWidget { font-size: 20px; color: #111111; }
#judgeMode { background: #ffffff; }
QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }
QLabel#summary { font-size: 21px; }
#judgeHeader { background: #15365e; }
#judgeHeader QLabel { color: #ffffff; }
#judgeHeader QLabel#judgeName { font-size: 24px; font-weight: bold; }
#judgeHeader QPushButton { background: #ffffff; color: #15365e; font-weight: bold; padding: 8px 20px;
                           border-radius: 6px; }
QLabel#bigTitle { font-size: 30px; font-weight: bold; }
QLabel#signInTitle { font-size: 40px; font-weight: bold; color: #15365e; }
QLabel#muted { color: #333333; }
QLabel#section { font-size: 22px; font-weight: bold; color: #15365e; }
QLabel#criterionName { font-size: 24px; font-weight: bold; }
QLabel#criterionText { font-size: 18px; color: #333333; }
QLabel#maxPoints { font-size: 26px; color: #333333; }
QLabel#fieldError, QLabel#error { color: #b00000; font-weight: bold; }
QLabel#total { font-size: 30px; font-weight: bold; color: #15365e; }
QLabel#locked { font-size: 24px; font-weight: bold; color: #ffffff; background: #2e7d32; padding: 8px 18px;
                border-radius: 6px; }
QLabel#hint { font-size: 18px; color: #333333; }
QLineEdit#score { font-size: 38px; font-weight: bold; padding: 4px 10px; border: 2px solid #444444;
                  border-radius: 6px; background: #ffffff; }
QLineEdit#score:focus { border: 4px solid #0b57d0; background: #fffbe0; }
QLineEdit#score[bad="true"] { border: 4px solid #b00000; background: #fff0f0; }
QLineEdit#score:read-only { border: 2px solid #999999; background: #eeeeee; color: #222222; }
QLineEdit#pin { font-size: 40px; letter-spacing: 12px; padding: 8px 14px; border: 2px solid #444444;
                border-radius: 6px; }
QLineEdit#pin:focus { border: 4px solid #0b57d0; }
QPlainTextEdit { border: 2px solid #444444; border-radius: 6px; }
QPlainTextEdit:focus { border: 4px solid #0b57d0; }
QPlainTextEdit:read-only { background: #eeeeee; }
QListWidget { border: 2px solid #c8d0da; border-radius: 6px; }
QListWidget::item { padding: 10px 8px; border-bottom: 1px solid #e0e0e0; }
QListWidget::item:selected { background: #dbe8fb; color: #111111; }
QListWidget#judgeNames { font-size: 26px; }
QListWidget#judgeNames::item { border: 1px solid #c8d0da; border-radius: 6px; margin: 4px; min-width: 220px; }
QListWidget#judgeNames::item:selected { background: #15365e; color: #ffffff; }
QPushButton { padding: 8px 22px; border: 2px solid #15365e; border-radius: 6px; background: #ffffff; }
QPushButton:focus { border: 4px solid #0b57d0; }
QPushButton#primary { font-size: 26px; font-weight: bold; color: #ffffff; background: #15365e; padding: 12px 40px; }
QPushButton#primary:focus { background: #0b57d0; border: 4px solid #f2b705; }
QPushButton#primary:disabled { background: #8a9bb0; }
QProgressBar { border: 1px solid #ffffff; border-radius: 5px; background: #2b4f7c; height: 18px; }
QProgressBar::chunk { background: #7bd389; border-radius: 4px; }
"""


def _message(exc: BaseException) -> str:
    if isinstance(exc, PspError):
        return exc.render(translate)
    return translate("JudgeMode", "Unexpected error: {error}").format(error=exc)


def _is_nav_key(event: QKeyEvent) -> bool:
    """PageUp/PageDown and Ctrl+←/→ move between proposals, even from inside a text field."""
    key, mods = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
        return mods == Qt.KeyboardModifier.NoModifier
    return key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and mods == Qt.KeyboardModifier.ControlModifier


def _label(text: str = "", name: str = "", *, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


def _sign_in_and_load(db: Database, judge_id: int, pin: str) -> tuple[JudgeSession, list[JudgeRound]]:
    """Runs in a worker: the PIN check is a deliberately slow hash."""
    session = judging.sign_in(db, judge_id, pin)
    return session, judging.judge_rounds(db, session)


# --- sign-in -----------------------------------------------------------------------------------------------------


class SignInScreen(QWidget):
    """Pick your name, type your PIN."""

    signed_in = Signal(object, object)  # JudgeSession, list[JudgeRound]
    exit_requested = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.busy = False
        self.title = _label(translate("JudgeMode", "Judge sign-in"), "signInTitle")
        self.intro = _label(translate("JudgeMode", "Choose your name, type your 6-digit PIN and press Enter."),
                            "muted", wrap=True)
        self.judges = QListWidget()
        self.judges.setObjectName("judgeNames")
        self.judges.setMinimumHeight(360)
        # names side by side in columns, so a panel of twenty fits without scrolling
        self.judges.setFlow(QListView.Flow.LeftToRight)
        self.judges.setWrapping(True)
        self.judges.setResizeMode(QListView.ResizeMode.Adjust)
        self.judges.setGridSize(QSize(250, 62))
        self.judges.setUniformItemSizes(True)
        self.judges.itemActivated.connect(lambda _item: self.pin.setFocus())
        self.judges.currentRowChanged.connect(lambda _row: self.error.clear())
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(6)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]{0,6}"), self.pin))
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.pin.setPlaceholderText(translate("JudgeMode", "PIN"))
        self.pin.returnPressed.connect(self.submit)
        self.error = _label("", "error", wrap=True)
        self.button = QPushButton(translate("JudgeMode", "Sign in"))
        self.button.setObjectName("primary")
        self.button.setAutoDefault(True)
        self.button.clicked.connect(self.submit)
        self.exit = QPushButton(translate("JudgeMode", "Leave judge mode"))
        self.exit.clicked.connect(self.exit_requested.emit)
        # on a judge laptop (an event package's database): the signed results file for the office, on a USB stick
        self.save_results = QPushButton(translate("JudgeMode", "Save results for the office…"))
        self.save_results.clicked.connect(self.export_results)
        self.save_results.hide()
        self._build()

    def _build(self) -> None:
        column = QVBoxLayout()
        column.setSpacing(14)
        column.addWidget(self.title)
        column.addWidget(self.intro)
        column.addWidget(_label(translate("JudgeMode", "Your name"), "section"))
        column.addWidget(self.judges, 1)
        column.addWidget(_label(translate("JudgeMode", "PIN"), "section"))
        column.addWidget(self.pin)
        column.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        row.addWidget(self.save_results)
        row.addWidget(self.exit)
        column.addLayout(row)
        frame = QWidget()
        frame.setLayout(column)
        frame.setMaximumWidth(1040)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(40, 40, 40, 40)
        outer.addStretch(1)
        outer.addWidget(frame, 3)
        outer.addStretch(1)

    def show_results_export(self, is_laptop: bool) -> None:
        self.save_results.setVisible(is_laptop)

    def export_results(self) -> None:
        """Writes the signed results file where staff choose (a USB stick); the file is whole or absent."""
        from ..services import event_exchange

        path, _filter = QFileDialog.getSaveFileName(
            self, translate("JudgeMode", "Save the results file"), "results.pspresults",
            translate("JudgeMode", "Judge results (*.pspresults)"))
        if not path or self.db.path is None:
            return
        event_db = self.db.path
        run_task(lambda: event_exchange.export_results(Path(path), event_db=event_db), self._results_saved,
                 lambda exc: self.error.setText(_message(exc)))

    def _results_saved(self, summary: ResultsSummary) -> None:
        self.error.setText(translate("JudgeMode", "Saved {count} submitted sheets to {path}. Give this file to the "
                                                  "office.").format(count=summary.sheets, path=summary.path))

    def load(self) -> None:
        """Fills the list of judges who have something to score."""
        self.pin.clear()
        self.error.clear()
        run_task(lambda: judging.judges_with_work(self.db), self._judges_loaded, self._failed)

    def _judges_loaded(self, judges: list[tuple[int, str]]) -> None:
        if not isValid(self):  # the window was closed and deleted meanwhile
            return
        self.judges.clear()
        for judge_id, name in judges:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, judge_id)
            self.judges.addItem(item)
        if not judges:
            self.error.setText(translate("JudgeMode", "No judge has proposals to score in an open round yet."))
        self.judges.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        item = self.judges.currentItem()
        if item is None:
            self.error.setText(translate("JudgeMode", "Choose your name first."))
            self.judges.setFocus()
            return
        pin = self.pin.text()
        if len(pin) != 6:
            self.error.setText(translate("JudgeMode", "The PIN has 6 digits."))
            self.pin.setFocus()
            return
        self._set_busy(True)
        judge_id = int(item.data(Qt.ItemDataRole.UserRole))
        run_task(lambda: _sign_in_and_load(self.db, judge_id, pin), self._done, self._failed)

    def _done(self, result: tuple[JudgeSession, list[JudgeRound]]) -> None:
        if not isValid(self):
            return
        self._set_busy(False)
        self.pin.clear()
        self.error.clear()
        self.signed_in.emit(*result)

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self._set_busy(False)
        self.error.setText(_message(exc))
        self.pin.clear()
        self.pin.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.button.setEnabled(not busy)
        if busy:
            self.error.setText(translate("JudgeMode", "Checking the PIN…"))


# --- scoring -----------------------------------------------------------------------------------------------------


class ScoreEdit(QLineEdit):
    """A score field that lets the proposal keys through to the window's shortcuts."""

    focused = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("score")
        self.setMaxLength(6)
        self.setFixedWidth(150)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and _is_nav_key(event):
            return True  # not accepted: the shortcut runs instead of Ctrl+← moving the cursor
        return super().event(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focused.emit()

    def set_bad(self, bad: bool) -> None:
        if bool(self.property("bad")) != bad:
            self.setProperty("bad", bad)
            self.style().unpolish(self)
            self.style().polish(self)


class CommentEdit(QPlainTextEdit):
    """The comment: Enter goes on to Submit, Shift+Enter starts a new line."""

    finished = Signal()
    focused = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(130)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and _is_nav_key(event):
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            self.finished.emit()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focused.emit()


class CriterionRow(QFrame):
    """One criterion: its name and description, the maximum, the score field and what is wrong with it."""

    def __init__(self, criterion: CriterionView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.criterion = criterion
        name = criterion.name
        if criterion.is_bonus:
            name = translate("JudgeMode", "{name} (bonus)").format(name=name)
        self.name = _label(name, "criterionName", wrap=True)
        self.description = _label(criterion.description, "criterionText", wrap=True)
        self.edit = ScoreEdit()
        self.edit.setAccessibleName(criterion.name)
        self.maximum = _label(translate("JudgeMode", "/ {max}").format(max=judging.points_label(criterion.max_x100)),
                              "maxPoints")
        self.maximum.setMinimumWidth(70)
        self.error = _label("", "fieldError", wrap=True)
        self.error.hide()
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.name)
        text.addWidget(self.description)
        row = QHBoxLayout()
        row.addLayout(text, 1)
        row.addSpacing(12)
        field = QHBoxLayout()
        field.addWidget(self.edit)
        field.addWidget(self.maximum)
        row.addLayout(field)
        row.setAlignment(field, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.description.setHidden(not criterion.description)  # once parented: shown alone it would be a window

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.edit.set_bad(bool(text))


@dataclasses.dataclass(frozen=True)
class FieldValue:
    """What a score field holds: a value on the round's rules, nothing, or a mistake to show."""

    value: int | None
    error: str = ""


def read_field(text: str, criterion: CriterionView, step_x100: int) -> FieldValue:
    text = text.strip()
    if not text:
        return FieldValue(None)
    try:
        value = judging.parse_points(text)
    except ValueError:
        return FieldValue(None, translate("JudgeMode", "Type a number, for example 8.5."))
    try:
        judging.check_score(criterion.name, criterion.max_x100, step_x100, value)
    except ValidationError as exc:
        return FieldValue(None, exc.render(translate))
    return FieldValue(value)


class ScoringScreen(QWidget):
    """The signed-in judge's proposals, one at a time."""

    signed_out = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.session: JudgeSession | None = None
        self.rounds: list[JudgeRound] = []
        self.round: JudgeRound | None = None
        self.tasks: list[Task] = []
        self.current = -1
        self.rows: list[CriterionRow] = []
        self._build()
        for keys, step in (((Qt.Key.Key_PageDown, "Ctrl+Right"), 1), ((Qt.Key.Key_PageUp, "Ctrl+Left"), -1)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.activated.connect(lambda step=step: self.go(step))

    # --- layout

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._build_header())
        self.body = QStackedLayout()
        self.body.addWidget(self._build_work())
        self.nothing = _label("", "bigTitle", wrap=True)
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addWidget(self.nothing)
        root.addLayout(self.body, 1)
        footer = QHBoxLayout()
        footer.setContentsMargins(20, 6, 20, 10)
        self.status = _label("", "hint", wrap=True)
        self.hint = _label(translate(
            "JudgeMode", "Enter: next field · PageDown or Ctrl+→: next proposal · PageUp or Ctrl+←: previous"),
            "hint")
        footer.addWidget(self.status, 1)
        footer.addWidget(self.hint)
        root.addLayout(footer)

    def _build_header(self) -> QFrame:
        header = QFrame()
        header.setObjectName("judgeHeader")
        layout = QHBoxLayout(header)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(18)
        self.judge_name = _label("", "judgeName")
        self.round_label = _label()
        self.round_choice = QComboBox()
        self.round_choice.currentIndexChanged.connect(self._round_chosen)
        self.round_choice.hide()
        self.progress_text = _label()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(220)
        self.sign_out_button = QPushButton(translate("JudgeMode", "Sign out"))
        self.sign_out_button.clicked.connect(self.sign_out)
        layout.addWidget(self.judge_name)
        layout.addWidget(self.round_label)
        layout.addWidget(self.round_choice)
        layout.addStretch(1)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.progress)
        layout.addSpacing(12)
        layout.addWidget(self.sign_out_button)
        return header

    def _build_work(self) -> QWidget:
        work = QWidget()
        layout = QHBoxLayout(work)
        layout.setContentsMargins(20, 16, 20, 4)
        layout.setSpacing(22)
        left = QVBoxLayout()
        left.addWidget(_label(translate("JudgeMode", "My proposals"), "section"))
        self.list = QListWidget()
        self.list.setMinimumWidth(250)  # narrower on a 1366×768 laptop, never below one intake number
        self.list.setMaximumWidth(370)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # focus stays in the score fields
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentRowChanged.connect(self._row_chosen)
        left.addWidget(self.list, 1)
        layout.addLayout(left)
        layout.addWidget(self._build_info(), 4)
        layout.addLayout(self._build_scoring(), 5)
        return work

    def _build_info(self) -> QScrollArea:
        info = QWidget()
        column = QVBoxLayout(info)
        column.setContentsMargins(0, 0, 10, 0)
        column.setSpacing(10)
        self.number = _label("", "muted")
        self.title = _label("", "bigTitle", wrap=True)
        self.organization = _label("", "muted", wrap=True)
        self.summary = _label("", "summary", wrap=True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        column.addWidget(self.number)
        column.addWidget(self.title)
        column.addWidget(self.organization)
        column.addSpacing(8)
        column.addWidget(_label(translate("JudgeMode", "Summary"), "section"))
        column.addWidget(self.summary)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(info)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return scroll

    def _build_scoring(self) -> QVBoxLayout:
        sheet = QWidget()
        self.sheet_layout = QVBoxLayout(sheet)
        self.sheet_layout.setContentsMargins(0, 0, 14, 0)
        self.sheet_layout.setSpacing(2)
        self.step_label = _label("", "section")
        self.sheet_layout.addWidget(self.step_label)
        self.criteria_box = QVBoxLayout()
        self.criteria_box.setSpacing(0)
        self.sheet_layout.addLayout(self.criteria_box)
        self.sheet_layout.addSpacing(8)
        self.sheet_layout.addWidget(_label(translate("JudgeMode", "Comment (optional)"), "section"))
        self.comment = CommentEdit()
        self.comment.finished.connect(self._comment_done)
        self.comment.textChanged.connect(self._update_total)
        self.comment.focused.connect(lambda: self.scroll.ensureWidgetVisible(self.comment))
        self.sheet_layout.addWidget(self.comment)
        self.sheet_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(sheet)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 8, 0, 0)
        self.total = _label("", "total")
        self.total_note = _label("", "muted")
        self.locked = _label(translate("JudgeMode", "Submitted — locked"), "locked")
        self.submit_button = QPushButton(translate("JudgeMode", "Submit"))
        self.submit_button.setObjectName("primary")
        self.submit_button.setAutoDefault(True)  # Enter on the focused button submits
        self.submit_button.clicked.connect(self.submit)
        totals = QVBoxLayout()
        totals.setSpacing(0)
        totals.addWidget(self.total)
        totals.addWidget(self.total_note)
        bottom.addLayout(totals)
        bottom.addStretch(1)
        bottom.addWidget(self.locked)
        bottom.addWidget(self.submit_button)
        column = QVBoxLayout()
        column.addWidget(self.scroll, 1)
        column.addLayout(bottom)
        return column

    # --- session

    def start(self, session: JudgeSession, rounds: list[JudgeRound]) -> None:
        self.session = session
        self.judge_name.setText(translate("JudgeMode", "Judge: {name}").format(name=session.name))
        self.status.clear()
        self._set_rounds(rounds, keep=None)

    def _set_rounds(self, rounds: list[JudgeRound], keep: tuple[int, int] | None) -> None:
        """Shows the rounds; keep = (round, assignment) to stay on after a reload."""
        self.rounds = rounds
        self.round_choice.blockSignals(True)
        self.round_choice.clear()
        for r in rounds:
            self.round_choice.addItem(f"{r.competition} · {r.name}")
        index = next((i for i, r in enumerate(rounds) if keep and r.round_id == keep[0]), None)
        if index is None:  # the first round with something left to score
            index = next((i for i, r in enumerate(rounds) if r.done < len(r.tasks)), 0)
        self.round_choice.setCurrentIndex(index)
        self.round_choice.blockSignals(False)
        self.round_choice.setVisible(len(rounds) > 1)
        self.round_label.setVisible(len(rounds) == 1)
        if not rounds:
            self._show_nothing()
            return
        self._open_round(rounds[index], keep[1] if keep else None)

    def _show_nothing(self) -> None:
        self.round, self.tasks, self.current = None, [], -1
        self.list.clear()
        self.round_label.clear()
        self._update_progress()
        self.nothing.setText(translate("JudgeMode", "You have no proposals to score at present."))
        self.body.setCurrentWidget(self.nothing)

    def _round_chosen(self, index: int) -> None:
        if 0 <= index < len(self.rounds) and self.round and self.rounds[index].round_id != self.round.round_id:
            self.save_draft()
            self._open_round(self.rounds[index], None)

    def _open_round(self, round_: JudgeRound, assignment_id: int | None) -> None:
        self.round = round_
        self.tasks = list(round_.tasks)
        self.round_label.setText(f"{round_.competition} · {round_.name}")
        self.step_label.setText(translate("JudgeMode", "Scores (in steps of {step} points)").format(
            step=judging.points_label(round_.step_x100)))
        self._make_rows(round_.criteria)
        self.list.blockSignals(True)
        self.list.clear()
        for _task in self.tasks:
            self.list.addItem(QListWidgetItem())
        self.list.blockSignals(False)
        for index in range(len(self.tasks)):
            self._update_item(index)
        self._update_progress()
        if not self.tasks:
            self._show_nothing()
            return
        self.body.setCurrentIndex(0)
        start = next((i for i, t in enumerate(self.tasks) if t.assignment_id == assignment_id), None)
        if start is None:
            start = next((i for i, t in enumerate(self.tasks) if not t.locked), 0)
        self._show(start)

    def _bring_into_view(self, row: QWidget) -> None:
        # focus can still move while the window is being torn down, after the scroll area is gone
        if shiboken6.isValid(self.scroll) and shiboken6.isValid(row):
            self.scroll.ensureWidgetVisible(row)

    def _make_rows(self, criteria: tuple[CriterionView, ...]) -> None:
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        for index, criterion in enumerate(criteria):
            row = CriterionRow(criterion)
            row.edit.returnPressed.connect(lambda index=index: self._field_done(index))
            row.edit.textChanged.connect(lambda _text, index=index: self._field_changed(index))
            row.edit.focused.connect(lambda row=row: self._bring_into_view(row))
            self.criteria_box.addWidget(row)
            row.show()  # now, not when the layout gets round to it: the first field takes focus at once
            self.rows.append(row)
        if self.rows:
            QWidget.setTabOrder(self.rows[-1].edit, self.comment)
        QWidget.setTabOrder(self.comment, self.submit_button)

    def sign_out(self) -> None:
        self.save_draft()
        self.session = None
        self.rounds, self.round, self.tasks, self.current = [], None, [], -1
        self.list.clear()
        self._make_rows(())
        for label in (self.judge_name, self.round_label, self.number, self.title, self.organization, self.summary,
                      self.status):
            label.clear()
        self.comment.clear()
        self.signed_out.emit()

    # --- one proposal

    @property
    def task(self) -> Task | None:
        return self.tasks[self.current] if 0 <= self.current < len(self.tasks) else None

    def _show(self, index: int) -> None:
        self.current = index
        task = self.tasks[index]
        self.list.blockSignals(True)
        self.list.setCurrentRow(index)
        self.list.blockSignals(False)
        self.number.setText(translate("JudgeMode", "{number} · proposal {n} of {total}").format(
            number=task.intake_number, n=index + 1, total=len(self.tasks)))
        self.title.setText(task.title)
        if self.round and self.round.blind:
            self.organization.setText(translate("JudgeMode", "Blind review: the organization is not shown."))
        else:
            self.organization.setText(translate("JudgeMode", "Organization: {name}").format(name=task.organization))
        self.summary.setText(task.summary)
        for row in self.rows:
            value = task.points.get(row.criterion.id)
            row.edit.blockSignals(True)
            row.edit.setText("" if value is None else judging.points_label(value))
            row.edit.blockSignals(False)
            row.edit.setReadOnly(task.locked)
            row.show_error("")
        self.comment.blockSignals(True)
        self.comment.setPlainText(task.comment)
        self.comment.blockSignals(False)
        self.comment.setReadOnly(task.locked)
        self._show_lock(task.locked)
        self._update_total()
        self.scroll.verticalScrollBar().setValue(0)
        if task.locked or not self.rows:
            self.setFocus()
        else:
            empty = next((r for r in self.rows if not r.edit.text()), self.rows[0])
            self._focus_edit(empty.edit)

    def _show_lock(self, locked: bool) -> None:
        self.locked.setVisible(locked)
        self.submit_button.setVisible(not locked)
        self.submit_button.setEnabled(not locked)

    def _focus_edit(self, edit: QLineEdit) -> None:
        edit.setFocus()
        edit.selectAll()

    def go(self, step: int) -> None:
        """Moves to the next (1) or previous (-1) proposal, saving the draft of this one."""
        if not self.tasks:
            return
        target = min(max(self.current + step, 0), len(self.tasks) - 1)
        if target != self.current:
            self.save_draft()
            self._show(target)

    def _row_chosen(self, row: int) -> None:
        if 0 <= row < len(self.tasks) and row != self.current:
            self.save_draft()
            self._show(row)

    # --- fields

    def read(self, row: CriterionRow) -> FieldValue:
        assert self.round is not None
        return read_field(row.edit.text(), row.criterion, self.round.step_x100)

    def _field_changed(self, index: int) -> None:
        self.rows[index].show_error(self.read(self.rows[index]).error)
        self._update_total()

    def _field_done(self, index: int) -> None:
        """Enter on a score: stay on a mistake, otherwise go on to the next field, then to the comment."""
        row = self.rows[index]
        if row.edit.isReadOnly():
            return
        read = self.read(row)
        row.show_error(read.error)
        if read.error:
            row.edit.selectAll()
            return
        if index + 1 < len(self.rows):
            self._focus_edit(self.rows[index + 1].edit)
        else:
            self.comment.setFocus()
            self.comment.moveCursor(QTextCursor.MoveOperation.End)

    def _comment_done(self) -> None:
        if self.submit_button.isVisible():
            self.submit_button.setFocus()

    def _update_total(self) -> None:
        if self.round is None:
            return
        values = [self.read(row) for row in self.rows]
        points = {row.criterion.id: v.value for row, v in zip(self.rows, values, strict=True)}
        self.total.setText(translate("JudgeMode", "Total {total} / {full}").format(
            total=judging.total_text(self.round.criteria, points), full=judging.full_marks_text(self.round.criteria)))
        empty = sum(v.value is None for v in values)
        self.total_note.setText(translate("JudgeMode", "{count} criteria still without a valid score").format(
            count=empty) if empty and not (self.task and self.task.locked) else "")

    # --- saving

    def _entered(self) -> tuple[dict[int, int | None], list[CriterionRow]]:
        """The points to save and the rows whose text is not a valid score (their saved value is kept)."""
        assert self.task is not None
        points: dict[int, int | None] = {}
        bad = []
        for row in self.rows:
            read = self.read(row)
            if read.error:
                bad.append(row)
                points[row.criterion.id] = self.task.points.get(row.criterion.id)
            else:
                points[row.criterion.id] = read.value
        return points, bad

    def save_draft(self) -> bool:
        """Saves the shown proposal as a draft when something changed; False when the service refused."""
        task = self.task
        if task is None or task.locked or self.session is None:
            return True
        points, bad = self._entered()
        comment = self.comment.toPlainText().strip()
        saved = {k: v for k, v in points.items() if v is not None}
        if saved == dict(task.points) and comment == task.comment:
            return True
        if not self._write(task, points, comment, submit=False):
            return False
        self._replace(task, status=task.status or SheetStatus.OPEN, points=saved, comment=comment)
        if bad:
            self.status.setText(translate(
                "JudgeMode", "Draft of {number} saved; the invalid score for “{criterion}” was not saved.").format(
                number=task.intake_number, criterion=bad[0].criterion.name))
        else:
            self.status.setText(translate("JudgeMode", "Draft of {number} saved.").format(number=task.intake_number))
        return True

    def submit(self) -> None:
        task = self.task
        if task is None or task.locked or self.session is None:
            return
        problem = self._first_problem()
        if problem is not None:
            self.status.setText(translate("JudgeMode", "Give every criterion a valid score before submitting."))
            self._focus_edit(problem.edit)
            return
        points, _bad = self._entered()
        answer = QMessageBox.question(
            self, translate("JudgeMode", "Submit scores"),
            translate("JudgeMode", "Submit your scores for “{title}” ({total} points)? After submitting they are "
                                   "locked and cannot be changed.").format(
                title=task.title, total=judging.total_text(self.round.criteria, points)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        comment = self.comment.toPlainText().strip()
        if not self._write(task, points, comment, submit=True):
            return
        self._replace(task, status=SheetStatus.SUBMITTED, points={k: v for k, v in points.items() if v is not None},
                      comment=comment)
        self._show(self.current)
        self.status.setText(translate("JudgeMode", "Submitted {number}. Press PageDown for the next proposal.").format(
            number=task.intake_number))

    def _first_problem(self) -> CriterionRow | None:
        """Shows what stops submitting on each field; returns the first such field."""
        first = None
        for row in self.rows:
            read = self.read(row)
            error = read.error or ("" if read.value is not None else translate(
                "Errors", "“{criterion}” has no score yet.").format(criterion=row.criterion.name))
            row.show_error(error)
            if error and first is None:
                first = row
        return first

    def _write(self, task: Task, points: dict[int, int | None], comment: str, *, submit: bool) -> bool:
        assert self.session is not None
        try:
            judging.save_sheet(self.db, self.session, task.assignment_id, points, comment, submit=submit)
        except PspError as exc:
            # the sheet may have been reopened, withdrawn or frozen meanwhile: say so and show the current list
            self.status.setText(_message(exc))
            self.reload()
            return False
        return True

    def _replace(self, task: Task, **changes: object) -> None:
        index = self.tasks.index(task)
        self.tasks[index] = dataclasses.replace(task, **changes)  # type: ignore[arg-type]
        self._update_item(index)
        self._update_progress()

    def reload(self) -> None:
        """Reads the judge's assignments again (after a refusal: staff may have changed them)."""
        session = self.session
        if session is None:
            return
        keep = (self.round.round_id, self.task.assignment_id) if self.round and self.task else None
        run_task(lambda: judging.judge_rounds(self.db, session),
                 lambda rounds: self._reloaded(session, rounds, keep), self._reload_failed)

    def _reload_failed(self, exc: BaseException) -> None:
        if isValid(self):
            self.status.setText(_message(exc))

    def _reloaded(self, session: JudgeSession, rounds: list[JudgeRound], keep: tuple[int, int] | None) -> None:
        if isValid(self) and self.session == session:
            status = self.status.text()
            self._set_rounds(rounds, keep)
            self.status.setText(status)

    # --- list and progress

    def _update_item(self, index: int) -> None:
        task = self.tasks[index]
        item = self.list.item(index)
        if task.locked:
            state = translate("JudgeMode", "✔ Submitted")
        elif task.points or task.comment:
            state = translate("JudgeMode", "✎ Draft")
        else:
            state = translate("JudgeMode", "○ Not scored")
        item.setText(f"{task.intake_number}  {state}\n{_clip(task.title, 16)}")
        item.setToolTip(task.title)
        item.setForeground(QColor("#1b5e20" if task.locked else "#111111"))

    def _update_progress(self) -> None:
        done, total = sum(t.locked for t in self.tasks), len(self.tasks)
        self.progress_text.setText(translate("JudgeMode", "{done} / {total} done").format(done=done, total=total))
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


# --- the window --------------------------------------------------------------------------------------------------


def _is_laptop(db: Database) -> bool:
    from ..services import event_exchange

    return event_exchange.event_meta(db) is not None


class JudgeModeWindow(QWidget):
    """Sign-in, then scoring; closing asks first and saves the draft."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.db = db
        self.setObjectName("judgeMode")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(STYLE)
        self.setWindowTitle(translate("JudgeMode", "Judge mode — PSP Desktop"))
        self.sign_in = SignInScreen(db)
        self.scoring = ScoringScreen(db)
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.sign_in)
        self.stack.addWidget(self.scoring)
        self.sign_in.signed_in.connect(self._signed_in)
        self.sign_in.exit_requested.connect(self.close)
        self.scoring.signed_out.connect(self._signed_out)
        self.sign_in.load()
        run_task(lambda: _is_laptop(db), self.sign_in.show_results_export, lambda _exc: None)

    def _signed_in(self, session: JudgeSession, rounds: list[JudgeRound]) -> None:
        self.stack.setCurrentWidget(self.scoring)
        self.scoring.start(session, rounds)

    def _signed_out(self) -> None:
        self.stack.setCurrentWidget(self.sign_in)
        self.sign_in.load()

    def _ask_to_leave(self) -> bool:
        answer = QMessageBox.question(
            self, translate("JudgeMode", "Leave judge mode"),
            translate("JudgeMode", "Leave judge mode? Scores not yet submitted are kept as a draft."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._ask_to_leave():
            event.ignore()
            return
        self.scoring.save_draft()
        super().closeEvent(event)


def open_judge_mode(db: Database, parent: QWidget | None = None) -> JudgeModeWindow:
    """Opens judge mode full-screen (on the parent's screen when given) and returns the window; keep a reference."""
    window = JudgeModeWindow(db, parent)
    if parent is not None and parent.screen() is not None:
        window.setScreen(parent.screen())
        window.move(parent.screen().geometry().topLeft())
    window.showFullScreen()
    window.activateWindow()
    QTimer.singleShot(0, window.sign_in.judges.setFocus)
    return window
