"""The kinds of e-mail the action plans send, and the notices about comments and followed measures.

Every e-mail goes through ``core.notices.notify``: each person gets it at once, in their daily
digest, or not at all, as they chose on their profile page for its kind.

* ``comment`` (object: the comment): to the people who follow the measure, when someone comments
  on it or on one of its updates;
* ``mention`` (object: the comment): to the people a comment mentions (instead of ``comment``);
* ``followed_change`` (object: the history row of the update): to the people who follow the
  measure, when an update sets its status and progress, or is approved or returned.

Nobody is told about what they did themselves, nor about what they may not read.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import Comment, ProgressUpdate, RoundRequest
from actions.queries import follower_candidates
from core.mail import site_url
from core.models import Reminder
from core.notices import Delivery, NoticeKind, notify

REQUEST = "round_request"
REVIEW = "update_review"
COMMENT = "comment"
MENTION = "mention"
CHANGE = "followed_change"

KINDS = (
    NoticeKind(
        REQUEST,
        _("Requests for progress updates"),
        _("When you are asked for an update in a follow-up round, and the reminders before and after its deadline."),
        choices=(Delivery.AT_ONCE, Delivery.DAILY),
        order=10,
    ),
    NoticeKind(
        REVIEW,
        _("Reviews of your progress updates"),
        _("When an update you wrote is approved or returned for revision."),
        order=20,
    ),
    NoticeKind(MENTION, _("Mentions"), _("When someone mentions you in a comment."), order=30),
    NoticeKind(
        COMMENT,
        _("Comments on measures you follow"),
        _("New comments on a measure you follow or on its progress updates."),
        order=40,
    ),
    NoticeKind(
        CHANGE,
        _("Changes to measures you follow"),
        _("A new status and progress, and updates approved or returned."),
        default=Delivery.DAILY,
        order=50,
    ),
)


def _readable(queryset, pk: int, person) -> bool:
    return queryset.visible_to(person).filter(pk=pk).exists()


def send_comment_notices(comment_id: int) -> int:
    """Tell the people mentioned and the measure's followers about a new comment; returns the number sent."""
    comment = Comment.objects.select_related("measure__plan", "update", "author").filter(pk=comment_id).first()
    if comment is None:
        return 0
    mentioned = {person.pk: person for person in comment.mentions.filter(is_active=True).exclude(email="")}
    followers = {person.pk: person for person in follower_candidates(comment.measure)}
    sent = 0
    day = timezone.localdate(comment.created_at)
    for kind, people in ((MENTION, mentioned), (COMMENT, {k: v for k, v in followers.items() if k not in mentioned})):
        for person in people.values():
            if person.pk == comment.author_id or not _readable(Comment.objects, comment.pk, person):
                continue
            sent += notify(
                person,
                kind=kind,
                template=f"actions/email/{kind}",
                context={"comment": comment, "measure": comment.measure, "update": comment.update},
                link=site_url() + comment.get_absolute_url(),
                object_id=comment.pk,
                due_date=day,
                stage=Reminder.Stage.POSTED,
            )
    return sent


def send_follower_notices(update_id: int, history_id: int, *, skip=()) -> int:
    """Tell the measure's followers that an update set its status, or was approved or returned
    (``history_id``: the update's history row of that moment); ``skip``: ids told otherwise."""
    updates = ProgressUpdate.objects.select_related("measure__plan", "status", "reviewed_by")
    update = updates.filter(pk=update_id).first()
    if update is None:
        return 0
    moment = update.history.filter(history_id=history_id).first()
    if moment is None:
        return 0
    actor_id = moment.history_user_id
    request = RoundRequest.objects.filter(update=update).select_related("round").first()
    sent = 0
    for person in follower_candidates(update.measure):
        if person.pk in skip or person.pk == actor_id or not _readable(ProgressUpdate.objects, update.pk, person):
            continue
        sent += notify(
            person,
            kind=CHANGE,
            template="actions/email/followed_change",
            context={
                "update": update,
                "measure": update.measure,
                "state": moment.state,
                "round": request.round if request is not None else None,
                "comment": moment.review_comment,
            },
            link=site_url() + update.measure.get_absolute_url(),
            object_id=history_id,
            due_date=timezone.localdate(moment.history_date),
            stage=Reminder.Stage.CHANGED,
        )
    return sent
