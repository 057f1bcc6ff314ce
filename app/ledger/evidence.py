"""佐证材料: checking, storing and serving evidence files.

A file is accepted only when its extension is on the list AND its first bytes are what that kind
of file starts with (an HTML page renamed to .pdf is refused); Office files are also opened as
zip archives and refused if they would unpack to far more than they weigh (zip bombs). Files are
stored outside static/ under random names and served only through an authorised view.

Other areas reuse the checks and the storage for their own files (a narrower list of kinds, a
folder of their own under UPLOAD_DIR): e.g. the register of rules keeps its documents in "rules".
"""
import hashlib
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, send_file
from werkzeug.datastructures import FileStorage

from app.ledger.models import Evidence

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
ZIP_MAX_UNPACKED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
# extension → (content type, accepted leading bytes)
KINDS = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "doc": ("application/msword", (OLE2,)),
    "xls": ("application/vnd.ms-excel", (OLE2,)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
}
ALLOWED_LABEL = "PDF、JPG、PNG、Word（doc/docx）、Excel（xls/xlsx）"


class EvidenceRefused(Exception):
    """An upload refused, with the Chinese reason."""


@dataclass
class CheckedFile:
    original_name: str
    content_type: str
    data: bytes


def _clean_name(filename: str) -> str:
    """The name as shown to people: no folders (path traversal), no control characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:200] or "附件"


def check(upload: FileStorage, allowed: tuple[str, ...] | None = None, allowed_label: str = ALLOWED_LABEL) -> CheckedFile:
    """The upload read and checked; `allowed` narrows KINDS to some extensions (named by allowed_label)."""
    name = _clean_name(upload.filename or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in KINDS or (allowed is not None and extension not in allowed):
        raise EvidenceRefused(f"「{name}」的文件类型不允许上传。允许的类型：{allowed_label}。")
    data = upload.stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise EvidenceRefused(f"「{name}」超过 {MAX_FILE_BYTES // 1024 // 1024} MB，请压缩后上传。")
    if not data:
        raise EvidenceRefused(f"「{name}」是空文件。")
    content_type, magics = KINDS[extension]
    if not data.startswith(magics):
        raise EvidenceRefused(f"「{name}」的内容与扩展名不符（不是真正的 {extension.upper()} 文件），已拒绝。")
    if magics == (ZIP,):
        _check_office_zip(name, data)
    return CheckedFile(name, content_type, data)


def _check_office_zip(name: str, data: bytes) -> None:
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
    except zipfile.BadZipFile:
        raise EvidenceRefused(f"「{name}」文件已损坏，无法打开。") from None
    if "[Content_Types].xml" not in names:
        raise EvidenceRefused(f"「{name}」不是有效的 Office 文档。")
    unpacked = sum(member.file_size for member in members)
    worst = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if unpacked > ZIP_MAX_UNPACKED or worst > ZIP_MAX_RATIO:
        raise EvidenceRefused(f"「{name}」解压后异常巨大（疑似压缩炸弹），已拒绝。")


def send_stored(path: Path, content_type: str, name: str):
    """A stored upload as an attachment, under its name as shown to people: a name kept from before
    (or written by hand into the database) with a line break would otherwise break the header."""
    return send_file(path, mimetype=content_type, as_attachment=True, download_name=_clean_name(name))


def evidence_dir(folder: str = "evidence") -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / folder


def stored_path(stored_name: str, folder: str = "evidence") -> Path:
    return evidence_dir(folder) / stored_name[:2] / stored_name


def save(checked: CheckedFile, folder: str = "evidence") -> tuple[str, str]:
    """Write the file under a random name in UPLOAD_DIR/<folder>; returns (stored name, sha256)."""
    stored_name = secrets.token_hex(16)
    path = stored_path(stored_name, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as out:  # "x": never overwrite
        out.write(checked.data)
    return stored_name, hashlib.sha256(checked.data).hexdigest()


def remove(stored_name: str, folder: str = "evidence") -> None:
    """Remove a stored file whose database record was rolled back."""
    try:
        os.remove(stored_path(stored_name, folder))
    except OSError:
        pass


def store(checked: CheckedFile, item, event, uploader) -> Evidence:
    """Write the file under a random name and return its (unsaved) record."""
    stored_name, sha256 = save(checked)
    return Evidence(
        item=item, event=event, original_name=checked.original_name, stored_name=stored_name,
        content_type=checked.content_type, size=len(checked.data), sha256=sha256, uploaded_by_id=uploader.id,
    )


def path_of(evidence: Evidence) -> Path:
    return stored_path(evidence.stored_name)


def discard(records) -> None:
    """Remove stored files whose database records were rolled back."""
    for record in records:
        remove(record.stored_name)
