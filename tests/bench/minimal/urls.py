from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path


class UploadForm(forms.Form):
    file = forms.FileField(label="File", help_text="A file of at most 2 MB.")


@login_required
def page(request):
    return render(request, "page.html", {"form": UploadForm()})


def ping(request):
    return HttpResponse("pong", content_type="text/plain")


urlpatterns = [
    path("page/", page, name="page"),
    path("ping", ping, name="ping"),
    path("account/", ping, name="account"),
    path("sign-out/", ping, name="logout"),
    path("sign-in/", ping, name="login"),
]
