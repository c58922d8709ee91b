"""The event spine's cases for the participation apps (debates, moderation): each calls one
service with valid arguments and says which events it records (and which index rows follow)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from debates import services as debates_services
from moderation import services as moderation_services
from moderation.charter import ARTICLES
from moderation.models import ModerationCase
from tests.debates.factories import moderator, seasoned

PARTICIPATION_NO_EVENT = {
    "debates.comment_moderation_show": "shows a decision the moderation machine records",
    "moderation.notices_mark_read": "the reader's own bookkeeping",
    "amendments.amendable_fields": "a read",
    "amendments.field_text": "a pure function",
    "accounts.assisted_details_clean": "a pure check of what a mediator gives",
    "amendments.round_results_store": "a step of the close, which records its events",
    "amendments.amendment_merge_preview": "a read",
    "officials.requests_purge": "erases expired private requests (GDPR): nothing left to record",
    "officials.request_notices_mark_read": "the reader's own bookkeeping",
    # Subscriptions, settings and read marks are the person's own bookkeeping: no activity.
    "notifications.subscription_follow": "the reader's own bookkeeping",
    "notifications.subscription_set_level": "the reader's own bookkeeping",
    "notifications.subscription_unfollow": "the reader's own bookkeeping",
    "notifications.subscriptions_auto": "part of the event that makes the follow",
    "notifications.notifications_mark_read": "the reader's own bookkeeping",
    "notifications.notifications_sync": "takes the reader's news into their own centre",
    "notifications.recipient_for": "the reader's own settings, made with the defaults",
    "notifications.recipient_settings_set": "the reader's own bookkeeping",
    "notifications.recipient_email_enable": "the reader's own bookkeeping",
    "notifications.unsubscribe_apply": "the reader's own bookkeeping (signed link)",
    "notifications.notifications_purge": "erases old notifications (GDPR): nothing to record",
    "meetings.registration_token": "a pure function",
    "meetings.meetings_purge": "erases registrants' names and e-mails (GDPR): nothing to record",
}


def _debate(w: Any) -> Any:
    return debates_services.debate_create(actor=w.owner, title="Un débat", sheet=w.sheet)


def _comment(w: Any, author: Any = None) -> Any:
    return debates_services.comment_create(
        actor=author or w.reader, debate=_debate(w), body="Un avis."
    )


def _hidden(w: Any, prepare: Callable) -> tuple[Any, Any, Any]:
    """A comment by `w.reader`, reported and hidden by a moderator (all as preparation)."""
    box: dict[str, Any] = {}

    def steps() -> None:
        box["comment"] = _comment(w)
        moderation_services.report_create(actor=seasoned(), comment=box["comment"], reason="spam")
        box["moderator"] = moderator()
        case = ModerationCase.objects.get(comment=box["comment"])
        box["case"] = moderation_services.case_decide(
            actor=box["moderator"], case=case, action="hide", reason="Publicité", rule="3"
        )

    prepare(steps)
    return box["comment"], box["case"], box["moderator"]


def cases(prepare: Callable, sheet_row: Callable) -> dict[str, list[Callable[[Any], Any]]]:
    from tests.events.test_spine import Expect

    def debate_row(d, action="update"):
        return ("debate", d.pk, action)

    def case_debate_create(w):
        d = _debate(w)
        return Expect(["debate.opened"], {debate_row(d)})

    def case_debate_close(w):
        box = {}
        prepare(lambda: box.setdefault("debate", _debate(w)))
        debates_services.debate_close(
            actor=w.owner, debate=box["debate"], synthesis="Nous retenons " + "x" * 60
        )
        return Expect(["debate.close"], {debate_row(box["debate"])})

    def case_debates_closing_soon(w):
        import datetime

        from django.utils import timezone

        from debates.models import Debate

        box = {}

        def steps():
            box["debate"] = _debate(w)
            Debate.objects.filter(pk=box["debate"].pk).update(
                closes_on=timezone.localdate() + datetime.timedelta(days=1)
            )

        prepare(steps)
        debates_services.debates_closing_soon()
        return Expect(["debate.closing_soon"], {debate_row(box["debate"])})

    def case_debates_archive_for_sheet(w):
        box = {}
        prepare(lambda: box.setdefault("debate", _debate(w)))
        debates_services.debates_archive_for_sheet(sheet=w.sheet)
        return Expect(["debate.archive"], {debate_row(box["debate"])})

    def case_comment_create(w):
        box = {}
        prepare(lambda: box.setdefault("debate", _debate(w)))
        debates_services.comment_create(actor=w.reader, debate=box["debate"], body="Avis.")
        return Expect(["comment.created"])

    def case_comment_update(w):
        box = {}
        prepare(lambda: box.setdefault("comment", _comment(w)))
        debates_services.comment_update(actor=w.reader, comment=box["comment"], body="Modifié.")
        return Expect(["comment.edited"])

    def case_comment_delete(w):
        box = {}
        prepare(lambda: box.setdefault("comment", _comment(w)))
        debates_services.comment_delete(actor=w.reader, comment=box["comment"])
        return Expect(["comment.deleted"])

    def case_report_create(w):
        box = {}
        prepare(lambda: box.setdefault("comment", _comment(w)))
        moderation_services.report_create(actor=w.outsider, comment=box["comment"], reason="spam")
        return Expect(["comment.reported"])

    def case_case_decide(w):
        box = {}

        def steps():
            box["comment"] = _comment(w)
            moderation_services.report_create(
                actor=w.outsider, comment=box["comment"], reason="spam"
            )

        prepare(steps)
        case = ModerationCase.objects.get(comment=box["comment"])
        moderation_services.case_decide(
            actor=moderator(), case=case, action="dismiss", reason="Rien d'illicite."
        )
        return Expect(["moderation.dismiss"])

    def case_appeal_create(w):
        comment, _case, _moderator = _hidden(w, prepare)
        moderation_services.appeal_create(actor=w.reader, comment=comment, text="Je conteste.")
        return Expect(["moderation.appeal"])

    def case_appeal_decide(w):
        comment, case, _moderator = _hidden(w, prepare)
        prepare(
            lambda: moderation_services.appeal_create(
                actor=w.reader, comment=comment, text="Je conteste."
            )
        )
        moderation_services.appeal_decide(
            actor=moderator(), case=case, action="reverse", reason="Pas de publicité."
        )
        return Expect(["moderation.reverse"])

    def case_charter_publish(w):
        moderation_services.charter_publish(
            actor=w.staff, introduction="Charte.", articles=ARTICLES, change_note="Relue."
        )
        return Expect(["charter.published"])

    def amendment_row(a, action="update"):
        return ("amendment", a.pk, action)

    def _round(w, *, judging=False):
        import datetime

        from django.utils import timezone

        from amendments import services as amendments_services
        from amendments.models import AmendmentRound
        from projects.models import ProjectSheet

        box = {}

        def steps():
            ProjectSheet.objects.filter(pk=w.sheet.pk).update(stage="consultation")
            w.sheet.refresh_from_db()
            now = timezone.now()
            box["round"] = amendments_services.round_open(
                actor=w.staff,
                sheet=w.sheet,
                submission_ends=now + datetime.timedelta(days=2),
                judgment_ends=now + datetime.timedelta(days=4),
            )
            box["amendment"] = amendments_services.amendment_submit(
                actor=w.reader, sheet=w.sheet, field="summary", text="Autre.", base_version=1
            )
            if judging:
                AmendmentRound.objects.filter(pk=box["round"].pk).update(
                    submission_ends=now - datetime.timedelta(seconds=1)
                )
                box["round"].refresh_from_db()

        prepare(steps)
        return box["round"], box["amendment"]

    def case_round_open(w):
        import datetime

        from django.utils import timezone

        from amendments import services as amendments_services
        from projects.models import ProjectSheet

        prepare(lambda: ProjectSheet.objects.filter(pk=w.sheet.pk).update(stage="consultation"))
        w.sheet.refresh_from_db()
        now = timezone.now()
        amendments_services.round_open(
            actor=w.staff,
            sheet=w.sheet,
            submission_ends=now + datetime.timedelta(days=2),
            judgment_ends=now + datetime.timedelta(days=4),
        )
        return Expect(["amendment_round.opened"])

    def case_round_close_submissions(w):
        from amendments import services as amendments_services

        round_, _amendment = _round(w)
        amendments_services.round_close_submissions(actor=w.staff, round_=round_)
        return Expect(["amendment_round.close_submissions"])

    def case_round_close(w):
        from amendments import services as amendments_services

        round_, amendment = _round(w)
        amendments_services.round_close(actor=w.staff, round_=round_)
        # No ballot: the amendment does not beat the current text; the round closes, then the
        # results set it aside.
        return Expect(["amendment_round.close", "amendment.set_aside"], {amendment_row(amendment)})

    def case_round_sync(w):
        from amendments import services as amendments_services

        round_, _amendment = _round(w, judging=True)
        amendments_services.round_sync(round_=round_)
        return Expect(["amendment_round.close_submissions"])

    def case_rounds_sync_due(w):
        from amendments import services as amendments_services

        _round(w, judging=True)
        amendments_services.rounds_sync_due()
        return Expect(["amendment_round.close_submissions"])

    def case_rounds_closing_soon(w):
        import datetime

        from django.utils import timezone

        from amendments import services as amendments_services
        from amendments.models import AmendmentRound

        round_, _amendment = _round(w)
        prepare(
            lambda: AmendmentRound.objects.filter(pk=round_.pk).update(
                submission_ends=timezone.now() + datetime.timedelta(hours=5)
            )
        )
        amendments_services.rounds_closing_soon()
        return Expect(["amendment_round.closing_soon"])

    def case_amendment_submit(w):
        from amendments import services as amendments_services

        round_, _amendment = _round(w)
        new = amendments_services.amendment_submit(
            actor=w.owner, sheet=w.sheet, field="body", text="Un autre corps.", base_version=1
        )
        return Expect(["amendment.submitted"], {amendment_row(new)})

    def case_amendment_submit_assisted(w):
        import datetime

        from django.utils import timezone

        from amendments import services as amendments_services

        round_, _amendment = _round(w)
        new = amendments_services.amendment_submit_assisted(
            actor=w.staff,
            sheet=w.sheet,
            field="body",
            text="Un corps recueilli.",
            base_version=1,
            pseudonym="R. K.",
            place="Mairie",
            collected_on=timezone.localdate() - datetime.timedelta(days=1),
            consent=True,
        )
        return Expect(["amendment.submitted"], {amendment_row(new)})

    def case_amendment_withdraw(w):
        from amendments import services as amendments_services

        _round_, amendment = _round(w)
        amendments_services.amendment_withdraw(actor=w.reader, amendment=amendment)
        return Expect(["amendment.withdraw"], {amendment_row(amendment)})

    def case_amendment_reject(w):
        from amendments import services as amendments_services

        _round_, amendment = _round(w)
        amendments_services.amendment_reject(
            actor=w.staff, amendment=amendment, motivation="Hors du cadre fixé."
        )
        return Expect(["amendment.reject"], {amendment_row(amendment)})

    def case_ballot_cast(w):
        from amendments import services as amendments_services

        round_, amendment = _round(w, judging=True)
        amendments_services.ballot_cast(
            actor=w.outsider,
            round_=round_,
            grades={"status_quo:summary": 3, str(amendment.pk): 4},
        )
        return Expect(["ballot.cast"])

    def _retained(w):
        from amendments import services as amendments_services

        box = {}

        def steps():
            round_, amendment = _round(w, judging=True)
            amendments_services.ballot_cast(
                actor=w.outsider,
                round_=round_,
                grades={"status_quo:summary": 0, str(amendment.pk): 6},
            )
            amendments_services.round_close(actor=w.staff, round_=round_)
            amendment.refresh_from_db()
            box["amendment"] = amendment

        prepare(steps)
        return box["amendment"]

    def case_amendment_accept(w):
        from amendments import services as amendments_services

        amendment = _retained(w)
        amendments_services.amendment_accept(actor=w.staff, amendment=amendment)
        return Expect(
            ["sheet.amended", "amendment.accept"], {sheet_row(w), amendment_row(amendment)}
        )

    def case_sheet_field_merge(w):
        from projects.models import ProjectSheet
        from projects.services import sheet_field_merge

        prepare(lambda: ProjectSheet.objects.filter(pk=w.sheet.pk).update(stage="consultation"))
        w.sheet.refresh_from_db()
        sheet_field_merge(
            actor=w.staff,
            sheet=w.sheet,
            base_version=w.sheet.current_version.number,
            field="summary",
            text="Un résumé fusionné.",
            change_note="Amendement intégré.",
        )
        return Expect(["sheet.amended"], {sheet_row(w)})

    def _profile(w, user=None):
        from officials.services import official_profile_set

        box = {}
        prepare(
            lambda: box.update(
                p=official_profile_set(actor=w.staff, user=user or w.official, commitment_days=10)
            )
        )
        return box["p"]

    def _request(w, public=False):
        from officials.services import request_send

        profile = _profile(w)
        box = {}
        prepare(
            lambda: box.update(
                r=request_send(
                    actor=w.reader, official=profile, subject="Objet", body="Texte.", public=public
                )
            )
        )
        return box["r"]

    def case_official_profile_set(w):
        from officials.services import official_profile_set

        official_profile_set(actor=w.staff, user=w.official, commitment_days=12)
        return Expect(["official.verified"])

    def case_request_send(w):
        from officials.services import request_send

        profile = _profile(w)
        request_send(actor=w.reader, official=profile, subject="Objet", body="Texte.")
        return Expect(["official_request.sent"])

    def case_requests_remind(w):
        import datetime

        from django.utils import timezone

        from officials.models import Request
        from officials.services import requests_remind

        request = _request(w)
        prepare(
            lambda: Request.objects.filter(pk=request.pk).update(
                created=timezone.now() - datetime.timedelta(days=40),
                due_at=timezone.now() - datetime.timedelta(days=1),
            )
        )
        requests_remind()
        return Expect(["official_request.reminded"])

    def case_request_answer(w):
        from officials.services import request_answer

        request_answer(actor=w.official, request=_request(w), body="Réponse.")
        return Expect(["official_request.answer"])

    def case_request_clarify(w):
        from officials.services import request_clarify

        request_clarify(actor=w.official, request=_request(w), question="Où ?")
        return Expect(["official_request.clarify"])

    def case_request_reply(w):
        from officials.services import request_clarify, request_reply

        request = _request(w)
        prepare(lambda: request_clarify(actor=w.official, request=request, question="Où ?"))
        request_reply(actor=w.reader, request=request, body="Ici.")
        return Expect(["official_request.reply"])

    def case_request_redirect(w):
        from officials.services import request_redirect

        request = _request(w)
        other = _profile(w, user=w.superuser)
        prepare(lambda: type(w.superuser).objects.filter(pk=w.superuser.pk).update(
            platform_role="official"))  # fmt: skip
        other.user.refresh_from_db()
        request_redirect(actor=w.official, request=request, official=other)
        return Expect(["official_request.redirect"])

    def case_request_inadmissible(w):
        from officials.services import request_inadmissible

        request_inadmissible(actor=w.staff, request=_request(w), reason="duplicate")
        return Expect(["official_request.inadmissible"])

    def case_request_publication_decide(w):
        from officials.services import request_publication_decide
        from tests.debates.factories import moderator as make_moderator

        request = _request(w, public=True)
        request_publication_decide(actor=make_moderator(), request=request, approve=True)
        return Expect(["official_request.published"])

    def case_request_flag_boilerplate(w):
        from officials.services import request_answer, request_flag_boilerplate
        from tests.debates.factories import moderator as make_moderator

        request = _request(w, public=True)
        prepare(lambda: request_answer(actor=w.official, request=request, body="Merci."))
        request_flag_boilerplate(actor=make_moderator(), request=request, boilerplate=True)
        return Expect(["official_request.flagged"])

    def case_mandate_add(w):
        import datetime

        from officials.services import mandate_add

        mandate_add(
            actor=w.staff, profile=_profile(w), title="Adjointe", starts=datetime.date(2026, 3, 22)
        )
        return Expect(["official.mandate_added"])

    def case_mandate_remove(w):
        import datetime

        from officials.services import mandate_add, mandate_remove

        profile = _profile(w)
        box = {}
        prepare(
            lambda: box.update(
                m=mandate_add(
                    actor=w.staff, profile=profile, title="Maire", starts=datetime.date(2026, 3, 22)
                )
            )
        )
        mandate_remove(actor=w.staff, mandate=box["m"])
        return Expect(["official.mandate_removed"])

    def case_official_photo_set(w):
        import io

        from officials.services import official_photo_set
        from tests.officials.test_pages import _png

        official_photo_set(
            actor=w.staff, profile=_profile(w), file=io.BytesIO(_png()), name="p.png"
        )
        return Expect(["official.photo_set"])

    def case_official_photo_remove(w):
        from officials.services import official_photo_remove

        official_photo_remove(actor=w.staff, profile=_profile(w))
        return Expect(["official.photo_removed"])

    def case_quartier_create(w):
        from territories.models import Territory
        from territories.services import quartier_create

        strasbourg = Territory.objects.get(slug="strasbourg")
        quartier_create(actor=w.staff, name="Quartier témoin", commune=strasbourg)
        return Expect(["territory.quartier_created"])

    def case_quartier_update(w):
        from territories.models import Territory
        from territories.services import quartier_create, quartier_update

        box = {}
        strasbourg = Territory.objects.get(slug="strasbourg")
        prepare(
            lambda: box.setdefault(
                "q", quartier_create(actor=w.staff, name="Quartier témoin", commune=strasbourg)
            )
        )
        quartier_update(
            actor=w.staff,
            quartier=box["q"],
            name="Quartier renommé",
            commune=Territory.objects.get(slug="schiltigheim"),
        )
        return Expect(["territory.quartier_updated"])

    def case_answer_submit(w):
        from evaluation import services as evaluation_services
        from evaluation.questionnaire import QUESTION_CODES
        from projects.models import ProjectSheet

        prepare(lambda: ProjectSheet.objects.filter(pk=w.sheet.pk).update(stage="evaluation"))
        w.sheet.refresh_from_db()
        evaluation_services.answer_submit(
            actor=w.owner,
            sheet=w.sheet,
            role="resident",
            scores=dict.fromkeys(QUESTION_CODES, 3),
        )
        return Expect(["evaluation.answered"])

    # --- meetings ---
    def _meeting(w, **fields):
        from tests.meetings.factories import meeting

        return meeting(sheet=w.sheet, actor=w.owner, **fields)

    def _prepared(w, **fields):
        box = {}
        prepare(lambda: box.setdefault("m", _meeting(w, **fields)))
        return box["m"]

    def _registered(w, m, **kwargs):
        from meetings.services import registration_create

        box = {}
        prepare(lambda: box.setdefault("r", registration_create(meeting=m, **kwargs)))
        return box["r"]

    # A meeting is a kind of search result: its public events refresh its index entry.
    def case_meeting_create(w):
        m = _meeting(w)
        return Expect(["meeting.scheduled"], {("meeting", m.pk, "update")})

    def case_meeting_update(w):
        from meetings.services import meeting_update

        m = _prepared(w)
        meeting_update(actor=w.owner, meeting=m, place="Maison de quartier")
        return Expect(["meeting.updated"], {("meeting", m.pk, "update")})

    def case_meeting_cancel(w):
        from meetings.services import meeting_cancel

        m = _prepared(w)
        meeting_cancel(actor=w.owner, meeting=m)
        return Expect(["meeting.cancelled"], {("meeting", m.pk, "update")})

    def case_registration_create(w):
        from meetings.services import registration_create

        registration_create(actor=w.reader, meeting=_prepared(w))
        return Expect(["meeting.registration_created"])

    def case_registration_confirm(w):
        from meetings.services import CONFIRM_SALT, registration_confirm, registration_token

        r = _registered(w, _prepared(w), actor=None, name="Ana", email="ana@example.org")
        registration_confirm(token=registration_token(r, CONFIRM_SALT))
        return Expect(["meeting.registration_confirmed"])

    def case_registration_cancel(w):
        from meetings.services import registration_cancel

        m = _prepared(w, capacity=1)
        r = _registered(w, m, actor=w.reader)
        _registered(w, m, actor=w.outsider)
        registration_cancel(actor=w.reader, registration=r)
        return Expect(["meeting.registration_cancelled", "meeting.waiting_list_promoted"])

    def case_registration_cancel_by_token(w):
        from meetings.services import (
            CANCEL_SALT,
            registration_cancel_by_token,
            registration_token,
        )

        r = _registered(w, _prepared(w), actor=None, name="Ana", email="ana@example.org")
        registration_cancel_by_token(token=registration_token(r, CANCEL_SALT))
        return Expect(["meeting.registration_cancelled"])

    def case_registrations_expire(w):
        import datetime

        from django.utils import timezone

        from meetings.models import Registration
        from meetings.services import registrations_expire

        m = _prepared(w, capacity=1)
        r = _registered(w, m, actor=None, name="Ana", email="ana@example.org")
        old = timezone.now() - datetime.timedelta(hours=49)
        prepare(lambda: Registration.objects.filter(pk=r.pk).update(created=old))
        registrations_expire()
        return Expect(["meeting.registrations_expired"])

    def case_meetings_remind(w):
        import datetime

        from django.utils import timezone

        from meetings.services import meetings_remind

        m = _prepared(w)
        _registered(w, m, actor=w.reader)
        meetings_remind(now=m.starts - datetime.timedelta(days=1))
        assert timezone.now() < m.starts
        return Expect(["meeting.reminded"])

    def case_meeting_restitution_publish(w):
        import datetime

        from django.utils import timezone

        from meetings.models import Meeting
        from meetings.services import meeting_restitution_publish

        m = _prepared(w)
        past = timezone.now() - datetime.timedelta(days=1)
        prepare(
            lambda: Meeting.objects.filter(pk=m.pk).update(
                starts=past, ends=past + datetime.timedelta(hours=2)
            )
        )
        meeting_restitution_publish(
            actor=w.owner,
            meeting=Meeting.objects.get(pk=m.pk),
            minutes="Nous avons parlé du parc.",
            attendance=12,
        )
        return Expect(["meeting.restitution_published"], {("meeting", m.pk, "update")})

    return {
        "meetings.meeting_create": [case_meeting_create],
        "meetings.meeting_update": [case_meeting_update],
        "meetings.meeting_cancel": [case_meeting_cancel],
        "meetings.registration_create": [case_registration_create],
        "meetings.registration_confirm": [case_registration_confirm],
        "meetings.registration_cancel": [case_registration_cancel],
        "meetings.registration_cancel_by_token": [case_registration_cancel_by_token],
        "meetings.registrations_expire": [case_registrations_expire],
        "meetings.meetings_remind": [case_meetings_remind],
        "meetings.meeting_restitution_publish": [case_meeting_restitution_publish],
        "evaluation.answer_submit": [case_answer_submit],
        "territories.quartier_create": [case_quartier_create],
        "territories.quartier_update": [case_quartier_update],
        "officials.official_photo_set": [case_official_photo_set],
        "officials.official_photo_remove": [case_official_photo_remove],
        "officials.mandate_add": [case_mandate_add],
        "officials.mandate_remove": [case_mandate_remove],
        "officials.official_profile_set": [case_official_profile_set],
        "officials.request_send": [case_request_send],
        "officials.requests_remind": [case_requests_remind],
        "officials.request_answer": [case_request_answer],
        "officials.request_clarify": [case_request_clarify],
        "officials.request_reply": [case_request_reply],
        "officials.request_redirect": [case_request_redirect],
        "officials.request_inadmissible": [case_request_inadmissible],
        "officials.request_publication_decide": [case_request_publication_decide],
        "officials.request_flag_boilerplate": [case_request_flag_boilerplate],
        "amendments.amendment_accept": [case_amendment_accept],
        "projects.sheet_field_merge": [case_sheet_field_merge],
        "amendments.round_open": [case_round_open],
        "amendments.round_close_submissions": [case_round_close_submissions],
        "amendments.round_close": [case_round_close],
        "amendments.round_sync": [case_round_sync],
        "amendments.rounds_sync_due": [case_rounds_sync_due],
        "amendments.rounds_closing_soon": [case_rounds_closing_soon],
        "amendments.amendment_submit": [case_amendment_submit],
        "amendments.amendment_submit_assisted": [case_amendment_submit_assisted],
        "amendments.amendment_withdraw": [case_amendment_withdraw],
        "amendments.amendment_reject": [case_amendment_reject],
        "amendments.ballot_cast": [case_ballot_cast],
        "debates.debate_create": [case_debate_create],
        "debates.debate_close": [case_debate_close],
        "debates.debates_archive_for_sheet": [case_debates_archive_for_sheet],
        "debates.debates_closing_soon": [case_debates_closing_soon],
        "debates.comment_create": [case_comment_create],
        "debates.comment_update": [case_comment_update],
        "debates.comment_delete": [case_comment_delete],
        "moderation.report_create": [case_report_create],
        "moderation.case_decide": [case_case_decide],
        "moderation.appeal_create": [case_appeal_create],
        "moderation.appeal_decide": [case_appeal_decide],
        "moderation.charter_publish": [case_charter_publish],
    }
