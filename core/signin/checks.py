"""`manage.py check --deploy` on signing in:
- kypseli.E005: the second step is not enforced (core.signin.middleware.SecondFactorMiddleware or
  django-otp's OTPMiddleware left out of MIDDLEWARE, or in the wrong order);
- kypseli.W005: with DEBUG off, TWO_FACTOR_ROLES leaves staff or coordinators out, so until the coordinator
  saves her own rules they sign in with a password alone.
"""

from django.conf import settings
from django.core.checks import Error, Warning, register

OTP = "django_otp.middleware.OTPMiddleware"
SECOND_STEP = "core.signin.middleware.SecondFactorMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"


def sign_in_problems() -> list:
    middleware = list(settings.MIDDLEWARE)
    problems = []
    if not (AUTH in middleware and OTP in middleware and SECOND_STEP in middleware
            and middleware.index(AUTH) < middleware.index(OTP) < middleware.index(SECOND_STEP)):
        problems.append(Error(
            "The second sign-in step is not enforced: MIDDLEWARE needs AuthenticationMiddleware, then "
            "django-otp's OTPMiddleware, then core.signin.middleware.SecondFactorMiddleware.", id="kypseli.E005"))
    missing = {"staff", "coordinator"} - set(settings.TWO_FACTOR_ROLES)
    if not settings.DEBUG and missing:
        problems.append(Warning(
            f"TWO_FACTOR_ROLES leaves out {', '.join(sorted(missing))} with DEBUG off: they sign in with a "
            "password alone until the coordinator sets the rules under Sign-in security.",
            hint="Leave TWO_FACTOR_ROLES unset (staff and coordinators) in production.", id="kypseli.W005"))
    return problems


@register("kypseli", deploy=True)
def check_sign_in(app_configs=None, **kwargs):
    return sign_in_problems()
