"""Sessions of the review pages: server-side, in this process's memory (they end when the server restarts),
tied to the API key's id; the cookie holds only a random id and the store only that id's hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

from fastapi import Request

from gdprep.service.keys import Principal

SESSION_IDLE_S = 30 * 60          # a session unused this long ends
SESSION_MAX_S = 12 * 60 * 60      # and none lives longer than this, used or not


@dataclass(slots=True)
class WebSession:
    """One signed-in browser: who it acts as and the token its forms must carry."""

    principal: Principal
    csrf: str
    created: float
    last_seen: float

    @property
    def name(self) -> str:
        return self.principal.name

    @property
    def role(self) -> str:
        return self.principal.role


@dataclass
class SessionStore:
    """Server-side sessions: the cookie holds a random id (never the API key); the store keeps only the id's
    SHA-256, so a memory dump of the map cannot be replayed as cookies. `secret` signs sign-in form tokens."""

    idle_s: float = SESSION_IDLE_S
    max_s: float = SESSION_MAX_S
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _sessions: dict[str, WebSession] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def _key(session_id: str) -> str:
        return hashlib.sha256(session_id.encode("utf-8")).hexdigest()

    def create(self, principal: Principal) -> tuple[str, WebSession]:
        now = time.monotonic()
        session_id = secrets.token_urlsafe(32)
        session = WebSession(principal=principal, csrf=secrets.token_urlsafe(32), created=now, last_seen=now)
        with self._lock:
            self._purge(now)
            self._sessions[self._key(session_id)] = session
        return session_id, session

    def get(self, session_id: str) -> WebSession | None:
        now = time.monotonic()
        key = self._key(session_id)
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                return None
            if now - session.last_seen > self.idle_s or now - session.created > self.max_s:
                del self._sessions[key]
                return None
            session.last_seen = now
            return session

    def drop(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(self._key(session_id), None)

    def drop_key(self, key_id: str) -> int:
        """End every session of one API key (it was revoked); returns how many."""
        with self._lock:
            gone = [k for k, s in self._sessions.items() if s.principal.key_id == key_id]
            for k in gone:
                del self._sessions[k]
        return len(gone)

    def _purge(self, now: float) -> None:
        expired = [k for k, s in self._sessions.items()
                   if now - s.last_seen > self.idle_s or now - s.created > self.max_s]
        for k in expired:
            del self._sessions[k]

    # sign-in forms: a random nonce in a short-lived cookie, its HMAC in the form (see login_token)
    def login_token(self, nonce: str) -> str:
        return hmac.new(self.secret, f"login:{nonce}".encode(), hashlib.sha256).hexdigest()


_STORE_LOCK = threading.Lock()


def session_store(request: Request) -> SessionStore:
    """The app's session store (made on first use: create_app does not know about pages)."""
    state = request.app.state
    store: SessionStore | None = getattr(state, "web_sessions", None)
    if store is None:
        with _STORE_LOCK:
            store = getattr(state, "web_sessions", None)
            if store is None:
                store = SessionStore()
                state.web_sessions = store
    return store
