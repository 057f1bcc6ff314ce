"""Every model module, imported together so Alembic and the app see all tables."""
from app.audit import AuditHead, AuditLog  # noqa: F401
from app.campaigns.models import Campaign, Phase  # noqa: F401
from app.checklists.models import (  # noqa: F401
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    ChecklistTemplateUnit,
    SelfInspection,
    SelfInspectionAnswer,
    SelfInspectionEvent,
)
from app.commendations.models import Commendation  # noqa: F401
from app.commitments.models import LetterTemplate, Signature  # noqa: F401
from app.ledger.models import (  # noqa: F401
    Dispatch,
    DispatchTarget,
    Evidence,
    ExtensionRequest,
    LedgerCounter,
    LedgerEvent,
    LedgerItem,
)
from app.org.models import Unit, User, portfolio  # noqa: F401
from app.regulations.models import Regulation, regulation_ledger_item  # noqa: F401
from app.study.models import (  # noqa: F401
    Attendance,
    Reading,
    ReadingAck,
    Reflection,
    SessionFile,
    SessionSpeaker,
    StudySession,
    StudySessionUnit,
)
