"""Reading stored files without knowing where they are stored: the local disk (MEDIA_ROOT) or an S3 bucket."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files import File
from django.core.files.storage import Storage

BLOCK = 64 * 1024


class ObjectStream:
    """An S3 object's body, read in blocks as it arrives: nothing is held whole, in memory or on disk.

    FileResponse reads it to the end and closes it; ``size`` is the object's length, for Content-Length.
    """

    def __init__(self, body, size: int) -> None:
        self._body = body
        self.size = size

    def read(self, amount: int = -1) -> bytes:
        return self._body.read(None if amount is None or amount < 0 else amount)

    def seekable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return self._body.closed if hasattr(self._body, "closed") else False

    def close(self) -> None:
        self._body.close()

    def __enter__(self) -> ObjectStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _s3(storage: Storage):
    """``storage`` when it is django-storages' S3 backend (or built on it), else None."""
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # the package is only needed where RKT_STORAGE_URL is set
        return None
    return storage if isinstance(storage, S3Storage) else None


def open_stream(storage: Storage, name: str):
    """The stored file ``name`` opened to be read once, front to back, as a response sends it.

    From a bucket it is the object's body as it arrives (the backend's own ``open`` would first copy the whole
    object into a temporary file); from the disk it is the file itself. A missing object raises
    FileNotFoundError, as a missing local file does. Either way the result has ``read``, ``close`` and ``size``.
    """
    s3 = _s3(storage)
    if s3 is None:
        return storage.open(name, "rb")
    from botocore.exceptions import ClientError
    from storages.utils import clean_name, safe_join

    key = safe_join(s3.location, clean_name(name))
    try:
        answer = s3.connection.meta.client.get_object(Bucket=s3.bucket_name, Key=key)
    except ClientError as err:
        if err.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
            raise FileNotFoundError(f"No stored object {key!r} in bucket {s3.bucket_name!r}.") from None
        raise
    return ObjectStream(answer["Body"], answer["ContentLength"])


def blocks(storage: Storage, name: str) -> Iterator[bytes]:
    """The stored file ``name`` in blocks of at most 64 KB, streamed (FileNotFoundError when it is missing)."""
    with open_stream(storage, name) as handle:
        while block := handle.read(BLOCK):
            yield block


def fingerprint(storage: Storage, name: str) -> tuple[int, str]:
    """The size and SHA-256 (hex) of the stored file ``name``, read through once; FileNotFoundError when missing."""
    digest, size = hashlib.sha256(), 0
    for block in blocks(storage, name):
        digest.update(block)
        size += len(block)
    return size, digest.hexdigest()


class _Hashing:
    """A stream that adds up the size and SHA-256 of what is read through it, so a copy reads its source once."""

    def __init__(self, handle) -> None:
        self._handle = handle
        self._digest = hashlib.sha256()
        self.read_bytes = 0
        self.size = handle.size

    def read(self, amount: int = -1) -> bytes:
        block = self._handle.read(amount)
        self._digest.update(block)
        self.read_bytes += len(block)
        return block

    def seekable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return False

    def close(self) -> None:
        """Left to the copy, which closes the source itself."""

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


@dataclass(frozen=True)
class Copy:
    """What became of one file: ``copied``, ``present`` (already there, the same), ``missing`` at the source, or
    ``mismatch`` (the target holds other bytes under the name, or the copy read back differs)."""

    outcome: str
    name: str
    detail: str = ""


def copy_stored(source: Storage, target: Storage, name: str, *, dry_run: bool = False) -> Copy:
    """Copy the stored file ``name`` from ``source`` to ``target`` under the same name, and read the copy back.

    A file already at the target with the same size and SHA-256 is left alone; one with other bytes is never
    overwritten (a mismatch, for a person to settle). A copy that reads back different is removed again, so it is
    not taken for a good one next time. With ``dry_run`` nothing is written: a file to copy is reported ``copied``.
    """
    if not source.exists(name):
        return Copy("missing", name)
    if target.exists(name):
        return _compare(source, target, name)
    if dry_run:
        return Copy("copied", name)
    try:
        source_handle = open_stream(source, name)
    except FileNotFoundError:  # removed since it was looked for
        return Copy("missing", name)
    with source_handle:
        reader = _Hashing(source_handle)
        saved = target.save(name, File(reader, name=name))
    if saved != name:
        target.delete(saved)
        return Copy("mismatch", name, f"the target stored it as {saved!r}: the name was taken meanwhile")
    copied = (reader.read_bytes, reader.sha256)
    if fingerprint(target, name) != copied:
        target.delete(name)
        return Copy("mismatch", name, "the copy read back differs from the source; it was removed again")
    return Copy("copied", name)


def _compare(source: Storage, target: Storage, name: str) -> Copy:
    source_size, target_size = source.size(name), target.size(name)
    if source_size != target_size:
        return Copy("mismatch", name, f"already at the target with {target_size} bytes instead of {source_size}")
    if fingerprint(source, name) != fingerprint(target, name):
        return Copy("mismatch", name, "already at the target with the same size but other bytes (SHA-256)")
    return Copy("present", name)
