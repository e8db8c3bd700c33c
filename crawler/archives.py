"""Read notice documents out of files, folders and archives (.zip, .tar, .tar.gz, .tar.bz2, .tar.xz, a single
gzipped .xml.gz or .json.gz, and archives inside archives) without unpacking to disk."""

from __future__ import annotations

import gzip
import io
import logging
import os
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from crawler.exceptions import ParseError

logger = logging.getLogger(__name__)

NOTICE_SUFFIXES = (".xml", ".json")
GZIPPED_SUFFIXES = (".xml.gz", ".json.gz")
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", *GZIPPED_SUFFIXES)
MAX_DEPTH = 2  # archives inside archives (a monthly package of daily packages), no deeper
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # larger than any notice; stops decompression bombs
MAX_MEMBERS = 200_000


def is_archive(name: str) -> bool:
    """Return whether a file name looks like an archive Kansenradar reads."""
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def is_notice_file(name: str) -> bool:
    """Return whether a file name looks like a notice document."""
    return name.lower().endswith(NOTICE_SUFFIXES)


Document = tuple[str, bytes | ParseError]


def _read_capped(handle: io.BufferedIOBase | object, name: str) -> bytes | ParseError:
    data = handle.read(MAX_MEMBER_BYTES + 1)  # type: ignore[attr-defined]
    if len(data) > MAX_MEMBER_BYTES:
        return ParseError(name, f"archive member larger than {MAX_MEMBER_BYTES // 2**20} MiB refused")
    return data


def iter_archive(data: bytes, *, name: str, depth: int = 1) -> Iterator[Document]:
    """Yield ``(member name, bytes or error)`` for each notice document inside an archive's bytes; members that are
    archives themselves are read too (``MAX_DEPTH``), and members that are neither are counted in a warning."""
    skipped: list[str] = []
    try:
        if name.lower().endswith(GZIPPED_SUFFIXES):
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
                yield name[: -len(".gz")], _read_capped(handle, name)
            return
        if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                for member in members[:MAX_MEMBERS]:
                    label = f"{name}/{member.filename}"
                    if not _wanted(member.filename, depth, skipped):
                        continue
                    try:
                        with archive.open(member) as handle:
                            yield from _member(label, _read_capped(handle, label), depth)
                    except (zipfile.BadZipFile, OSError, RuntimeError, zlib.error) as exc:
                        yield label, ParseError(label, f"cannot read archive member ({exc})")
            return
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            count = 0
            for member in archive:
                if not member.isfile() or not _wanted(member.name, depth, skipped):
                    continue
                count += 1
                if count > MAX_MEMBERS:
                    break
                label = f"{name}/{member.name}"
                handle = archive.extractfile(member)
                yield from _member(label, _read_capped(handle, label) if handle else ParseError(label, "unreadable"),
                                   depth)  # fmt: skip
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        yield name, ParseError(name, f"not a readable archive ({exc.__class__.__name__}: {exc})")
    finally:
        if skipped:
            logger.warning("%s: %d member(s) neither a notice (.xml, .json) nor an archive, left out (e.g. %s)",
                           name, len(skipped), ", ".join(skipped[:3]))  # fmt: skip


def _wanted(member: str, depth: int, skipped: list[str]) -> bool:
    if is_notice_file(member) or (is_archive(member) and depth < MAX_DEPTH):
        return True
    skipped.append(member)
    return False


def _member(label: str, data: bytes | ParseError, depth: int) -> Iterator[Document]:
    if isinstance(data, bytes) and is_archive(label) and not is_notice_file(label):
        yield from iter_archive(data, name=label, depth=depth + 1)
    else:
        yield label, data


def read_file(path: Path) -> bytes | ParseError:
    """Return a file's bytes, or a ``ParseError`` naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        return ParseError(str(path), exc.strerror or str(exc))


def files_in(path: Path) -> Iterator[Path]:
    """Yield the notice files and archives in a file or folder (recursively, in name order)."""
    if not path.is_dir():
        yield path
        return
    yield from _walk(path)


def _walk(folder: Path) -> Iterator[Path]:
    # os.scandir in name order, descending into each folder where its name sorts: the order of sorting the whole
    # tree's paths, without a stat and a Path comparison per file (a folder of 20 000 notices lists 4x faster).
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return  # an unreadable folder is passed over, as Path.rglob does
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif entry.is_file() and (is_notice_file(entry.name) or is_archive(entry.name)):
            yield Path(entry.path)


def iter_path(path: Path) -> Iterator[Document]:
    """Yield the notice documents in a file, an archive or a folder (recursively, in name order)."""
    for file in files_in(path):
        data = read_file(file)
        if isinstance(data, ParseError) or not is_archive(file.name):
            yield str(file), data
        else:
            yield from iter_archive(data, name=str(file))
