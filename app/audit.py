"""The append-only, hash-chained audit log of every change to an official record.

Each row carries an HMAC (keyed by AUDIT_KEY) over its own fields and the previous row's hash, so
editing, deleting or reordering rows breaks the chain at a point `verify()` can name. Database
triggers (see the migrations) refuse UPDATE, DELETE and TRUNCATE on the table. The single
`audit_head` row records the tip of the chain; taking its row lock serialises writers, so two
transactions can never both extend the chain from the same row, and it lets verify() notice rows
cut off the end.
"""
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_request_context
from flask_login import current_user
from sqlalchemy import ForeignKey, Integer, String, Text, inspect, select
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, utcnow
from app.extensions import client_address, db

GENESIS = "0" * 64
HEAD_KEY = "audit_head"  # in Session.info: the head this transaction has locked
SIGNED_FIELDS = (
    "seq", "occurred_at", "actor_id", "actor_username", "actor_role", "actor_unit_id", "action",
    "object_type", "object_id", "summary", "details", "address", "prev_hash",
)


def _payload(row) -> bytes:
    """The canonical bytes the HMAC covers, from an AuditLog or a plain result row."""
    values = [getattr(row, name) for name in SIGNED_FIELDS]
    values[1] = row.occurred_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    actor_username: Mapped[str] = mapped_column(String(40), default="")
    actor_role: Mapped[str] = mapped_column(String(20), default="")
    actor_unit_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(40), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="{}")
    address: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    @property
    def details_dict(self) -> dict:
        return json.loads(self.details or "{}")


class AuditHead(db.Model):
    """The tip of the chain: one row, id 1."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def _sign(payload: bytes, key: str | None = None) -> str:
    key = key if key is not None else current_app.config["AUDIT_KEY"]
    return hmac.new(key.encode("utf-8"), payload, hashlib.sha256).hexdigest()


def _keys_in_order() -> list[str]:
    """Every AUDIT_KEY the chain has been signed with: the retired ones, oldest first, then the current."""
    return [*current_app.config.get("AUDIT_KEYS_RETIRED", []), current_app.config["AUDIT_KEY"]]


def record(action: str, obj=None, summary: str = "", actor=None, **details) -> AuditLog:
    """Append one row to the audit log in the caller's transaction (the caller commits).

    `obj` is the record changed (its class name and id are stored); `actor` defaults to the
    logged-in user. Details must be JSON-serialisable.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    head = _locked_head()
    row = AuditLog(
        seq=head.last_seq + 1,
        occurred_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_username=actor.username if actor is not None else "",
        actor_role=actor.role if actor is not None else "",
        actor_unit_id=actor.unit_id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.id) if obj is not None and obj.id is not None else "",
        summary=summary,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
        address=client_address() if has_request_context() else "cli",
        prev_hash=head.last_hash,
    )
    row.hash = _sign(_payload(row))
    head.last_seq = row.seq
    head.last_hash = row.hash
    db.session.add(row)
    return row


def _locked_head() -> AuditHead:
    """The chain's tip, locked for this transaction. Read (and locked) once per transaction: after
    the first record the session's copy is the truth until the commit or rollback expires it, so
    an import writing 2,000 rows does not read the head 2,000 times."""
    session = db.session()
    head = session.info.get(HEAD_KEY)
    if head is not None and head in session and "last_seq" not in inspect(head).unloaded:
        return head
    head = session.scalar(select(AuditHead).where(AuditHead.id == 1).with_for_update())
    if head is None:
        head = AuditHead(id=1, last_seq=0, last_hash=GENESIS)
        session.add(head)
    session.info[HEAD_KEY] = head
    return head


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    reason: str = ""
    last_hash: str = ""  # the chain's tip (an HMAC-SHA256, 64 hex digits), to note down and compare later


def verify(batch_size: int = 2000) -> VerifyResult:
    """Recompute the chain from the first row; name the first row that does not fit.

    After a key rotation the chain holds eras: rows signed with the oldest key, then with the
    next, up to the current one. A row may be signed with its era's key or a later one (which
    starts the later era), never with an earlier one: whoever still holds a retired key can alter
    nothing written since it was retired.
    """
    keys = _keys_in_order()
    era = 0
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    last_id = 0
    while True:
        # Plain rows, not ORM objects: nothing piles up in the session on a long log.
        table = AuditLog.__table__
        rows = db.session.execute(
            select(table).where(table.c.seq >= expected_seq).order_by(table.c.seq).limit(batch_size)
        ).all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                return VerifyResult(False, checked, expected_seq, f"缺少第 {expected_seq} 条记录（已被删除）")
            if row.id <= last_id:
                return VerifyResult(False, checked, row.seq, f"第 {row.seq} 条记录的顺序被调换")
            if row.prev_hash != expected_prev:
                return VerifyResult(False, checked, row.seq, f"第 {row.seq} 条记录与上一条记录的链接不符")
            payload = _payload(row)
            signed_with = next((index for index in range(era, len(keys))
                                if hmac.compare_digest(row.hash, _sign(payload, keys[index]))), None)
            if signed_with is None:
                return VerifyResult(False, checked, row.seq, f"第 {row.seq} 条记录的内容被篡改")
            era = signed_with
            expected_prev = row.hash
            expected_seq += 1
            last_id = row.id
            checked += 1
    head = db.session.get(AuditHead, 1)
    head_seq = head.last_seq if head else 0
    if head_seq != checked:
        return VerifyResult(False, checked, checked + 1, f"链尾缺少记录：应有 {head_seq} 条，实有 {checked} 条")
    if head is not None and head.last_hash != expected_prev:
        return VerifyResult(False, checked, checked, "链尾哈希与记录不符")
    return VerifyResult(True, checked, last_hash=expected_prev)


# -- What the log page shows ----------------------------------------------------------------------
# The Chinese name of every action the app records (tests/admin/test_audit_log.py finds each
# audit.record call of app/ and fails on a code missing here).
ACTION_LABELS = {
    "auth.login": "登录", "auth.logout": "退出登录", "auth.password_changed": "修改密码",
    "unit.created": "新建单位", "unit.updated": "修改单位", "unit.deactivated": "停用单位",
    "user.created": "新建用户", "user.updated": "修改用户", "user.deactivated": "停用用户",
    "org.imported": "批量导入单位和人员",
    "campaign.created": "新建专项行动", "campaign.updated": "修改专项行动", "campaign.made_current": "设为当前专项行动",
    "checklist.template_created": "新建自查清单", "checklist.template_edited": "修改自查清单",
    "checklist.template_published": "发布自查清单", "checklist.template_revised": "修订自查清单",
    "checklist.template_deleted": "删除自查清单", "checklist.submitted": "提交自查表",
    "checklist.passed": "自查表审核通过", "checklist.returned": "退回自查表", "checklist.moved": "自查表转入新单位",
    "letter.template_created": "新建承诺书", "letter.template_edited": "修改承诺书", "letter.published": "发布承诺书",
    "letter.revised": "修订承诺书", "letter.draft_discarded": "删除承诺书草稿", "letter.signed": "签署承诺书",
    "ledger.created": "登记问题", "ledger.edited": "修改问题", "ledger.progress": "情况反馈",
    "ledger.submitted": "提交整改完成", "ledger.first_review_passed": "初审通过", "ledger.returned": "退回问题",
    "ledger.signed_off": "销号", "ledger.closed_immediately": "立行立改销号", "ledger.reopened": "重新打开问题",
    "ledger.extension_requested": "申请延期", "ledger.extension_approved": "同意延期",
    "ledger.extension_refused": "不同意延期", "ledger.supervised": "督办批示",
    "ledger.handling_recorded": "记录查处情况", "ledger.evidence_uploaded": "上传佐证材料",
    "ledger.imported": "导入问题台账",
    "dispatch.created": "下发上级通报", "dispatch.answered": "答复上级通报", "dispatch.zero_report": "上级通报零报告",
    "dispatch.corrected": "更正上级通报", "dispatch.withdrawn": "撤回上级通报",
    "study.session_scheduled": "安排学习活动", "study.session_edited": "修改学习活动", "study.session_cancelled": "取消学习活动",
    "study.signed_in": "学习签到",
    "study.attendance_recorded": "登记出勤", "study.speaker_added": "添加交流发言人",
    "study.speaker_removed": "移除交流发言人", "study.file_attached": "上传学习材料", "study.file_removed": "删除学习材料",
    "study.reading_created": "新增书录或资料", "study.reading_edited": "修改书录或资料", "study.reading_read": "阅读书录或资料",
    "study.reflection_drafted": "保存学习心得草稿", "study.reflection_saved": "保存学习心得",
    "study.reflection_submitted": "提交学习心得", "study.reflection_resubmitted": "重新提交学习心得",
    "study.reflection_passed": "学习心得合格", "study.reflection_returned": "退回学习心得",
    "regulation.created": "新建制度", "regulation.edited": "修改制度", "regulation.issued": "印发制度",
    "regulation.reviewed": "复审制度", "regulation.abolished": "废止制度", "regulation.linked": "关联问题",
    "regulation.unlinked": "取消关联问题", "regulation.document_uploaded": "上传制度文件",
    "commendation.created": "新增表彰", "commendation.edited": "修改表彰", "commendation.deleted": "删除表彰",
    "demo.seeded": "生成演示数据", "demo.ledger_seeded": "生成演示问题台账", "demo.checklists_seeded": "生成演示自查表",
    "demo.letters_seeded": "生成演示承诺书", "demo.regulations_seeded": "生成演示制度",
    "demo.commendations_seeded": "生成演示表彰", "demo.study_seeded": "生成演示学习教育",
}
# The areas of the app, for grouping the action list of the filter (the code's prefix).
ACTION_GROUPS = {
    "auth": "登录与密码", "unit": "单位", "user": "人员", "org": "单位", "campaign": "专项行动", "checklist": "自查表",
    "letter": "承诺书", "ledger": "问题台账", "dispatch": "上级通报", "study": "学习教育", "regulation": "制度建设",
    "commendation": "表彰", "demo": "演示数据",
}


def action_label(action: str) -> str:
    """The Chinese name of an action; a code recorded by an older release reads 其他操作."""
    return ACTION_LABELS.get(action, "其他操作")
