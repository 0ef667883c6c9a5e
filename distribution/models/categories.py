"""The priority categories declared for a household or a person (KEA, Roma, disability…), as the ESF+
indicators group them, and how a declaration is answered."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """Priority categories as the centre uses them. Each may be yes, no, or not declared.

    The labels name the group in the plural, as the funder's (ESF+) report does: a label then fits
    a woman and a man alike in Greek ("Μετανάστες", not "Μετανάστης").
    """

    KEA = "kea", _("KEA beneficiaries")
    POVERTY = "poverty", _("People living in poverty")
    HOMELESS = "homeless", _("Homeless people or people in housing exclusion")
    ROMA = "roma", _("Roma")
    UNEMPLOYED = "unemployed", _("Unemployed people")
    MIGRANT = "migrant", _("Migrants")
    REPATRIATE = "repatriate", _("Repatriates")
    INTERNATIONAL_PROTECTION = "protection", _("Beneficiaries of international protection")
    ASYLUM_SEEKER = "asylum", _("Applicants for international protection (asylum seekers)")
    DISABILITY = "disability", _("Persons with disabilities")
    SENIOR = "senior", _("People aged 65 or older")
    CHILD = "child", _("Children")


# The singular labels of earlier versions, still read in imported lists (Greek and English).
CATEGORY_SINGULAR_NAMES = {
    Category.KEA: ["KEA beneficiary", "Δικαιούχος ΚΕΑ"],
    Category.POVERTY: ["Living in poverty", "Σε συνθήκες φτώχειας"],
    Category.HOMELESS: ["Homeless or in housing exclusion", "Άστεγος ή σε στεγαστικό αποκλεισμό", "Άστεγος"],
    Category.UNEMPLOYED: ["Unemployed", "Άνεργος", "Άνεργη"],
    Category.MIGRANT: ["Migrant", "Μετανάστης", "Μετανάστρια"],
    Category.REPATRIATE: ["Repatriate", "Παλιννοστών", "Παλιννοστούσα"],
    Category.INTERNATIONAL_PROTECTION: ["Beneficiary of international protection", "Δικαιούχος διεθνούς προστασίας"],
    Category.ASYLUM_SEEKER: ["Asylum seeker", "Αιτών άσυλο", "Αιτούσα άσυλο", "Αιτούντες άσυλο"],
    Category.DISABILITY: ["Person with disability", "Άτομο με αναπηρία"],
    Category.SENIOR: ["65 or older", "65 ετών και άνω"],
    Category.CHILD: ["Child", "Παιδί"],
}


# Which categories are declared for the household as a whole and which for each person.
HOUSEHOLD_CATEGORIES = [Category.KEA, Category.POVERTY, Category.HOMELESS]
PERSON_CATEGORIES = [c for c in Category if c not in HOUSEHOLD_CATEGORIES]


class Declared(models.TextChoices):
    """The answer for one category. "Not declared" is stored as the category's absence."""

    NOT_DECLARED = "", _("Not declared")
    YES = "yes", _("Yes")
    NO = "no", _("No")



def categories_with_yes(value: dict) -> list[str]:
    return [key for key, answer in (value or {}).items() if answer == Declared.YES]


def declared(value: dict, code: str) -> str:
    """The answer for one category as "yes", "no" or "" (not declared)."""
    answer = (value or {}).get(str(code), "")
    return answer if answer in (Declared.YES, Declared.NO) else Declared.NOT_DECLARED


# Categories that make a person "of foreign background or a minority (e.g. Roma)" in the ESF+ indicators.
MINORITY_CATEGORIES = [Category.ROMA, Category.MIGRANT, Category.REPATRIATE, Category.INTERNATIONAL_PROTECTION,
                       Category.ASYLUM_SEEKER]


def minority_answer(value: dict) -> str:
    """"yes" if any of MINORITY_CATEGORIES is yes; "" (not declared) if none is yes and any is unanswered;
    else "no". (The ESF+ indicator adds a nationality other than Greek, decided when reporting.)"""
    answers = [declared(value, code) for code in MINORITY_CATEGORIES]
    if Declared.YES in answers:
        return Declared.YES
    return Declared.NOT_DECLARED if Declared.NOT_DECLARED in answers else Declared.NO
