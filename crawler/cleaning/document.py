"""What the cleaning stage hands on: the document without its page chrome."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "row"]
NoDocumentReason = Literal["empty", "not_html", "not_found_page", "too_little_text", "too_deep"]


@dataclass(slots=True)
class Block:
    kind: BlockKind
    text: str


@dataclass(frozen=True)
class Attachment:
    name: str
    url: str


@dataclass
class Meta:
    publish_date: str | None = None
    doc_number: str | None = None
    index_number: str | None = None
    issuer: str | None = None
    source: str | None = None
    status: Literal["draft", "final"] = "final"
    comment_deadline: str | None = None
    # The 公文 elements around the body (GB/T 9704, official.py): who it is sent to, the
    # attachment notes, who signed it and when (成文日期), and its note ("（此件公开发布）").
    addressee: str | None = None
    attachment_notes: list[str] = field(default_factory=list)
    signatory: str | None = None
    signed_on: str | None = None
    note: str | None = None
    # Validity (validity.py): the page's mark that it is no longer in force, the last day it says it
    # is valid, and the documents (titles, 文号) it repeals.
    validity: Literal["repealed", "expired"] | None = None
    valid_until: str | None = None
    repeals: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class CleanDocument:
    title: str = ""
    meta: Meta = field(default_factory=Meta)
    blocks: list[Block] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    encoding: str | None = None
    # Set when the page holds no document: the crawler records a failed fetch (or, for
    # "not_found_page", a removal) instead of a version.
    no_document: NoDocumentReason | None = None

    @property
    def found(self) -> bool:
        return self.no_document is None

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)

    @property
    def content_hash(self) -> str:
        """Identity of the content a reader sees: title and body, whitespace-insensitive."""
        normalised = "".join(self.title.split()) + "\n" + "\n".join("".join(b.text.split()) for b in self.blocks)
        return hashlib.sha256(normalised.encode("utf-8")).hexdigest()

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "text": self.text,
            "meta": self.meta.as_dict(),
            "attachments": [asdict(a) for a in self.attachments],
            "blocks": [asdict(b) for b in self.blocks],
            "no_document": self.no_document,
        }
