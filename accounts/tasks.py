"""Account mail, sent by the worker (mlepath.mail). Mails that hold a secret
(a reset token, a restore link) are composed here, in the worker, so the secret
is never stored in the task's arguments. Each is written in its recipient's
language (accounts.languages)."""

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.languages import language_of
from accounts.models import EMAIL_RESTORE_DAYS, EmailChange, User
from mlepath.mail import MAIL_QUEUE, send_or_retry

EMAIL_RESTORE_SALT = "accounts.email-restore"
EMAIL_VERIFY_SALT = "accounts.email-verify"
EMAIL_VERIFY_DAYS = 3


def email_verification_token(user: User) -> str:
    """Signed for the account and its address as it is now: a link mailed to an
    earlier address does not verify a later one."""
    return signing.TimestampSigner(salt=EMAIL_VERIFY_SALT).sign_object({"u": user.pk, "e": user.email_folded})


def read_email_verification_token(token: str) -> User | None:
    """The account whose current address the link was mailed to, or None for a
    link forged, damaged, older than EMAIL_VERIFY_DAYS, or for an address the
    account no longer has."""
    try:
        signed = signing.TimestampSigner(salt=EMAIL_VERIFY_SALT).unsign_object(
            token, max_age=EMAIL_VERIFY_DAYS * 24 * 60 * 60
        )
        user_id, email = int(signed["u"]), signed["e"]
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return None
    return User.objects.filter(pk=user_id, email_folded=email, is_active=True).first()


def email_restore_token(change: EmailChange) -> str:
    return signing.TimestampSigner(salt=EMAIL_RESTORE_SALT).sign_object({"change": change.pk})


def read_email_restore_token(token: str) -> EmailChange | None:
    """The change a link undoes, while its link works: None for a token that is
    forged, damaged, older than EMAIL_RESTORE_DAYS, or spent by an undo.

    A link mailed before changes were recorded names the user and both
    addresses: it works as it did (while the address is still the new one),
    as a change not yet saved."""
    try:
        signed = signing.TimestampSigner(salt=EMAIL_RESTORE_SALT).unsign_object(
            token, max_age=EMAIL_RESTORE_DAYS * 24 * 60 * 60
        )
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(signed, dict):
        return None
    if isinstance(signed.get("change"), int):
        return EmailChange.objects.filter(pk=signed["change"], undone_at=None).select_related("user").first()
    if {"user", "old", "new"} <= signed.keys():
        user = User.objects.filter(pk=signed["user"]).first()
        if user is not None and user.email == signed["new"]:
            return EmailChange(user=user, old_email=signed["old"], new_email=signed["new"])
    return None


def _origin(domain: str, use_https: bool) -> str:
    return f"{'https' if use_https else 'http'}://{domain}"


@task(queue_name=MAIL_QUEUE)
def send_password_reset(*, user_id: int, domain: str, use_https: bool, attempt: int = 1) -> None:
    # Composed now, for the address the account has now: a reset asked for
    # before an undo goes to the restored address, never the undone one.
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return  # deleted since it was asked for: nothing to send
    context = {
        "user": user,
        "email": user.email,
        "domain": domain,
        "site_name": "MLE Path",
        "protocol": "https" if use_https else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    with translation.override(language_of(user)):
        subject = "".join(render_to_string("registration/password_reset_subject.txt", context).splitlines())
        body = render_to_string("registration/password_reset_email.html", context)
    send_or_retry(
        send_password_reset,
        attempt=attempt,
        task_kwargs={"user_id": user_id, "domain": domain, "use_https": use_https},
        subject=subject,
        body=body,
        to=[user.email],
    )


@task(queue_name=MAIL_QUEUE)
def send_email_verification(*, user_id: int, domain: str, use_https: bool, attempt: int = 1) -> None:
    """The link that confirms the account's address, composed for the address it
    has when the mail is sent (none once it is verified)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.email_verified:
        return
    context = {
        "user": user,
        "verify_url": _origin(domain, use_https)
        + reverse("account_email_verify", args=[email_verification_token(user)]),
        "days": EMAIL_VERIFY_DAYS,
    }
    with translation.override(language_of(user)):
        subject = _("Confirm your email address for MLE Path")
        body = render_to_string("accounts/email_verification.txt", context)
    send_or_retry(
        send_email_verification,
        attempt=attempt,
        task_kwargs={"user_id": user_id, "domain": domain, "use_https": use_https},
        subject=subject,
        body=body,
        to=[user.email],
    )


@task(queue_name=MAIL_QUEUE)
def send_email_changed_notice(
    *,
    change_id: int | None = None,
    domain: str,
    use_https: bool,
    attempt: int = 1,
    user_id: int | None = None,
    old_email: str = "",
    new_email: str = "",
) -> None:
    """To the old address: the email changed, and a link to undo it if it was not
    them. The addresses are read from the change, never kept in the task.
    (`user_id`, `old_email` and `new_email` are what tasks queued before changes
    were recorded carry: the change is recorded now, so their link works too.)"""
    if change_id is None:
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            return
        change_id = EmailChange.objects.create(user=user, old_email=old_email, new_email=new_email).pk
    change = EmailChange.objects.filter(pk=change_id).select_related("user").first()
    if change is None:
        return  # the account is deleted
    restore_path = reverse("account_email_restore", args=[email_restore_token(change)])
    context = {
        "user": change.user,
        "old_email": change.old_email,
        "new_email": change.new_email,
        "restore_url": _origin(domain, use_https) + restore_path,
        "days": EMAIL_RESTORE_DAYS,
    }
    with translation.override(language_of(change.user)):
        subject = _("Your MLE Path email address was changed")
        body = render_to_string("accounts/email_changed_notice.txt", context)
    send_or_retry(
        send_email_changed_notice,
        attempt=attempt,
        task_kwargs={"change_id": change_id, "domain": domain, "use_https": use_https},
        subject=subject,
        body=body,
        to=[change.old_email],
    )


@task(queue_name=MAIL_QUEUE)
def send_email_restored_notice(*, change_id: int, attempt: int = 1) -> None:
    """To the address an undo took away: the account went back to its old address."""
    change = EmailChange.objects.filter(pk=change_id).select_related("user").first()
    if change is None:
        return
    with translation.override(language_of(change.user)):
        subject = _("Your MLE Path email change was undone")
        body = render_to_string("accounts/email_restored_notice.txt", {"change": change})
    send_or_retry(
        send_email_restored_notice,
        attempt=attempt,
        task_kwargs={"change_id": change_id},
        subject=subject,
        body=body,
        to=[change.new_email],
    )
