"""Dashboard sign-ins, kept server-side so signing out really ends one.

A signed cookie alone cannot be taken back: a copy of it keeps working until it
expires. Here the cookie carries only a random session id; this table holds the
sha256 of that id (a read of the table yields no usable cookie), which credential
signed in (``token:<id>`` or ``bootstrap:<fingerprint>``, see
:mod:`app.dashboard.auth`) and when the sign-in expires. Signing out deletes the
row, and with it every copy of the cookie.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, UTCDateTime, utcnow


class DashboardSession(Base):
    __tablename__ = "dashboard_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    credential: Mapped[str] = mapped_column(String(80), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
