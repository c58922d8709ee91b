from django.urls import path

from . import api

urlpatterns = [
    path("sheets/<id:pk>/rounds/", api.SheetRounds.as_view(), name="sheet-rounds"),
    path("sheets/<id:pk>/amendments/", api.SheetAmendments.as_view(), name="sheet-amendments"),
    path(
        "sheets/<id:pk>/assisted-amendments/",
        api.SheetAssistedAmendments.as_view(),
        name="sheet-assisted-amendments",
    ),
    path("amendments/<id:pk>/", api.AmendmentDetail.as_view(), name="amendment-detail"),
    path(
        "amendments/<id:pk>/withdraw/", api.AmendmentWithdraw.as_view(), name="amendment-withdraw"
    ),
    path("amendments/<id:pk>/reject/", api.AmendmentReject.as_view(), name="amendment-reject"),
    path("amendments/<id:pk>/accept/", api.AmendmentAccept.as_view(), name="amendment-accept"),
    path("amendments/<id:pk>/merge/", api.AmendmentMergePreview.as_view(), name="amendment-merge"),
    path("rounds/<id:pk>/", api.RoundDetail.as_view(), name="round-detail"),
    path(
        "rounds/<id:pk>/close-submissions/",
        api.RoundCloseSubmissions.as_view(),
        name="round-close-submissions",
    ),
    path("rounds/<id:pk>/close/", api.RoundClose.as_view(), name="round-close"),
    path("rounds/<id:pk>/ballot/", api.RoundBallot.as_view(), name="round-ballot"),
    path("rounds/<id:pk>/results/", api.RoundResults.as_view(), name="round-results"),
    path(
        "rounds/<id:pk>/paper-ballots/", api.RoundPaperBallots.as_view(), name="round-paper-ballots"
    ),
    path(
        "paper-ballots/<id:pk>/withdraw/",
        api.PaperBallotWithdraw.as_view(),
        name="paper-ballot-withdraw",
    ),
]
