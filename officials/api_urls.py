from django.urls import path

from . import api

urlpatterns = [
    path("officials/", api.OfficialList.as_view(), name="official-list"),
    path("officials/statistics/", api.StatisticsExport.as_view(), name="official-statistics"),
    path(
        "officials/statistics.csv",
        api.StatisticsExport.as_view(as_csv=True),
        name="official-statistics-csv",
    ),
    path("officials/<id:pk>/", api.OfficialDetail.as_view(), name="official-detail"),
    path("officials/<id:pk>/requests/", api.OfficialRequests.as_view(), name="official-requests"),
    path("requests/", api.RequestList.as_view(), name="request-list"),
    path("requests/<id:pk>/", api.RequestDetail.as_view(), name="request-detail"),
    path("requests/<id:pk>/answer/", api.RequestAnswer.as_view(), name="request-answer"),
    path("requests/<id:pk>/clarify/", api.RequestClarify.as_view(), name="request-clarify"),
    path("requests/<id:pk>/reply/", api.RequestReply.as_view(), name="request-reply"),
    path("requests/<id:pk>/redirect/", api.RequestRedirect.as_view(), name="request-redirect"),
    path(
        "requests/<id:pk>/inadmissible/",
        api.RequestInadmissible.as_view(),
        name="request-inadmissible",
    ),
    path(
        "requests/<id:pk>/publication/",
        api.RequestPublication.as_view(),
        name="request-publication",
    ),
    path(
        "requests/<id:pk>/boilerplate/",
        api.RequestBoilerplate.as_view(),
        name="request-boilerplate",
    ),
]
