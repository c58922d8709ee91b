from django.urls import path

from . import api

urlpatterns = [
    path("comments/<id:pk>/reports/", api.CommentReports.as_view(), name="comment-reports"),
    path("comments/<id:pk>/appeal/", api.CommentAppeal.as_view(), name="comment-appeal"),
    path("moderation/cases/", api.CaseList.as_view(), name="moderation-case-list"),
    path("moderation/cases/<id:pk>/", api.CaseDetail.as_view(), name="moderation-case-detail"),
    path(
        "moderation/cases/<id:pk>/decision/",
        api.CaseDecision.as_view(),
        name="moderation-case-decision",
    ),
    path(
        "moderation/cases/<id:pk>/appeal-decision/",
        api.CaseAppealDecision.as_view(),
        name="moderation-case-appeal-decision",
    ),
    path("moderation/register/", api.RegisterView.as_view(), name="moderation-register"),
    path("moderation/charter/", api.CharterView.as_view(), name="moderation-charter"),
    path("moderation/notices/", api.NoticeList.as_view(), name="moderation-notices"),
]
