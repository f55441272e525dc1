import socket

import pytest

from django.core import mail
from django.tasks import task_backends

from ersi_practices.mail import deliver_email


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def queued_mail(settings):
    settings.TASKS = {"queue": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.MAILERS = {
        "default": {"BACKEND": "ersi_practices.mail.QueuedEmailBackend"},
        "delivery": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        },
    }
    backend = task_backends["queue"]
    backend.clear()
    return backend


def test_mail_is_queued_and_kept_while_the_mail_server_is_down(queued_mail, settings):
    assert mail.send_mail("Study visit", "Can we visit?", "a@example.org", ["b@example.org"]) == 1
    [queued] = queued_mail.results
    data = queued.args[0]
    assert data["subject"] == "Study visit" and data["to"] == ["b@example.org"]

    # The worker tries to deliver: the SMTP server refuses; the message is queued again, later.
    assert deliver_email.call(data) is False
    retry = queued_mail.results[-1]
    assert len(queued_mail.results) == 2
    assert retry.args == [data, 2] and retry.task.run_after is not None

    # The mail server is back: the next attempt delivers the same message.
    settings.MAILERS = {**settings.MAILERS, "delivery": {
        "BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}  # fmt: skip
    assert deliver_email.call(*retry.args) is True
    assert [m.subject for m in mail.outbox] == ["Study visit"]
