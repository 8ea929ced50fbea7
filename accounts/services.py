"""Writes to accounts."""

import logging
from importlib import import_module

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from accounts.identity import fold
from accounts.models import EmailChange, SignedInSession, User
from accounts.tasks import send_email_changed_notice, send_email_restored_notice, send_email_verification
from mlepath import cache

logger = logging.getLogger(__name__)


class AccountError(Exception):
    """A change that is refused, with a message fit to show the user."""


class LinkSpent(AccountError):
    """An undo link whose change was undone meanwhile (by this link or an earlier one)."""


def set_language(*, user: User, language: str) -> None:
    """The language of the user's pages and mail ("" follows their browser)."""
    if language not in {"", *(code for code, _name in settings.LANGUAGES)}:
        raise AccountError(_("Choose one of the languages offered."))
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


@transaction.atomic
def update_profile(
    *,
    user: User,
    display_name: str,
    email: str,
    time_zone: str,
    language: str,
    domain: str,
    use_https: bool,
    learner_digest: bool | None = None,
    mentor_digest: bool | None = None,
) -> None:
    """Save the profile (the weekly mails too, when given); `language` "" follows
    the browser (accounts.languages). A new email address
    is reported to the old one (by the worker, in this transaction: no change, no mail)."""
    old_email = user.email
    email_changes = bool(old_email) and fold(email) != fold(old_email)
    user.display_name, user.email, user.time_zone, user.language = display_name, email, time_zone, language
    fields = ["display_name", "email", "time_zone", "language"]
    if email_changes:
        user.email_verified_at = None  # a new address is unverified until its link is opened
        fields.append("email_verified_at")
    for name, value in (("learner_digest", learner_digest), ("mentor_digest", mentor_digest)):
        if value is not None:
            setattr(user, name, value)
            fields.append(name)
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError:
        # Another account took the address between the form's check and this save.
        user.refresh_from_db()
        raise AccountError(_("An account with that email already exists.")) from None
    if email_changes:
        change = EmailChange.objects.create(user=user, old_email=old_email, new_email=email)
        send_email_changed_notice.enqueue(change_id=change.pk, domain=domain, use_https=use_https)
        send_email_verification.enqueue(user_id=user.pk, domain=domain, use_https=use_https)


def ask_email_verification(*, user: User, domain: str, use_https: bool) -> None:
    """Mail the link that confirms the account's address (by the worker)."""
    send_email_verification.enqueue(user_id=user.pk, domain=domain, use_https=use_https)


def verify_email(*, user: User) -> None:
    """The owner of the account's address opened its link: optional mail may go there."""
    # Only the address the link was mailed to: a change that landed since is not confirmed by it.
    User.objects.filter(pk=user.pk, email_folded=user.email_folded, email_verified_at=None).update(
        email_verified_at=timezone.now()
    )
    user.refresh_from_db(fields=["email_verified_at"])


@transaction.atomic
def restore_email(*, change: EmailChange, password: str) -> User:
    """Undo an email change the owner did not make, from the link mailed to the
    old address: that address back, the new password set (its owner chose it on
    the link's page, so no reset mail is needed), every session ended, and the
    links of this change and every later one spent. Earlier changes' links
    still work."""
    user = User.objects.select_for_update().get(pk=change.user_id)
    if change.pk is None:  # a link mailed before changes were recorded
        change.save()
    elif EmailChange.objects.select_for_update().filter(pk=change.pk, undone_at=None).first() is None:
        raise LinkSpent(_("This link was already used."))
    user.email = change.old_email
    user.email_verified_at = timezone.now()  # the link was opened from that mailbox
    user.set_password(password)
    user.session_generation = F("session_generation") + 1
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at", "password", "session_generation"])
    except IntegrityError:
        raise AccountError(
            _(
                "%(email)s now belongs to another account, so it cannot be put back. "
                "Please write to security@mlepath.example."
            )
            % {"email": change.old_email}
        ) from None
    EmailChange.objects.filter(user=user, pk__gte=change.pk, undone_at=None).update(undone_at=timezone.now())
    # The undone address is told too: if the owner had moved away from an
    # address someone else now holds, that is how they learn of it.
    send_email_restored_notice.enqueue(change_id=change.pk)
    user.refresh_from_db(fields=["session_generation"])
    return user


def sign_out_everywhere(*, user: User) -> None:
    """End every session of this user, on every device (see User.get_session_auth_hash)."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


def delete_account(*, user: User) -> None:
    """Delete the user and everything of theirs. Each app's rows go by their own
    foreign keys' cascades (progress, notes, evidence, events, follows; comments
    written and received, reviews, nudges, invites and mentorships on either
    side): accounts knows none of them. One transaction: a failure half-way
    leaves the account whole. Then what names them outside those rows goes too:
    their mail tasks (whose tracebacks can hold an address), every session they
    signed in to, and the cache entries that show their name or days."""
    pk = user.pk
    with transaction.atomic():
        changes = list(EmailChange.objects.filter(user=user).values_list("pk", "old_email", "new_email"))
        addresses = {user.email, *(old for _, old, _ in changes), *(new for _, _, new in changes)}
        session_keys = list(SignedInSession.objects.filter(user=user).values_list("session_key", flat=True))
        user.delete()
        mentions = (
            Q(args_kwargs__kwargs__user_id=pk)
            | Q(args_kwargs__kwargs__mentor_id=pk)
            | Q(args_kwargs__kwargs__change_id__in=[change_pk for change_pk, _, _ in changes])
        )
        for address in addresses - {""}:
            mentions |= Q(traceback__icontains=address)
        DBTaskResult.objects.filter(mentions).delete()
    # The account is gone whatever happens next: a cache that is away only leaves
    # entries that age out (sessions stay in the database, which is up).
    store = import_module(settings.SESSION_ENGINE).SessionStore
    try:
        for session_key in session_keys:
            store(session_key=session_key).delete()
        cache.forget_learner(pk)
    except Exception:  # the cache (Redis) is unreachable
        logger.exception("account %s deleted; its sessions or cache entries could not all be removed", pk)
