from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from linli.accounts.models import User
from linli.lib.phone import normalize_phone


class PhonePasswordBackend(ModelBackend):
    """Password login by mobile number; a locked-out account never authenticates."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        phone: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        phone = normalize_phone(phone or kwargs.get("username") or "")
        user = User.objects.filter(phone=phone).first()
        if user is None or password is None:
            User().set_password(password)  # same work either way: no timing oracle
            return None
        if user.is_locked() or not self.user_can_authenticate(user):
            return None
        return user if user.check_password(password) else None
