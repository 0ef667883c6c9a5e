"""Django's own messages that its Greek catalogue does not translate (their English text changed in
Django and the old translation no longer matches). Listed here so that makemessages puts them in
our catalogue, which comes first (LOCALE_PATHS). Never imported: only read by makemessages."""

from django.utils.translation import ngettext_lazy

FORMSET_TOO_MANY = ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", "num")
FORMSET_TOO_FEW = ngettext_lazy("Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", "num")
