from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.forms import ResetPasswordForm

urlpatterns = [
    path("", views.account, name="account"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="account_sign_out_everywhere"),
    path("delete/", views.delete_account, name="account_delete"),
    path("email/restore/<str:token>/", views.email_restore, name="account_email_restore"),
    path("email/verify/", views.email_verify_send, name="account_email_verify_send"),
    path("email/verify/<str:token>/", views.email_verify, name="account_email_verify"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(post_reset_login=False, form_class=ResetPasswordForm),
        name="password_reset_confirm",
    ),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
