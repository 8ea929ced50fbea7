from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import UserCreationForm
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.identity import SignInUsernameField, fold
from accounts.models import TIME_ZONE_CHOICES, User
from accounts.tasks import send_password_reset

TIME_ZONES = frozenset(name for name, _ in TIME_ZONE_CHOICES)
DEFAULT_TIME_ZONE = User._meta.get_field("time_zone").default


class FocusFirstProblem:
    """A refused form puts `autofocus` on its first visible field with a problem,
    or on `focus_when_refused` when the problem is the form's as a whole: the
    browser puts the cursor there when the page comes back, without JavaScript."""

    focus_when_refused: str | None = None

    def _post_clean(self):
        super()._post_clean()
        if not self._errors:
            return
        invalid = [name for name, field in self.fields.items() if name in self._errors and not field.widget.is_hidden]
        target = invalid[0] if invalid else self.focus_when_refused
        if target is None:
            return
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)
        self.fields[target].widget.attrs["autofocus"] = True


class LoginForm(FocusFirstProblem, auth_forms.AuthenticationForm):
    """Django's sign-in form, whose username is cleaned by the one field that
    sign-in's throttle also cleans with (accounts.identity): a name too long
    is refused before it is normalised or looked up. A wrong password sends
    the cursor to the password, the username being the one typed."""

    username = SignInUsernameField(widget=forms.TextInput(attrs={"autofocus": True}))
    focus_when_refused = "password"


class SignupForm(FocusFirstProblem, UserCreationForm):
    """Every problem is reported at once, the password's included, and typed
    passwords come back when the problems are elsewhere."""

    email = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        help_text=gettext_lazy("For password resets. Never shown to others."),
    )
    # Filled from the browser by accounts.js; without it, or with a name the
    # account page does not offer, the account starts in UTC. Never an error:
    # nobody could see or fix it.
    time_zone = forms.Field(required=False, widget=forms.HiddenInput)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "time_zone")
        labels = {"username": gettext_lazy("Username")}

    def clean_username(self):
        # Django's check compares with the database's own case folding; this one
        # with the folding the unique constraint holds (accounts.identity).
        username = self.cleaned_data.get("username")
        if username and User.objects.named(username).exists():
            raise forms.ValidationError(_("A user with that username already exists."), code="unique")
        return username

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.holding_or_reserving(email).exists():
            raise forms.ValidationError(_("An account with that email already exists."), code="unique")
        return email

    def clean_time_zone(self):
        name = self.cleaned_data["time_zone"]
        return name if isinstance(name, str) and name in TIME_ZONES else DEFAULT_TIME_ZONE

    def validate_password_for_user(self, user, *args, **kwargs):
        # Django checks the confirmation, and only once it matches the password:
        # a mismatch hid "too short" and "too common" until the next try. The
        # password itself is checked, always, and every validator's message is
        # shown together.
        super().validate_password_for_user(user, "password1")

    def _post_clean(self):
        super()._post_clean()
        if not self.has_error("password1") and not self.has_error("password2"):
            # Refused for its username or email: the passwords need not be typed again.
            for name in ("password1", "password2"):
                self.fields[name].widget.render_value = True


class LanguageSelect(forms.Select):
    """Each language's name is in that language: its option says so (as the footer's does)."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


class ProfileForm(forms.ModelForm):
    """Name, email, time zone and language. A new email address needs the current
    password: an open session alone must not be enough to redirect password
    resets to someone else's mailbox."""

    current_password = forms.CharField(
        label=gettext_lazy("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("Needed only to change your email."),
    )

    class Meta:
        model = User
        fields = ("display_name", "email", "time_zone", "language", "learner_digest", "mentor_digest")
        labels = {"email": gettext_lazy("Email")}
        help_texts = {"email": gettext_lazy("For password resets. Never shown to others.")}
        # The zones' names are places' own names: no translation tool should change them.
        widgets = {"language": LanguageSelect, "time_zone": forms.Select(attrs={"translate": "no"})}

    field_order = [
        "display_name",
        "email",
        "current_password",
        "time_zone",
        "language",
        "learner_digest",
        "mentor_digest",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.old_email = self.instance.email
        # Blank: the language the browser asks for (accounts.languages).
        self.fields["language"].choices = [("", _("As your browser asks")), *settings.LANGUAGES]

    @property
    def email_changes(self) -> bool:
        new = self.data.get(self.add_prefix("email"), self.old_email)
        return fold(new.strip()) != fold(self.old_email)

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.holding_or_reserving(email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("An account with that email already exists."), code="unique")
        return email

    def clean_language(self):
        # Not sent (a form posted without it): the account keeps its language.
        if self.fields["language"].widget.value_omitted_from_data(self.data, self.files, self.add_prefix("language")):
            return self.instance.language
        return self.cleaned_data["language"]

    def clean(self):
        cleaned = super().clean()
        if self.email_changes and not self.instance.check_password(cleaned.get("current_password") or ""):
            self.add_error(
                "current_password",
                forms.ValidationError(
                    _("Enter your current password to change your email. Nothing was changed."),
                    code="password_incorrect",
                ),
            )
        return cleaned


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form; the mail is composed and sent by the worker (accounts.tasks).
    It finds the account as the unique constraint does (accounts.identity), and
    also one whose password is unusable: here only an undone email change
    (accounts.services.restore_email) makes one so, and its owner must get back in."""

    def get_users(self, email):
        return User.objects.with_email(email).filter(is_active=True)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        send_password_reset.enqueue(
            user_id=context["user"].pk, domain=context["domain"], use_https=context["protocol"] == "https"
        )


class SetPasswordForm(FocusFirstProblem, auth_forms.SetPasswordForm):
    """A new password, twice, checked by every validator (the undo of an email change)."""


class ResetPasswordForm(SetPasswordForm):
    """The new password of a reset. The link came to the account's address, so
    that address is confirmed too."""

    def save(self, commit=True):
        if self.user.email_verified_at is None:
            self.user.email_verified_at = timezone.now()
        return super().save(commit)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("To confirm that it is you."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password. Nothing was deleted."), code="password_incorrect")
        return password
