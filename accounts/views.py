import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from accounts import identity, services, throttle
from accounts.forms import (
    DeleteAccountForm,
    LoginForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
    SignupForm,
)
from accounts.models import User
from accounts.tasks import EMAIL_VERIFY_DAYS, read_email_restore_token, read_email_verification_token
from mlepath.client import client_address


def _safe_next(request) -> str | None:
    """A path on this site to go on to, or None. Only paths: redirect() would take
    a bare word such as "0" for a view name to reverse."""
    target = request.POST.get("next") or request.GET.get("next")
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    ):
        return target
    return None


def _too_many(request, template: str, context: dict, *, wait: int, message: str):
    """429 with the page the visitor was on, a message naming how long to wait, and Retry-After."""
    minutes = math.ceil(wait / 60)
    retry = ngettext("Try again in %(count)d minute.", "Try again in %(count)d minutes.", minutes) % {"count": minutes}
    # Translators: a problem, then when to try again (two sentences: "Too many ... Try again in 15 minutes.").
    context["throttled"] = _("%(problem)s %(retry)s") % {"problem": message, "retry": retry}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


_login = auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm)


@login_not_required
@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request):
    """Django's sign-in, refused (429) after 5 failures for one username from one
    address in 15 minutes, the right password included, and after more than 50
    failures from one address in an hour, whatever the usernames."""
    if request.user.is_authenticated:
        # Django's view would redirect without checking anything: a POST from a
        # signed-in browser must not clear anyone's failures (and a next that
        # leads back here would be a redirect loop).
        target = _safe_next(request)
        return redirect(target if target and not target.startswith(reverse("login")) else "dashboard")
    if request.method != "POST":
        return _login(request)
    raw_username = request.POST.get("username", "")
    address = client_address(request)
    # The key is the account exactly as sign-in looks it up (accounts.identity),
    # so " bob", "BOB" or a full-width "ｂｏｂ" counts against bob's lockout. None:
    # the form refuses the name before any lookup, so only the address counts.
    username = identity.username_key(raw_username)
    wait = throttle.retry_after(throttle.LOGIN_FAILURES_PER_ADDRESS, address)
    # This attempt is counted before it runs and refused past the limit, so that
    # guesses sent at once cannot all pass a check made before any is counted;
    # a success clears the count.
    if (
        not wait
        and username is not None
        and throttle.hit(throttle.LOGIN_FAILURES, username, address) > (throttle.LOGIN_FAILURES.attempts)
    ):
        wait = throttle.retry_after(throttle.LOGIN_FAILURES, username, address)
    if wait:
        form = LoginForm(request, initial={"username": raw_username[: identity.USERNAME_MAX_LENGTH]})
        context = {"form": form, "next": _safe_next(request) or ""}
        message = _("Too many failed sign-ins for this username from your network.")
        return _too_many(request, "registration/login.html", context, wait=wait, message=message)
    response = _login(request)
    if response.status_code == 302:
        throttle.clear(throttle.LOGIN_FAILURES, username, address)
    else:
        throttle.hit(throttle.LOGIN_FAILURES_PER_ADDRESS, address)
    return response


_password_reset = auth_views.PasswordResetView.as_view(form_class=PasswordResetForm)


@login_not_required
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request):
    """Django's reset, which never says whether an address is registered; at most
    10 requests per client address and 3 emails per address (mailbox) an hour."""
    if request.method != "POST":
        return _password_reset(request)
    address = client_address(request)
    wait = throttle.retry_after(throttle.RESETS_PER_ADDRESS, address)
    if wait:
        context = {"form": PasswordResetForm()}
        message = _("Too many password reset requests from your network.")
        return _too_many(request, "registration/password_reset_form.html", context, wait=wait, message=message)
    throttle.hit(throttle.RESETS_PER_ADDRESS, address)
    email = identity.email_key(request.POST.get("email", ""))
    if email is None:
        return _password_reset(request)  # the form says what is wrong; no mail can go
    if throttle.retry_after(throttle.RESETS_PER_EMAIL, email):
        # Same answer as a sent mail: the page never tells whether the address is known.
        return redirect("password_reset_done")
    throttle.hit(throttle.RESETS_PER_EMAIL, email)
    return _password_reset(request)


@login_not_required
@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        address = client_address(request)
        for limit, message in (
            (throttle.SIGNUP_ATTEMPTS_PER_ADDRESS, _("Too many sign-ups were tried from your network.")),
            (throttle.SIGNUPS_PER_ADDRESS, _("Many accounts were just created from your network.")),
        ):
            if wait := throttle.retry_after(limit, address):
                context = {"form": SignupForm(), "next": next_url or ""}
                return _too_many(request, "accounts/signup.html", context, wait=wait, message=message)
        # Every attempt counts: a refused one also tells whether a name or an address is taken.
        throttle.hit(throttle.SIGNUP_ATTEMPTS_PER_ADDRESS, address)
        if form.is_valid():
            try:
                with transaction.atomic():
                    user = form.save()
            except IntegrityError:
                # Another request took the name or the address between the form's
                # check and the insert: this one answers as if it came second.
                user = _twin_of_this_signup(form)
                if user is None:
                    form = SignupForm(request.POST)
                    if form.is_valid():  # not this form's fields: say so, change nothing
                        form.add_error(None, _("Your account could not be created just now. Please try again."))
                    return render(request, "accounts/signup.html", {"form": form, "next": next_url or ""}, status=400)
            else:
                throttle.hit(throttle.SIGNUPS_PER_ADDRESS, address)
                services.ask_email_verification(user=user, domain=request.get_host(), use_https=request.is_secure())
            login(request, user)
            return redirect(next_url or "dashboard")
        return render(request, "accounts/signup.html", {"form": form, "next": next_url or ""}, status=400)
    return render(request, "accounts/signup.html", {"form": form, "next": next_url or ""})


# How long after an account is made the same sign-up counts as a double click.
TWIN_SIGNUP_SECONDS = 60


def _twin_of_this_signup(form: SignupForm) -> User | None:
    """The account a double click's first request just made: the same name, the
    same address and the same password, created a moment ago. Signing in to it
    is what the first click's answer did."""
    data = form.cleaned_data
    user = User.objects.named(data["username"]).with_email(data["email"]).first()
    if user is None or (timezone.now() - user.date_joined).total_seconds() > TWIN_SIGNUP_SECONDS:
        return None
    return user if user.check_password(data["password1"]) else None


def _account_page(request, *, form=None, delete_form=None, status=200):
    context = {
        "form": form or ProfileForm(instance=request.user),
        "delete_form": delete_form or DeleteAccountForm(user=request.user),
    }
    return render(request, "accounts/account.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def account(request):
    if request.method != "POST":
        return _account_page(request)
    # A copy: a refused change must not show in the header of the page that refuses it.
    form = ProfileForm(request.POST, instance=User.objects.get(pk=request.user.pk))
    if form.email_changes:
        # Each answer can tell whether an address has an account: limited per account.
        if wait := throttle.retry_after(throttle.EMAIL_CHANGES_PER_USER, request.user.pk):
            context = {"form": ProfileForm(instance=request.user), "delete_form": DeleteAccountForm(user=request.user)}
            message = _("Too many email changes were tried on this account.")
            return _too_many(request, "accounts/account.html", context, wait=wait, message=message)
        throttle.hit(throttle.EMAIL_CHANGES_PER_USER, request.user.pk)
    if not form.is_valid():
        return _account_page(request, form=form, status=400)
    old_email, old_language = request.user.email, request.user.language
    try:
        services.update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            email=form.cleaned_data["email"],
            time_zone=form.cleaned_data["time_zone"],
            language=form.cleaned_data["language"],
            learner_digest=form.cleaned_data["learner_digest"],
            mentor_digest=form.cleaned_data["mentor_digest"],
            domain=request.get_host(),
            use_https=request.is_secure(),
        )
    except services.AccountError as exc:
        request.user.refresh_from_db()
        form.add_error("email", str(exc))
        return _account_page(request, form=form, status=400)
    language = translation.get_language()
    if request.user.language != old_language and translation.get_language_from_path(request.path_info) is None:
        # The next page is in the language just chosen (accounts.languages): so is its message.
        language = request.user.language or translation.get_language_from_request(request)
    with translation.override(language):
        if request.user.email != old_email:
            messages.success(
                request,
                _(
                    "Your account is up to date. We told %(old_email)s about the new address, "
                    "and sent %(new_email)s a link to confirm it."
                )
                % {"old_email": old_email, "new_email": request.user.email},
            )
        else:
            messages.success(request, _("Your account is up to date."))
    return redirect("account")


@require_POST
def sign_out_everywhere(request):
    services.sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(request, _("You are signed out everywhere: on every device and in every browser."))
    return redirect("login")


@require_POST
@sensitive_post_parameters("password")
def delete_account(request):
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return _account_page(request, delete_form=form, status=400)
    services.delete_account(user=request.user)
    logout(request)
    messages.success(request, _("Your account and everything in it are deleted. Thank you for learning with us."))
    return redirect("home")


@login_not_required
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def email_restore(request, token):
    """The link in the notice sent to the old address: puts it back, sets the new
    password chosen here, and signs out every session, for a change the owner
    did not make. It works while no undo has spent it, whatever changed since."""
    change = read_email_restore_token(token)
    if change is None:
        return render(request, "accounts/email_restore.html", {"problem": True}, status=410)
    form = SetPasswordForm(change.user, request.POST if request.method == "POST" else None)
    context = {"change": change, "form": form}
    if request.method != "POST":
        return render(request, "accounts/email_restore.html", context)
    if not form.is_valid():
        return render(request, "accounts/email_restore.html", context, status=400)
    try:
        services.restore_email(change=change, password=form.cleaned_data["new_password1"])
    except services.LinkSpent:
        return render(request, "accounts/email_restore.html", {"problem": True}, status=410)
    except services.AccountError as exc:
        return render(request, "accounts/email_restore.html", {**context, "error": str(exc)}, status=409)
    if request.user.is_authenticated:
        logout(request)
    messages.success(
        request,
        _("%(email)s is your email again, every device is signed out, and your new password is set. Sign in with it.")
        % {"email": change.old_email},
    )
    return redirect("login")


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def email_verify(request, token):
    """The link mailed to a new address. Opening it shows a button (a GET
    changes nothing: mail scanners open links too); pressing it confirms."""
    user = read_email_verification_token(token)
    if user is None:
        return render(request, "accounts/email_verify.html", {"problem": True}, status=410)
    if request.method != "POST":
        return render(request, "accounts/email_verify.html", {"verified_user": user})
    services.verify_email(user=user)
    messages.success(request, _("%(email)s is confirmed. Thank you!") % {"email": user.email})
    return redirect("account" if request.user.is_authenticated else "login")


@require_POST
def email_verify_send(request):
    """Send the confirmation link again, a few times an hour at most."""
    if request.user.email_verified:
        messages.success(request, _("%(email)s is already confirmed.") % {"email": request.user.email})
        return redirect("account")
    if wait := throttle.retry_after(throttle.VERIFICATION_MAILS_PER_USER, request.user.pk):
        message = _("We already sent several links to confirm your email.")
        context = {"form": ProfileForm(instance=request.user), "delete_form": DeleteAccountForm(user=request.user)}
        return _too_many(request, "accounts/account.html", context, wait=wait, message=message)
    throttle.hit(throttle.VERIFICATION_MAILS_PER_USER, request.user.pk)
    services.ask_email_verification(user=request.user, domain=request.get_host(), use_https=request.is_secure())
    messages.success(
        request,
        ngettext(
            "We sent a new link to %(email)s. It works for %(days)d day.",
            "We sent a new link to %(email)s. It works for %(days)d days.",
            EMAIL_VERIFY_DAYS,
        )
        % {"email": request.user.email, "days": EMAIL_VERIFY_DAYS},
    )
    return redirect("account")


@login_not_required
@require_POST
def set_language(request):
    """The footer's choice of language: Django's set_language (a cookie, and the
    page the reader came from, in that language), kept on a signed-in user's
    account too, so that their mail follows it."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in {code for code, _ in settings.LANGUAGES}:
        services.set_language(user=request.user, language=language)
    return django_set_language(request)
