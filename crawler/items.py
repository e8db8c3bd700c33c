"""The crawler's one item type.

The record is defined in ``storage.records`` so that storage, which must not import the crawler, validates
exactly what the spiders yield.
"""

from storage.records import NoticeRecord

__all__ = ["NoticeRecord"]
