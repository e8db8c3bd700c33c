"""Fitted models kept between runs: bytes the matcher made (never pickle), with the corpus size they were fitted on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import ModelState
from storage.types import utcnow


def load_model_state(*, session: Session, name: str) -> ModelState | None:
    """Return a stored model, or ``None``."""
    return session.get(ModelState, name)


def model_fits(*, session: Session, names: Sequence[str]) -> dict[str, tuple[str, datetime]]:
    """Return the version and fitting time of the stored models among ``names``, without their payloads."""
    statement = select(ModelState.name, ModelState.version, ModelState.fitted_at).where(
        col(ModelState.name).in_(names)
    )
    return {name: (version, fitted_at) for name, version, fitted_at in session.exec(statement)}


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
