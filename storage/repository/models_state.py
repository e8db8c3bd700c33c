"""Fitted models kept between runs: bytes the matcher made (never pickle), with the corpus size they were fitted on."""

from __future__ import annotations

from sqlmodel import Session

from storage.models import ModelState
from storage.types import utcnow


def load_model_state(*, session: Session, name: str) -> ModelState | None:
    """Return a stored model, or ``None``."""
    return session.get(ModelState, name)


def save_model_state(*, session: Session, name: str, version: str, corpus_size: int, payload: bytes) -> None:
    """Store (or replace) a fitted model."""
    state = session.get(ModelState, name) or ModelState(name=name, version=version, payload=payload)
    state.version, state.corpus_size, state.payload, state.fitted_at = version, corpus_size, payload, utcnow()
    session.add(state)
    session.flush()


def delete_model_state(*, session: Session, name: str) -> None:
    """Forget a stored model (nothing happens when there is none)."""
    state = session.get(ModelState, name)
    if state is not None:
        session.delete(state)
        session.flush()
