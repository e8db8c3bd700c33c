"""Whether an address can stand in a mail header: the one check for company addresses and the sender setting."""

from __future__ import annotations

from email.errors import MessageError
from email.headerregistry import Address


def address_problem(address: str | None) -> str | None:
    """Return why a mail cannot carry ``address`` in its header ("jan.@x.nl", "kansenradar"), or ``None``.

    >>> address_problem("info@groen-noord.example") is None, address_problem("") is None
    (True, True)
    >>> address_problem("kansenradar")
    "not an e-mail address a mail can be sent to: 'kansenradar' (addr-spec local part with no domain)"
    """
    if not address:
        return None
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, MessageError) as exc:
        return f"not an e-mail address a mail can be sent to: {address!r} ({exc})"
    if not parsed.username or not parsed.domain:
        return f"not an e-mail address a mail can be sent to: {address!r} (no name or no domain)"
    return None
