"""Account mail, sent by the worker (mlepath.mail). Mails that hold a secret
(a reset token, a restore link) are composed here, in the worker, so the secret
is never stored in the task's arguments."""

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from mlepath.mail import MAIL_QUEUE, send_or_retry

EMAIL_RESTORE_SALT = "accounts.email-restore"
EMAIL_RESTORE_DAYS = 14


def email_restore_token(*, user: User, old_email: str, new_email: str) -> str:
    return signing.TimestampSigner(salt=EMAIL_RESTORE_SALT).sign_object(
        {"user": user.pk, "old": old_email, "new": new_email}
    )


def read_email_restore_token(token: str) -> dict | None:
    """The signed change, or None for a token that is forged, damaged or older than EMAIL_RESTORE_DAYS."""
    try:
        return signing.TimestampSigner(salt=EMAIL_RESTORE_SALT).unsign_object(
            token, max_age=EMAIL_RESTORE_DAYS * 24 * 60 * 60
        )
    except (signing.BadSignature, ValueError):
        return None


def _origin(domain: str, use_https: bool) -> str:
    return f"{'https' if use_https else 'http'}://{domain}"


@task(queue_name=MAIL_QUEUE)
def send_password_reset(*, user_id: int, domain: str, use_https: bool, attempt: int = 1) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return  # deleted or locked since it was asked for: nothing to send
    context = {
        "user": user,
        "email": user.email,
        "domain": domain,
        "site_name": "MLE Path",
        "protocol": "https" if use_https else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = "".join(render_to_string("registration/password_reset_subject.txt", context).splitlines())
    send_or_retry(
        send_password_reset,
        attempt=attempt,
        task_kwargs={"user_id": user_id, "domain": domain, "use_https": use_https},
        subject=subject,
        body=render_to_string("registration/password_reset_email.html", context),
        to=[user.email],
    )


@task(queue_name=MAIL_QUEUE)
def send_email_changed_notice(
    *, user_id: int, old_email: str, new_email: str, domain: str, use_https: bool, attempt: int = 1
) -> None:
    """To the old address: the email changed, and a link to undo it if it was not them."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    token = email_restore_token(user=user, old_email=old_email, new_email=new_email)
    context = {
        "user": user,
        "old_email": old_email,
        "new_email": new_email,
        "restore_url": _origin(domain, use_https) + reverse("account_email_restore", args=[token]),
        "days": EMAIL_RESTORE_DAYS,
    }
    send_or_retry(
        send_email_changed_notice,
        attempt=attempt,
        task_kwargs={
            "user_id": user_id,
            "old_email": old_email,
            "new_email": new_email,
            "domain": domain,
            "use_https": use_https,
        },
        subject="Your MLE Path email address was changed",
        body=render_to_string("accounts/email_changed_notice.txt", context),
        to=[old_email],
    )
