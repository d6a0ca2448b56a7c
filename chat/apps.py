from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"

    def ready(self) -> None:
        from chat import signals  # noqa: F401  (connects the receivers)
        from chat.operations.backlog import BacklogCollector
        from observability.scrape import collector_register

        collector_register(BacklogCollector)
