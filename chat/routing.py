from django.urls import re_path

from chat.consumers import ChatConsumer, UnknownSocketConsumer

# Any segment is routed to the consumer, which accepts and then closes 4404 for a bad id:
# a routing failure would refuse the handshake, which browsers only see as 1006.
websocket_urlpatterns = [
    re_path(r"^ws/chat/(?P<thread_id>[^/]+)/?$", ChatConsumer.as_asgi()),
    re_path(r"", UnknownSocketConsumer.as_asgi()),
]
