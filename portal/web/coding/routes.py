"""Coding pages: the overview and the review queue; the other views live beside this module."""

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from portal.domain.codebooks import current_versions
from portal.domain.review import queue, queue_size
from portal.domain.samples import visible_samples
from portal.extensions import db
from portal.models import Answer, Service
from portal.models.instruments import GROUP_LABELS
from portal.web.coding.blueprint import bp, current_or_404
from portal.web.coding.display import excerpt

PAGE_SIZE = 25


@bp.route("/")
def index():
    """Each current codebook: the user's queue, their samples, and its agreement."""
    books = [(version, queue_size(db.session, current_user, version),
              visible_samples(db.session, current_user, version.codebook))
             for version in current_versions(db.session)]
    return render_template("coding/index.html", books=books)


@bp.route("/<key>/queue")
def review_queue(key: str):
    """Answers waiting for a person, least certain first, a page at a time."""
    version = current_or_404(key)
    page = max(request.args.get("page", 1, type=int), 1)
    total = queue_size(db.session, current_user, version)
    items = queue(db.session, current_user, version, limit=PAGE_SIZE,
                  offset=(page - 1) * PAGE_SIZE)
    texts = dict(db.session.execute(select(Answer.id, Answer.value_text)
                                    .where(Answer.id.in_([i.answer_id for i in items]))).all())
    services = dict(db.session.execute(select(Service.id, Service.name)).all())
    rows = [(item, GROUP_LABELS.get(item.stakeholder_group, item.stakeholder_group),
             services.get(item.service_id, ""), excerpt(texts.get(item.answer_id) or ""))
            for item in items]
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template("coding/queue.html", version=version, rows=rows, total=total,
                           page=page, pages=pages)


# The views in these modules register themselves on bp when imported.
from portal.web.coding import agreement, coders, review, samples  # noqa: E402, F401
