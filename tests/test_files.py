"""Reading notes: regular files only, a size cap, encodings detected or refused, walks that stay in the tree."""
import os
import threading

import pytest

from symnet.cli import main
from symnet.notes.extract import extract_formulas
from symnet.notes.extract.files import NoteFileError, decode, note_files, read_note, walk_notes

NOTE = "Intro line\n\n\tcode $n = 1 = 2$\n\nwith\ttab $a = 1 = 2$ here\n"


def where(text):
    formulas, _ = extract_formulas(text)
    return [(f.text, f.line, f.column) for f in formulas]


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                           ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_encodings_with_a_byte_order_mark_read_the_same(tmp_path, encoding, bom):
    path = tmp_path / "n.md"
    path.write_bytes(bom + NOTE.encode(encoding))
    text = read_note(path)
    assert text == NOTE
    # the BOM is not a column: 'a' is the 11th character of line 5 whatever the encoding
    assert where(text) == [("a = 1 = 2", 5, 11)]


def test_undecodable_notes_are_refused_not_garbled(tmp_path):
    latin = tmp_path / "latin.md"
    latin.write_bytes("line\ncafé $x$\n".encode("latin-1"))
    with pytest.raises(NoteFileError, match=r"latin.md:2:4: not UTF-8 \(byte 0xe9"):
        read_note(latin)
    utf16 = tmp_path / "nobom.md"
    utf16.write_bytes(NOTE.encode("utf-16-le"))
    with pytest.raises(NoteFileError, match="UTF-16 without a byte-order mark"):
        read_note(utf16)
    bad_bom = tmp_path / "bad.md"
    bad_bom.write_bytes(b"\xef\xbb\xbf\xff\xfe\xfa")
    with pytest.raises(NoteFileError, match="byte-order mark"):
        read_note(bad_bom)
    assert main(["verify", str(latin)]) == 2


def test_nul_bytes_keep_positions(tmp_path):
    path = tmp_path / "nul.md"
    path.write_bytes(b"a\0\0b $x = 1$\n\0\n$y$\n")
    assert where(read_note(path)) == [("x = 1", 1, 7), ("y", 3, 2)]


def test_devices_and_fifos_are_refused_without_blocking(tmp_path, capsys):
    with pytest.raises(NoteFileError, match="character device, not a regular file"):
        read_note("/dev/zero")
    assert main(["verify", "/dev/zero"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "/dev/zero: a character device" in err
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    # if the reader blocked on the FIFO, this thread would never finish
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(main(["verify", str(fifo)])), daemon=True)
    worker.start()
    worker.join(30)
    assert outcome == [2]
    assert "FIFO (named pipe), not a regular file" in capsys.readouterr().err
    with pytest.raises(NoteFileError, match="FIFO"):
        read_note(fifo)


def test_size_cap(tmp_path, capsys):
    big = tmp_path / "big.md"
    big.write_text("$x$\n" * 100)
    assert read_note(big, max_bytes=400) and pytest.raises(NoteFileError, read_note, big, max_bytes=399)
    with pytest.raises(NoteFileError, match="400 bytes, over the 399-byte limit"):
        read_note(big, max_bytes=399)


def test_walks_stay_inside_the_tree(tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.md"
    secret.write_text("SECRET $s = 1 = 2$\n")
    (outside / "more.md").write_text("$m$\n")
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / ".hidden").mkdir()
    (tree / "a.md").write_text("$a$\n")
    (tree / "sub" / "b.markdown").write_text("$b$\n")
    (tree / ".hidden" / "c.md").write_text("$c$\n")
    (tree / "inner_link.md").symlink_to(tree / "a.md")
    (tree / "link_out.md").symlink_to(secret)
    (tree / "dir_out").symlink_to(outside, target_is_directory=True)
    (tree / "loop").symlink_to(tree, target_is_directory=True)
    (tree / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    os.mkfifo(tree / "fifo.md")
    names = sorted(p.relative_to(tree).as_posix() for p in walk_notes(tree))
    assert names == ["a.md", "inner_link.md", "sub/b.markdown"]
    assert main(["verify", str(tree)]) == 0
    out = capsys.readouterr().out
    assert "SECRET" not in out and "secret" not in out and "more.md" not in out
    # a link named explicitly is the user's choice and is read
    assert [p.name for p in note_files([tree / "link_out.md"])] == ["link_out.md"]


def test_walks_find_notebooks(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("$x = 1$"))
    (tmp_path / "n.ipynb").write_text(nbformat.writes(nb))
    (tmp_path / "data.json").write_text("{}")
    assert [p.name for p in note_files([tmp_path])] == ["n.ipynb"]


def test_decode_is_exact():
    assert decode("é $x$".encode()) == "é $x$"
    assert decode(b"\xff\xfe\x00\x00" + "$y$".encode("utf-32-le")) == "$y$"
