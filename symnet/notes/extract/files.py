"""Which files are notes, and reading them safely: regular files only, a size cap, known encodings.

A note named on the command line must be a regular file (a device such as ``/dev/zero`` or a FIFO is refused
before anything is read: a FIFO is opened without blocking). Directory walks take ``.md``, ``.markdown``,
``.txt`` and ``.ipynb`` files, skip hidden directories, never follow a symlinked directory, and follow a
symlinked file only when its target lies inside the tree walked. Text is UTF-8 (a byte-order mark is
dropped), or UTF-16/UTF-32 with a byte-order mark; anything else is refused with the place of the first
bad byte rather than decoded to garbage.

>>> decode(b"\\xef\\xbb\\xbf$x$"), decode("$x$".encode("utf-16"))
('$x$', '$x$')
"""
from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from ...errors import SymnetError

SUFFIXES = (".md", ".markdown", ".txt", ".ipynb")
MAX_BYTES = 10 * 1024 * 1024   # a note larger than 10 MB is refused (a log or a dataset, not notes)

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


class NoteFileError(SymnetError):
    """A note that cannot be read: not a regular file, too large, or in an encoding we do not read."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def decode(data: bytes, name: str = "note") -> str:
    """The text of a note's bytes: UTF-8 (BOM dropped), or UTF-16/32 with a BOM; else :class:`NoteFileError`."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise NoteFileError(f"{name}: starts with a {encoding.upper()} byte-order mark but is not "
                                    f"{encoding.upper()} (bad bytes at byte {exc.start + len(bom)})") from None
    if _utf16_without_bom(data):
        raise NoteFileError(f"{name}: looks like UTF-16 without a byte-order mark (NUL in every other byte); "
                            "save it as UTF-8") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        raise NoteFileError(f"{name}:{line}:{column}: not UTF-8 (byte 0x{data[exc.start]:02x}; perhaps Latin-1 "
                            "or another legacy encoding); save it as UTF-8") from None


def _utf16_without_bom(data: bytes) -> bool:
    """UTF-16 text without a BOM: in its first 4 KB, most even or most odd bytes are NUL (ASCII in UTF-16)."""
    head = data[:4096]
    if len(head) < 4:
        return False
    half = len(head) // 2
    return head[0::2].count(0) > 0.6 * half or head[1::2].count(0) > 0.6 * half


def read_note(path: str | Path, max_bytes: int = MAX_BYTES) -> str:
    """The text of one note file, refusing what is not a regular file, too large, or not decodable."""
    name = str(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise NoteFileError(f"{name}: cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NoteFileError(f"{name}: {_kind(info.st_mode)}, not a regular file; symnet reads only note files")
        if info.st_size > max_bytes:
            raise NoteFileError(f"{name}: {info.st_size:,} bytes, over the {max_bytes:,}-byte limit for a note")
        data = handle.read(max_bytes + 1)   # the size may change while reading (or be 0, as in /proc)
    if len(data) > max_bytes:
        raise NoteFileError(f"{name}: over the {max_bytes:,}-byte limit for a note")
    return decode(data, name)


def _inside(target: Path, root: Path) -> bool:
    try:
        target.relative_to(root)
        return True
    except ValueError:
        return False


def walk_notes(root: Path) -> list[Path]:
    """The note files under a directory, sorted; the walk never leaves the tree through a symlink."""
    real_root = root.resolve()
    found = []
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        for name in files:
            if not name.lower().endswith(SUFFIXES):
                continue
            path = Path(directory, name)
            try:
                if path.is_symlink() and not _inside(path.resolve(strict=True), real_root):
                    continue   # a link out of the tree: not followed
                if not stat.S_ISREG(path.stat().st_mode):
                    continue   # FIFOs, devices and dangling links in a tree are not notes
            except (OSError, RuntimeError):
                continue
            found.append(path)
    return sorted(found)


def note_files(paths) -> list[Path]:
    """The note files named, directories walked; an explicit path that is missing or not a regular file is
    refused (:class:`NoteFileError`, exit 2) before anything is checked."""
    out: list[Path] = []
    for p in map(Path, paths):
        try:
            mode = p.stat().st_mode
        except FileNotFoundError:
            raise NoteFileError(f"{p}: no such file or directory") from None
        except OSError as exc:
            raise NoteFileError(f"{p}: cannot read: {exc.strerror or exc}") from None
        if stat.S_ISDIR(mode):
            out += walk_notes(p)
        elif stat.S_ISREG(mode):
            out.append(p)
        else:
            raise NoteFileError(f"{p}: {_kind(mode)}, not a regular file; symnet reads only note files")
    return out
