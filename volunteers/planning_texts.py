"""The planner's explanations in words (Greek or English): each reason code of volunteers.planner
with its values, as the coordinator reads it."""

from django.utils.translation import gettext as _

from .models import Availability, Language, Role, Skill


def _skill_names(ids) -> str:
    names = {str(s.pk): str(s) for s in Skill.objects.filter(pk__in=[i for i in ids if str(i).isdigit()])}
    return ", ".join(names.get(str(i), str(i)) for i in ids)


def _language(code) -> str:
    return str(dict(Language.choices).get(code, code))


def reason_text(code: str, params: dict) -> str:
    p = params or {}
    weekdays = dict(Availability.Weekday.choices)
    texts = {
        "kept": lambda: _("Already confirmed: kept as it is."),
        "published": lambda: _("Already in the published plan: kept, so that the plan changes as little as possible."),
        "available": lambda: _("Usually available on %(day)s %(start)s–%(end)s.") % {
            "day": weekdays.get(p.get("weekday"), ""), "start": p.get("start"), "end": p.get("end")},
        "offered": lambda: _("Offered to help at this time."),
        "speaks": lambda: _("Speaks %(language)s, which the shift needs.") % {"language": _language(p.get("language"))},
        "holds": lambda: (_("Holds %(skill)s, valid until %(date)s.") if p.get("expires") else
                          _("Holds %(skill)s.")) % {"skill": _skill_names([p.get("skill")]), "date": p.get("expires")},
        "fewest_hours": lambda: _("Fewest hours this quarter among the %(n)s who could (%(hours)s h before this "
                                  "plan).") % {"n": p.get("of"), "hours": p.get("hours")},
        "hours_rank": lambda: _("%(hours)s h this quarter before this plan: %(rank)s of the %(n)s who could, by fewest "
                                "hours.") % {"hours": p.get("hours"), "rank": p.get("rank"), "n": p.get("of")},
        "fair_share": lambda: _("With this plan %(hours)s h this quarter; fair share %(share)s h.") % {
            "hours": p.get("hours"), "share": p.get("share")},
        "preferred_site": lambda: _("Prefers this site."),
        "preferred_role": lambda: _("Prefers this role."),
        "with": lambda: _("Likes to work with %(name)s, who is on the same shift.") % {"name": p.get("name")},
        "dropped": lambda: _("The new plan takes this person off (fairer or better covered without them)."),
        "recruit": lambda: (_("Nobody on the roster speaks %(what)s: find a volunteer who does.")
                            if p.get("kind") == "language" else
                            _("Nobody on the roster holds %(what)s: find a volunteer who does.")
                            if p.get("kind") == "skill" else _("No active volunteers: approve or add some.")) % {
            "what": _language(p.get("what")) if p.get("kind") == "language" else _skill_names([p.get("what")])},
        "add": lambda: _("%(name)s is free and fits: add them.") % {"name": p.get("name")},
        "fix_declined": lambda: _("%(name)s said no to this shift: ask them again only if it changed.") % {
            "name": p.get("name")},
        "fix_available": lambda: _("%(name)s is not usually available then: ask whether they could come this once.")
        % {"name": p.get("name")},
        "fix_away": lambda: _("%(name)s is away until %(until)s.") % {"name": p.get("name"), "until": p.get("until")},
        "fix_certificate": lambda: _("%(name)s needs a valid %(skills)s: renew or record it.") % {
            "name": p.get("name"), "skills": _skill_names(p.get("skills", []))},
        "fix_overlap": lambda: _("%(name)s is on another shift at the same time (%(shifts)s): move them.") % {
            "name": p.get("name"), "shifts": "; ".join(p.get("shifts", []))},
        "fix_rest": lambda: _("%(name)s would rest too little after or before %(shifts)s: move that shift.") % {
            "name": p.get("name"), "shifts": "; ".join(p.get("shifts", []))},
        "fix_week_hours": lambda: _("%(name)s would work %(needed)s h that week, over their limit of %(limit)s h: "
                                    "raise it.") % p,
        "fix_month_hours": lambda: _("%(name)s would work %(needed)s h that month, over their limit of %(limit)s h: "
                                     "raise it.") % p,
    }
    text = texts.get(code)
    return text() if text else code


RULE_NAMES = {
    "declined": lambda: _("said no to this shift"),
    "available": lambda: _("not usually available then"),
    "away": lambda: _("away"),
    "certificate": lambda: _("no valid certificate"),
    "overlap": lambda: _("on another shift at the same time"),
    "rest": lambda: _("too little rest between shifts"),
    "week_hours": lambda: _("weekly hours limit"),
    "month_hours": lambda: _("monthly hours limit"),
    "nobody_has": lambda: _("nobody has it"),
    "nobody": lambda: _("no volunteers"),
    "none": lambda: _("none: the planner ran out of time"),
    "inactive": lambda: _("not an active volunteer"),
}


def rule_name(rule: str) -> str:
    name = RULE_NAMES.get(rule)
    return name() if name else rule


def shortfall_text(gap: dict) -> str:
    if gap["kind"] == "language":
        return _("No %(language)s speaker on the shift") % {"language": _language(gap["what"])}
    if gap["kind"] == "skill":
        return _("Nobody on the shift holds %(skill)s") % {"skill": _skill_names([gap["what"]])}
    return _("%(n)s more people needed for the minimum") % {"n": gap["missing"]}


LEVEL_NAMES = {
    "minimum": lambda: _("Minimums (people, languages, skills) left unmet"),
    "target": lambda: _("Places wanted left empty"),
    "fairness": lambda: _("Largest distance from a fair share (quarter hours)"),
    "fairness_total": lambda: _("Total distance from fair shares (quarter hours)"),
    "preferences": lambda: _("Preferences not met"),
    "change": lambda: _("Changes to the published plan"),
}


def level_name(name: str) -> str:
    text = LEVEL_NAMES.get(name)
    return text() if text else name


def role_name(code: str) -> str:
    return str(dict(Role.choices).get(code, code))
