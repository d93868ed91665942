from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from linli.accounts import services
from linli.accounts.forms import CodeLoginForm, PasswordLoginForm, SendCodeForm
from linli.accounts.http import AuthenticatedHttpRequest, HtmxHttpRequest
from linli.accounts.middleware import SUPPORTED
from linli.accounts.models import DemoLogin, SensitiveAccessLog
from linli.accounts.navigation import home_url_for, user_roles


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(home_url_for(request.user))  # type: ignore[arg-type]
    demo_logins = []
    if settings.DEMO_MODE:
        demo_logins = list(
            DemoLogin.objects.select_related("user").prefetch_related("user__roles__region")
        )
    return render(request, "accounts/home.html", {"demo_logins": demo_logins})


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    mode = request.GET.get("mode", "password")
    password_form = PasswordLoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and password_form.is_valid():
        try:
            user = services.login_with_password(**password_form.cleaned_data)
        except services.LoginError as exc:
            password_form.add_error(None, str(exc))
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            return redirect(_next_url(request) or home_url_for(user))
    return render(
        request,
        "accounts/login.html",
        {
            "form": password_form,
            "code_form": CodeLoginForm(),
            "mode": mode,
            "next": _next_url(request),
        },
    )


@require_POST
def send_code(request: HtmxHttpRequest) -> HttpResponse:
    form = SendCodeForm(request.POST)
    errors: list[str] = []
    if not form.is_valid():
        errors = [str(e) for e in form.errors["phone"]]
    else:
        try:
            services.send_login_code(phone=form.cleaned_data["phone"])
        except services.LoginError as exc:
            errors = [str(exc)]
        else:
            messages.success(request, _("If this number has an account, a code is on its way."))
    template = "accounts/login.html#code-form" if request.htmx else "accounts/login.html"
    return render(
        request,
        template,
        {
            "form": PasswordLoginForm(),
            "mode": "code",
            "next": _next_url(request),
            "code_form": CodeLoginForm(initial={"phone": request.POST.get("phone", "")}),
            "code_errors": errors,
        },
    )


@require_POST
def login_code(request: HttpRequest) -> HttpResponse:
    code_form = CodeLoginForm(request.POST)
    if code_form.is_valid():
        try:
            user = services.login_with_code(**code_form.cleaned_data)
        except services.LoginError as exc:
            code_form.add_error(None, str(exc))
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            return redirect(_next_url(request) or home_url_for(user))
    return render(
        request,
        "accounts/login.html",
        {
            "form": PasswordLoginForm(),
            "code_form": code_form,
            "mode": "code",
            "next": _next_url(request),
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")


@login_required
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    if "admin" not in user_roles(request.user):
        raise Http404
    entries = SensitiveAccessLog.objects.select_related("viewer")
    if q := request.GET.get("viewer", "").strip():
        entries = entries.filter(viewer__phone=q) | entries.filter(viewer__name=q)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/access_log.html", {"page": page, "viewer": q})


def switch_language(request: HttpRequest) -> HttpResponse:
    """The header's English/中文 switch: Django's set_language (the cookie, then back to
    `next`), and for a logged-in person also their saved language, so their notifications and
    我的设置 follow the switch."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in SUPPORTED:
        services.set_own_language(user=request.user, language=language)  # type: ignore[arg-type]
    return response
