from django.urls import path

from . import api

urlpatterns = [
    path("meetings/", api.MeetingList.as_view(), name="meeting-list"),
    path("meetings/<id:pk>/", api.MeetingDetail.as_view(), name="meeting-detail"),
    path(
        "meetings/<id:pk>/registrations/",
        api.MeetingRegistrations.as_view(),
        name="meeting-registrations",
    ),
    path("meetings/<id:pk>/ical/", api.MeetingIcal.as_view(), name="meeting-ical"),
    path("sheets/<id:pk>/meetings/", api.SheetMeetingCreate.as_view(), name="sheet-meetings"),
]
