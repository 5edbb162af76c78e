"""Running a render in a child process with a CPU-time limit, a memory limit and a wall-clock timeout.

Layout engines can be made to work very long or to take much memory by what they are given (an SVG logo with
nested `<use>` references, say). Each render therefore runs in a process of its own, forked from a fork server
that has WeasyPrint and the fonts loaded already (see `warmup`), so that a render starts in milliseconds. The
child sets `resource.setrlimit` limits on itself; the parent waits at most the wall-clock time and kills it
after. Whatever happens, the caller gets the result or one error, `RenderingFailed`, never a dead worker.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import gettext as _

_REASONS = ("time", "memory", "failed")


class RenderingFailed(RuntimeError):
    """A document could not be rendered: it hit a limit ("time", "memory") or the renderer failed ("failed")."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason if reason in _REASONS else "failed"
        self.detail = detail
        super().__init__(f"{self.reason}: {detail}" if detail else self.reason)

    @property
    def message(self) -> str:
        """What to tell the person who asked for the document, in their language."""
        if self.reason == "time":
            return _(
                "Die PDF-Datei war zu aufwendig und wurde nach der erlaubten Zeit abgebrochen. "
                "Ein sehr verschachteltes Logo (SVG) kann der Grund sein; versuchen Sie es mit einem einfacheren "
                "Logo oder einer PNG-Datei."
            )
        if self.reason == "memory":
            return _(
                "Die PDF-Datei brauchte mehr Speicher als erlaubt und wurde abgebrochen. "
                "Ein sehr großes oder verschachteltes Logo kann der Grund sein; versuchen Sie es mit einem "
                "einfacheren Logo oder einer PNG-Datei."
            )
        return _("Die PDF-Datei konnte nicht erstellt werden. Bitte versuchen Sie es später noch einmal.")


@dataclass(frozen=True)
class Limits:
    """Bounds of one render (settings PDF_CPU_SECONDS, PDF_MEMORY_MB, PDF_TIMEOUT_SECONDS)."""

    cpu_seconds: int = 15
    memory_mb: int = 1024  # address space of the rendering process, WeasyPrint and fonts included (about 150 MB)
    timeout_seconds: float = 20.0

    @classmethod
    def from_settings(cls) -> Limits:
        if not has_app_context():
            return cls()
        config = current_app.config
        return cls(
            cpu_seconds=int(config.get("PDF_CPU_SECONDS") or cls.cpu_seconds),
            memory_mb=int(config.get("PDF_MEMORY_MB") or cls.memory_mb),
            timeout_seconds=float(config.get("PDF_TIMEOUT_SECONDS") or cls.timeout_seconds),
        )


_context = None
_context_lock = threading.Lock()


MAIN_PATH_VARIABLE = "TREFFPUNKT_RENDER_MAIN_PATH"
WARM_UP_VARIABLE = "TREFFPUNKT_RENDER_WARM_UP"
WARM_UP_MODULES: list[str] = []  # modules whose documents the fork server lays out once (rendering.warm_up_with)


def main_path() -> str | None:
    """The script multiprocessing asks every child to run again as its main module (gunicorn's, flask's); None
    when the program was started with -m, whose main module children leave alone."""
    main = sys.modules["__main__"]
    if getattr(main.__spec__, "name", None) is not None:
        return None
    path = getattr(main, "__file__", None)
    if path is None:
        return None
    if not os.path.isabs(path) and multiprocessing.process.ORIGINAL_DIR is not None:
        path = os.path.join(multiprocessing.process.ORIGINAL_DIR, path)
    return os.path.normpath(path)


def _fork_server():
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["events.documents.warmup"])
            # The fork server inherits the environment: warmup marks the main script as run already, so that no
            # child runs it again for every render (Python 3.11 does not preload it, whatever the preload list).
            path = main_path()
            if path:
                os.environ[MAIN_PATH_VARIABLE] = path
            os.environ[WARM_UP_VARIABLE] = ",".join(WARM_UP_MODULES)
            _context = context
    return _context


def start_fork_server() -> None:
    """Start the fork server now (it loads and warms up in the background); otherwise the first render starts it
    and waits for it. Safe to call more than once and from several threads."""
    from multiprocessing import forkserver

    _fork_server()
    forkserver.ensure_running()


def apply_limits(limits: Limits) -> None:
    """In the child: at the CPU limit SIGXCPU ends it (SIGKILL a second later); beyond the memory limit every
    allocation fails."""
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _exit_with_parent() -> None:
    """Stop when the fork server is gone, that is when the process that asked for the render has ended."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _child(sending, limits: Limits, function: Callable, args: tuple) -> None:
    _exit_with_parent()  # before the limits: a thread needs address space for its stack, which they may not leave
    apply_limits(limits)
    try:
        answer = ("ok", function(*args))
    except MemoryError:
        answer = ("memory", "")
    except Exception as error:  # noqa: BLE001 - told to the parent, which raises RenderingFailed
        answer = ("failed", f"{type(error).__name__}: {error}"[:300])
    try:
        sending.send(answer)
    except MemoryError:
        sending.send(("memory", ""))


def _reason_of_exit(exitcode: int | None) -> str:
    if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        return "time"  # the CPU limit (or, rarely, the kernel's out-of-memory killer)
    return "failed"


def run_bounded(function: Callable, *args, limits: Limits | None = None):
    """`function(*args)` in a child process within the limits; its result, or RenderingFailed.

    `function` and the arguments must be picklable (a module-level function and plain values).
    """
    limits = limits or Limits.from_settings()
    context = _fork_server()
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sending, limits, function, args))
    process.start()
    sending.close()
    try:
        if not receiving.poll(limits.timeout_seconds):
            raise RenderingFailed("time", f"no result after {limits.timeout_seconds:g} s")
        try:
            status, payload = receiving.recv()
        except (EOFError, OSError):
            process.join(2)
            raise RenderingFailed(_reason_of_exit(process.exitcode), f"exit code {process.exitcode}") from None
    finally:
        receiving.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status != "ok":
        raise RenderingFailed(status, payload)
    return payload
