from django.apps import AppConfig


class PrepConfig(AppConfig):
    name = "prep"
    verbose_name = "Interview preparation"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from prep.fragments import connect_signals
        from prep.http import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="prep.start_session_clock")
        connect_signals()
