"""The window started as ``python main.py …`` starts it, in this process, watched: one JSON line on
stdout when the main window's first frame is painted ("frame") and one when 首页 is first painted,
the store's data on it ("ready"), each with time.time(), process_time(), the modules loaded and
what the window shows; then the program is quit and exits with main.py's code.
Message boxes and dialogs are answered instead of waiting on a person, and said on stdout ("box",
"dialog"): a question by --answer, a dialog rejected.

    python tests/window_probe.py [--answer yes|no] -- [main.py's arguments]
    python tests/window_probe.py --bare | --floor

--bare and --floor are tests/bench_startup.py's references, timed the same way: a bare
QMainWindow, and the same after loading SQLAlchemy and every table (``import models.tables``).
Run as a fresh process by tests/test_start_up.py and tests/bench_startup.py.
"""
import gc

gc.disable()  # as main.py does when run as a program (models.collector)

import argparse  # noqa: E402
import json  # noqa: E402
import runpy  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # as for main.py run from its folder

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow, QMessageBox  # noqa: E402


def say(event: str, **facts) -> None:
    print(json.dumps({"event": event, **facts}, ensure_ascii=False), flush=True)


def shown(window: QMainWindow) -> dict:
    """What the window shows: its title, the page shown (its name, its text or its labels' texts),
    the menus and their actions, enabled or not."""
    stack = getattr(window, "stack", None)
    page = stack.currentWidget() if stack is not None else None
    menus = {action.text(): action.isEnabled() for action in window.menuBar().actions()}
    actions = {action.text(): action.isEnabled() for menu in window.menuBar().actions() if menu.menu()
               for action in menu.menu().actions()}
    texts = [label.text() for label in page.findChildren(QLabel)] if page else []
    return {"title": window.windowTitle(), "page": page.objectName() if page else "",
            "text": page.text() if isinstance(page, QLabel) else "", "texts": texts, "menus": menus,
            "actions": actions, "visible": window.isVisible()}


class Probe(QObject):
    """Watches every paint of the application: the first of a main window, the first of 首页."""

    def __init__(self, quit_at: str) -> None:
        super().__init__()
        self.quit_at = quit_at  # "frame" or "ready": the event after which the program is quit
        self.frame = self.ready = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            # Said from the event loop right after this paint, as a person sees it: once it is drawn.
            if not self.frame and isinstance(watched, QMainWindow):
                self.frame = True
                QTimer.singleShot(0, lambda: self._say("frame", watched))
            if not self.ready and watched.objectName() == "page_home":
                self.ready = True
                QTimer.singleShot(0, lambda: self._say("ready", watched.window()))
        return False

    def _say(self, event: str, window: QMainWindow) -> None:
        say(event, time=time.time(), cpu=time.process_time(), modules=sorted(sys.modules), **shown(window))
        if event == self.quit_at:
            QApplication.quit()


def answer_boxes(answer: str) -> None:
    def box(kind: str, result):
        def shown_box(parent, title, text, *rest, **options):
            say("box", kind=kind, title=title, text=text, parent=type(parent).__name__)
            return result
        return staticmethod(shown_box)

    yes_no = QMessageBox.StandardButton.Yes if answer == "yes" else QMessageBox.StandardButton.No
    QMessageBox.question = box("question", yes_no)
    for kind in ("critical", "warning", "information"):
        setattr(QMessageBox, kind, box(kind, QMessageBox.StandardButton.Ok))

    def dialog_exec(self) -> int:
        say("dialog", kind=type(self).__name__, parent=type(self.parentWidget()).__name__)
        return QDialog.DialogCode.Rejected

    QDialog.exec = dialog_exec


def bare(floor: bool) -> None:
    if floor:
        import models.tables  # noqa: F401  (SQLAlchemy and every table's declaration)
    app = QApplication(sys.argv[:1])
    probe = Probe(quit_at="frame")  # a bare window has no 首页
    app.installEventFilter(probe)
    window = QMainWindow()
    window.resize(1280, 760)
    window.show()
    app.exec()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answer", choices=("yes", "no"), default="yes")
    parser.add_argument("--bare", action="store_true")
    parser.add_argument("--floor", action="store_true")
    parser.add_argument("main_args", nargs="*")
    args = parser.parse_args()
    if args.bare or args.floor:
        return bare(args.floor)
    import ui.app

    probe = Probe(quit_at="ready")
    create_application = ui.app.create_application

    def watched_application(*a, **k):
        app = create_application(*a, **k)
        app.installEventFilter(probe)
        return app

    ui.app.create_application = watched_application
    answer_boxes(args.answer)
    sys.argv = [str(ROOT / "main.py"), *args.main_args]
    runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
