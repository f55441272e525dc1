"""/finder/ (the page) and /finder/api/ (the same ranking as JSON)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ersi_practices.ratelimit import rate_limit
from finder.forms import FinderForm
from finder.ranking import RankedPractice, rank

PAGE_SIZE = 20
# Fields shown as groups of checkboxes: their errors link to the first box.
CHECKBOX_FIELDS = ("theme", "target_group", "funding")


@require_GET
@rate_limit("finder")
def finder(request: HttpRequest) -> HttpResponse:
    form = FinderForm.from_query(request.GET)
    context = {"form": form, "errors": [], "ranking": None}
    if form.is_bound and not form.is_valid():
        context["errors"] = error_summary(form)
    elif form.is_bound and not form.context.is_empty:
        context["ranking"] = ranking(request, form)
    return TemplateResponse(
        request, "finder/finder.html", context, status=400 if context["errors"] else 200
    )


def ranking(request: HttpRequest, form: FinderForm) -> dict:
    """The page of results and what the template says about them."""
    selected = form.cleaned_data["practice"]
    selected_pk = selected.pk if selected else None
    ranked = rank(
        form.context, include=selected_pk, transferred_only=form.cleaned_data.get("transferred")
    )
    found = next((item for item in ranked if item.page.pk == selected_pk), None)
    query = form.as_query().urlencode()
    return {
        "results": Paginator(ranked, PAGE_SIZE).get_page(form.cleaned_data["page"]),
        "count": len(ranked),
        "selected": found,
        "selected_pk": selected_pk,
        "selected_page": (found.rank - 1) // PAGE_SIZE + 1 if found else None,
        "query": query,
        "share_url": request.build_absolute_uri(f"{reverse('finder')}?{query}"),
        "json_url": f"{reverse('finder_api')}?{query}",
    }


def error_summary(form: FinderForm) -> list[dict[str, str]]:
    """(label, message, anchor) for each invalid field, in the order of the form."""
    summary = []
    for name, messages in form.errors.items():
        field = form[name]
        if field.is_hidden:
            anchor = ""
        elif name in CHECKBOX_FIELDS:
            anchor = f"{field.auto_id}_0"
        else:
            anchor = field.auto_id
        summary.append({"label": field.label, "message": " ".join(messages), "anchor": anchor})
    return summary


@require_GET
@rate_limit("finder")
def finder_api(request: HttpRequest) -> JsonResponse:
    form = FinderForm.from_query(request.GET)
    if form.is_bound and not form.is_valid():
        errors = {name: " ".join(messages) for name, messages in form.errors.items()}
        return bad_request(errors)
    if not form.is_bound or form.context.is_empty:
        message = _(
            "Give at least one of: country, population, budget, theme, target_group, funding, "
            "staff."
        )
        return bad_request({}, message)
    selected = form.cleaned_data["practice"]
    ranked = rank(
        form.context,
        include=selected.pk if selected else None,
        transferred_only=form.cleaned_data.get("transferred"),
    )
    paginator = Paginator(ranked, PAGE_SIZE)
    number = form.cleaned_data["page"] or 1
    if number > paginator.num_pages:
        message = _("Page %(page)s is out of range: there are %(pages)s pages.")
        return bad_request({"page": message % {"page": number, "pages": paginator.num_pages}})
    return JsonResponse(
        {
            "params": params_json(form),
            "count": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "results": [
                result_json(request, item, selected) for item in paginator.page(number).object_list
            ],
        }
    )


def bad_request(errors: dict[str, str], message: str = "") -> JsonResponse:
    body = {"error": message or _("Invalid parameters."), "errors": errors}
    return JsonResponse(body, status=400)


def params_json(form: FinderForm) -> dict:
    data = form.cleaned_data
    staff = data.get("staff")
    return {
        "country": data["country"] or None,
        "population": data["population"],
        "budget": data["budget"],
        "staff": float(staff) if staff is not None else None,
        "theme": sorted(form.context.themes),
        "target_group": sorted(form.context.target_groups),
        "funding": sorted(form.context.funding),
        "practice": data["practice"].pk if data["practice"] else None,
        "transferred": bool(data.get("transferred")),
    }


def result_json(request: HttpRequest, item: RankedPractice, selected) -> dict:
    page, fit = item.page, item.fit

    def number(value):
        return float(value) if value is not None else None

    return {
        "id": page.pk,
        "rank": item.rank,
        "title": page.title,
        "url": request.build_absolute_uri(page.url),
        "partner": {"slug": page.partner_slug, "name": page.partner_title},
        "country": page.country.code or None,
        "region": page.region or None,
        "selected": bool(selected and selected.pk == page.pk),
        "sample": page.is_sample,
        "score": fit.score,
        "matches": fit.matches,
        "differences": fit.differences,
        "unknown": fit.unknown,
        "criteria": [
            {"key": c.key, "kind": c.kind, "points": round(c.points, 3), "weight": c.weight}
            for c in fit.criteria
        ],
        "figures": {
            "population": page.population,
            "annual_budget_eur": page.annual_budget_eur,
            "cost_per_beneficiary_eur": number(page.cost_per_beneficiary_eur),
            "staff_fte": number(page.staff_fte),
            "duration_months": page.duration_months,
            "funding_sources": [source.slug for source in page.funding_sources.all()],
        },
    }
