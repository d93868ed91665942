"""API 令牌: a person's own app tokens — make one (its key shown once) and revoke any."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.accounts.http import AuthenticatedHttpRequest
from linli.api.access.forms import TokenForm
from linli.api.access.tokens import get_own_token, issue_token, revoke_token, tokens_of


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = issue_token(
                user=request.user, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as exc:
            form.add_error("name", exc.message_dict.get("name", exc.messages))
        else:
            form = TokenForm()
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "tokens": tokens_of(request.user), "new_key": new_key}
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = revoke_token(token=get_own_token(request.user, pk), by=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens:tokens")
