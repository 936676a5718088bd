"""Streams of a Compound File Binary (OLE2) container: the package of .doc and .wps files.

The container is a small FAT file system: fixed-size sectors, a FAT chaining them, a directory of
named streams, and a mini stream (64-byte sectors) holding the small streams. Only the top-level
streams are read, by name; a damaged file (chains that loop, run past the end or exceed the
declared sizes) is a `CorruptContainer`, never a hang or an unbounded read.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN, _FREE = 0xFFFFFFFE, 0xFFFFFFFF
_LAST_REGULAR = 0xFFFFFFFA  # sector numbers above this are markers, not sectors
_NO_STREAM = 0xFFFFFFFF
_STREAM, _ROOT = 2, 5
_HEADER_DIFAT = 109
# Largest stream read into memory: a report's WordDocument stream is a few MB.
MAX_STREAM_BYTES = 64 * 1024 * 1024


class CorruptContainer(Exception):
    """The bytes are not a readable compound file; the message says what is wrong."""


class Container:
    """The top-level streams of a compound file, read on demand."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(SIGNATURE) or len(data) < 512:
            raise CorruptContainer("no compound file header")
        self._data = data
        sector_shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if sector_shift not in (9, 12) or mini_shift != 6:
            raise CorruptContainer(f"sector sizes 2^{sector_shift}/2^{mini_shift} are not a compound file's")
        self._size = 1 << sector_shift
        (n_fat, first_directory, _transaction, self._cutoff, first_mini_fat, n_mini_fat, first_difat,
         n_difat) = struct.unpack_from("<IIIIIIII", data, 0x2C)
        self._sectors = max((len(data) - self._size) // self._size, 0)
        self._fat = self._read_fat(n_fat, first_difat, n_difat)
        directory = self._chain_bytes(first_directory, self._fat, self._size, self._sector)
        entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
        if not entries or entries[0][0x42] != _ROOT:
            raise CorruptContainer("the directory has no root entry")
        self._entries = entries
        root = entries[0]
        self._mini_stream = self._chain_bytes(struct.unpack_from("<I", root, 0x74)[0], self._fat, self._size,
                                              self._sector, _size_of(root))
        mini_fat_bytes = self._chain_bytes(first_mini_fat, self._fat, self._size, self._sector) if n_mini_fat else b""
        self._mini_fat = list(struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes[: len(mini_fat_bytes) // 4 * 4]))
        self.streams = self._top_level_streams()

    def read(self, name: str) -> bytes | None:
        """A top-level stream's bytes, None when the container has no stream of that name."""
        entry = self.streams.get(name)
        if entry is None:
            return None
        start, size = struct.unpack_from("<I", entry, 0x74)[0], _size_of(entry)
        if size > MAX_STREAM_BYTES:
            raise CorruptContainer(f"the stream {name} declares {size:,} bytes, over the {MAX_STREAM_BYTES:,}-byte limit")
        if size < self._cutoff:
            return self._chain_bytes(start, self._mini_fat, 64, self._mini_sector, size)
        return self._chain_bytes(start, self._fat, self._size, self._sector, size)

    def _sector(self, number: int) -> bytes:
        if number >= self._sectors:
            raise CorruptContainer(f"sector {number} lies past the end of the file")
        offset = (number + 1) * self._size
        return self._data[offset : offset + self._size]

    def _mini_sector(self, number: int) -> bytes:
        offset = number * 64
        if offset + 64 > len(self._mini_stream):
            raise CorruptContainer(f"mini sector {number} lies past the end of the mini stream")
        return self._mini_stream[offset : offset + 64]

    def _read_fat(self, n_fat: int, first_difat: int, n_difat: int) -> list[int]:
        """The FAT, from the sector numbers the header and the DIFAT chain list."""
        per_sector = self._size // 4
        locations = list(struct.unpack_from(f"<{_HEADER_DIFAT}I", self._data, 0x4C))
        sector, seen = first_difat, set()
        while sector <= _LAST_REGULAR and len(seen) < n_difat:
            if sector in seen:
                raise CorruptContainer("the DIFAT chain loops")
            seen.add(sector)
            values = struct.unpack(f"<{per_sector}I", self._sector(sector))
            locations += values[:-1]
            sector = values[-1]
        locations = [number for number in locations[:n_fat] if number <= _LAST_REGULAR]
        if not locations or len(locations) > self._sectors:
            raise CorruptContainer("the FAT sector list is empty or longer than the file")
        fat_bytes = b"".join(self._sector(number) for number in locations)
        return list(struct.unpack(f"<{len(fat_bytes) // 4}I", fat_bytes))

    def _chain_bytes(self, start: int, fat: list[int], size: int, read: Callable[[int], bytes],
                     length: int | None = None) -> bytes:
        """The bytes of the chain from `start`, cut to `length`; a loop or a chain shorter than
        `length` is corruption. (A chain can visit each sector once, so its length is bounded.)"""
        parts: list[bytes] = []
        seen: set[int] = set()
        wanted = None if length is None else -(-length // size)
        number = start
        while number <= _LAST_REGULAR and (wanted is None or len(parts) < wanted):
            if number in seen or number >= len(fat):
                raise CorruptContainer("a sector chain loops or leaves the allocation table")
            seen.add(number)
            parts.append(read(number))
            number = fat[number]
        out = b"".join(parts)
        if length is not None:
            if len(out) < length:
                raise CorruptContainer(f"a stream of {length:,} bytes ends after {len(out):,}")
            out = out[:length]
        return out

    def _top_level_streams(self) -> dict[str, bytes]:
        """Directory entries of the root's children by name. Embedded objects keep streams of the
        same names (WordDocument) in storages below; those are not the document's."""
        found: dict[str, bytes] = {}
        pending = [struct.unpack_from("<I", self._entries[0], 0x4C)[0]]
        seen: set[int] = set()
        while pending:
            index = pending.pop()
            if index == _NO_STREAM or index in seen or index >= len(self._entries):
                continue
            seen.add(index)
            entry = self._entries[index]
            left, right = struct.unpack_from("<II", entry, 0x44)
            pending += (left, right)
            if entry[0x42] == _STREAM:
                name_length = min(struct.unpack_from("<H", entry, 0x40)[0], 64)
                name = entry[: max(name_length - 2, 0)].decode("utf-16-le", "replace")
                found.setdefault(name, entry)
        return found


def _size_of(entry: bytes) -> int:
    """A directory entry's stream size (version-3 files leave the high half undefined)."""
    low, high = struct.unpack_from("<II", entry, 0x78)
    return low if high in (0, _FREE) else (high << 32) | low
