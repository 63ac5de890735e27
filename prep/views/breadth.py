"""ML breadth: the bank of fundamentals questions, a candidate's answers, and their reviews.

The bank goes beyond the guide (our own suggestion, and the pages say so). Answering is writing
notes, as on a problem's page; rating a question goes through the shared review-rate view
(prep/views/coach.py), which makes it a review card that comes back on Today.
"""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from prep import reviews
from prep.forms import BreadthAnswerForm, BreadthFilterForm
from prep.http import take_unsaved
from prep.models import BreadthAnswer, BreadthQuestion, record_activity
from prep.models.owned import changes_of
from prep.views.responses import bad_request, form_errors


@require_safe
@login_required
def breadth_list(request: HttpRequest) -> HttpResponse:
    form = BreadthFilterForm(request.GET)
    show = form.cleaned_data["show"] if form.is_valid() else None
    questions = list(
        BreadthQuestion.objects.active()
        .with_answers_for(request.user)
        .select_related("topic")
        .order_by("topic__position", "topic__name", "topic__pk", "position", "title")
    )
    answered = sum(q.is_answered for q in questions)
    wanted = {"all": (True, False), "answered": (True,), "unanswered": (False,)}.get(show, ())
    shown = [q for q in questions if q.is_answered in wanted]
    topics = [(topic, list(rows)) for topic, rows in groupby(shown, key=lambda q: q.topic)]
    context = {
        "form": form,
        "show": show,
        "topics": topics,
        "total": len(questions),
        "answered": answered,
        "topic_count": len({q.topic_id for q in questions}),
    }
    # A filter that is not one of the menu's: say so, and list nothing rather than guess.
    return render(request, "prep/breadth_list.html", context, status=200 if show else 400)


def _question(request: HttpRequest, slug: str) -> BreadthQuestion:
    questions = BreadthQuestion.objects.visible_to(request.user).select_related("topic")
    return get_object_or_404(questions, slug=slug)


def breadth_review_panel(user, question: BreadthQuestion) -> dict:
    """The question's review card, whether its reviews are paused (it left the bank), and its
    history, for the question's page: up to two queries."""
    card = reviews.question_review(user, question)
    if card is None:
        return {"card": None, "card_history": [], "paused": False}
    paused = question.is_archived or question.topic.is_archived
    return {"card": card, "card_history": reviews.history(card)[:20], "paused": paused}


def _detail_context(request, question: BreadthQuestion, answer, form=None) -> dict:
    return {
        "question": question,
        "answer": answer,
        "form": form or BreadthAnswerForm(instance=answer or BreadthAnswer(question=question)),
        **breadth_review_panel(request.user, question),
    }


@require_safe
@login_required
def breadth_detail(request: HttpRequest, slug: str) -> HttpResponse:
    question = _question(request, slug)
    answer = BreadthAnswer.objects.filter(user=request.user, question=question).first()
    unsaved = take_unsaved(request, reverse("prep:breadth-notes", args=[question.slug]))
    form = None
    if unsaved:
        form = BreadthAnswerForm(
            instance=answer or BreadthAnswer(question=question), initial=unsaved
        )
    context = _detail_context(request, question, answer, form)
    return render(request, "prep/breadth_detail.html", {**context, "unsaved": bool(unsaved)})


@require_POST
@login_required
def breadth_notes(request: HttpRequest, slug: str) -> HttpResponse:
    question = _question(request, slug)
    answer = BreadthAnswer.objects.filter(user=request.user, question=question).first()
    form = BreadthAnswerForm(request.POST, instance=answer or BreadthAnswer(question=question))
    if not form.is_valid():
        if request.htmx:
            return bad_request(request, form_errors(form))
        context = _detail_context(request, question, answer, form)
        return render(request, "prep/breadth_detail.html", context, status=400)
    notes = form.cleaned_data["notes"]
    with changes_of(request.user):
        locked = BreadthAnswer.objects.lock(request.user, question)
        if locked.notes != notes:
            locked.notes = notes
            locked.save(update_fields=["notes", "updated_at"])
            record_activity(request.user, question)
    messages.success(request, "Saved your answer.", extra_tags=f"draft:breadth:{question.slug}")
    return redirect(question)
