from django.urls import path

from chat.api import views

urlpatterns = [
    path("", views.SendMessageView.as_view(), name="chat-send"),
    path("threads/", views.ThreadsView.as_view(), name="chat-threads"),
    path("threads/<str:thread_id>/", views.ThreadDetailView.as_view(), name="chat-thread"),
    path("threads/<str:thread_id>/events/", views.ThreadEventsView.as_view(), name="chat-events"),
    path("threads/<str:thread_id>/cancel/", views.CancelTurnView.as_view(), name="chat-cancel"),
]
