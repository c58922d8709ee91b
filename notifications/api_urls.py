from django.urls import path

from . import api

urlpatterns = [
    path("subscriptions/", api.SubscriptionList.as_view(), name="subscriptions"),
    path("subscriptions/<id:pk>/", api.SubscriptionDetail.as_view(), name="subscription"),
    path("notifications/", api.NotificationList.as_view(), name="notifications"),
    path("notifications/read/", api.NotificationsRead.as_view(), name="notifications-read"),
]
