"""Who may do what: every role × every action × own partner / other partner, through the admin.

The table below is the specification. Each line becomes one test per role, named
``test_matrix[<role>-<action>-<target>]``, which logs in as a user of that role, does the action
through the real Wagtail admin URL, and checks the outcome:

- allowed: the admin accepts the request (2xx/3xx, no "permission denied") and the change is made;
- refused: the admin answers "permission denied" (403, or back to the dashboard with
  "Sorry, you do not have permission"), or the form refuses the choice, and nothing changes.

The people: the *partner editor* writes for partner A (City of Brzeziny); the *expert panel*
member and the *network administrator* (not a superuser) work for the whole network.
Targets: "own" is partner A's practice or media collection, "other" is partner B's (City of
Mechelen), "-" is not tied to a partner; for the panel and the administrator they are simply
two partners. Practices used as targets were written by a colleague of the same partner, so
"own" means "my partner's", not only "written by me". The numbers in the "note" column refer
to NOTES, under the table: why, and which cells are decisions where the issue is silent.

The site is seeded once for the module inside a transaction that is rolled back at the end
(see `seeded_site`), so no test here may use `transactional_db`.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pytest
from PIL import Image as PILImage

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    TaskState,
    Workflow,
    WorkflowPage,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from home.site import ensure_home_page
from kb.models import (
    Assessment,
    CollectionPage,
    PartnerPage,
    PracticePage,
    Theme,
)
from kb.roles import (
    ADMINISTRATORS,
    EXPERT_PANEL,
    WORKFLOW_NAME,
    partner_collection_name,
    partner_group_name,
    setup_roles,
)
from kb.seeding import seed_collection_index, seed_partners, seed_taxonomy
from search.models import Synonym

# fmt: off
MATRIX = """
| action           | target | partner editor | expert panel | network admin | note |
| view draft       | own    | allowed        | allowed      | allowed       |      |
| view draft       | other  | refused        | allowed      | allowed       |      |
| create           | own    | allowed        | refused      | allowed       | 1    |
| create           | other  | refused        | refused      | allowed       | 1    |
| edit             | own    | allowed        | allowed      | allowed       | 2    |
| edit             | other  | refused        | allowed      | allowed       | 2    |
| submit           | own    | allowed        | allowed      | allowed       | 3    |
| submit           | other  | refused        | allowed      | allowed       | 3    |
| approve          | own    | refused        | allowed      | allowed       | 4    |
| approve          | other  | refused        | allowed      | allowed       | 4    |
| publish          | own    | refused        | allowed      | allowed       | 5    |
| publish          | other  | refused        | allowed      | allowed       |      |
| unpublish        | own    | refused        | allowed      | allowed       |      |
| unpublish        | other  | refused        | allowed      | allowed       |      |
| delete draft     | own    | refused        | refused      | allowed       | 6    |
| delete draft     | other  | refused        | refused      | allowed       | 6    |
| delete published | own    | refused        | refused      | allowed       | 6    |
| delete published | other  | refused        | refused      | allowed       | 6    |
| upload document  | own    | allowed        | refused      | allowed       | 7    |
| upload document  | other  | refused        | refused      | allowed       | 7, 8 |
| upload image     | own    | allowed        | refused      | allowed       | 7    |
| upload image     | other  | refused        | refused      | allowed       | 7, 8 |
| curate           | own    | refused        | allowed      | allowed       | 9    |
| curate           | other  | refused        | allowed      | allowed       | 9    |
| assess           | own    | refused        | allowed      | allowed       |      |
| assess           | other  | refused        | allowed      | allowed       |      |
| edit profile     | own    | refused        | allowed      | allowed       | 10   |
| edit profile     | other  | refused        | allowed      | allowed       | 10   |
| extend themes    | -      | refused        | allowed      | allowed       |      |
| extend synonyms  | -      | refused        | allowed      | allowed       |      |
| manage users     | -      | refused        | refused      | allowed       |      |
"""
NOTES = {
    "1": "The panel reviews, assesses and curates; the partners write the practices.",
    "2": "The panel may correct a practice while reviewing it or before publishing it.",
    "3": "Whoever may edit a practice may send it to the expert panel review.",
    "4": "Administrators are reviewers too (they may do everything).",
    "5": "A partner editor's 'publish' is taken by the admin as 'save draft': nothing goes live.",
    "6": "Decided (the issue is silent), the safer way: deleting cannot be undone. The panel "
         "unpublishes instead; partner editors ask the panel. Only administrators delete. "
         "(Wagtail alone would let partner editors delete unpublished practices of their "
         "partner and the panel delete any practice: see NEEDS_WIRING.)",
    "7": "Decided: the panel only chooses existing media; uploading is the partners' job.",
    "8": "A partner editor's upload form has no collection field: the file lands in their own "
         "collection, never in the other partner's.",
    "9": "Curate: a new collection page listing the partner's practice.",
    "10": "Decided (the issue is silent), the safer way: the partner page presents the partner "
          "for the network; partner editors write practices, the panel keeps the profile. "
          "(Wagtail alone lets partner editors edit it, publishing through the panel's review: "
          "see NEEDS_WIRING.)",
}
# fmt: on

ROLES = {"partner editor": "partner_editor", "expert panel": "expert_panel",
         "network admin": "network_admin"}  # fmt: skip


@dataclass(frozen=True)
class Cell:
    role: str
    action: str
    target: str
    expected: str
    note: str

    @property
    def id(self) -> str:
        return f"{self.role}-{self.action.replace(' ', '_')}-{self.target.replace('-', 'any')}"


def parse_matrix(text: str) -> list[Cell]:
    lines = [line.strip().strip("|").split("|") for line in text.strip().splitlines()]
    header = [h.strip() for h in lines[0]]
    cells = []
    for line in lines[1:]:
        row = dict(zip(header, (value.strip() for value in line), strict=True))
        notes = " ".join(NOTES[n.strip()] for n in row["note"].split(",") if n.strip())
        for column, role in ROLES.items():
            assert row[column] in ("allowed", "refused"), row
            cells.append(Cell(role, row["action"], row["target"], row[column], notes))
    return cells


CELLS = parse_matrix(MATRIX)

# Decisions that Wagtail's page permissions cannot express by themselves: kb.roles provides the
# rules (PracticePermissionTester, PartnerPermissionTester); the page models must use them.
PRACTICE_RULES_WIRED = PracticePage.permissions_for_user is not Page.permissions_for_user
PARTNER_RULES_WIRED = PartnerPage.permissions_for_user is not Page.permissions_for_user
NEEDS_WIRING = {
    ("delete draft", "partner_editor", "own"): PRACTICE_RULES_WIRED,
    ("delete draft", "expert_panel", "own"): PRACTICE_RULES_WIRED,
    ("delete draft", "expert_panel", "other"): PRACTICE_RULES_WIRED,
    ("delete published", "expert_panel", "own"): PRACTICE_RULES_WIRED,
    ("delete published", "expert_panel", "other"): PRACTICE_RULES_WIRED,
    ("edit profile", "partner_editor", "own"): PARTNER_RULES_WIRED,
}


# --- The site: seeded once for the whole module, rolled back at the end ---------------------


@dataclass
class Site:
    users: dict[str, int]
    partners: dict[str, int]  # "own"/"other" -> PartnerPage id
    drafts: dict[str, int]  # never published practice
    lives: dict[str, int]  # published practice
    in_review: dict[str, int]  # practice submitted to the expert panel review
    collections: dict[str, int]  # media collection
    collection_index: int


def make_user(username: str, *groups: Group):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password="not-used",
        first_name=username.title(), last_name="Tester",
    )  # fmt: skip
    user.groups.set(groups)
    return user


def build_site() -> Site:
    home = ensure_home_page()
    seed_taxonomy()
    seed_partners(home)
    collection_index = seed_collection_index(home)
    setup_roles()
    a = PartnerPage.objects.get(slug="brzeziny")
    b = PartnerPage.objects.get(slug="mechelen")
    group_a = Group.objects.get(name=partner_group_name(a))
    group_b = Group.objects.get(name=partner_group_name(b))
    users = {
        "partner_editor": make_user("editor_a", group_a),
        "colleague_a": make_user("colleague_a", group_a),
        "other_partner_editor": make_user("editor_b", group_b),
        "colleague_b": make_user("colleague_b", group_b),
        "expert_panel": make_user("panel", Group.objects.get(name=EXPERT_PANEL)),
        "network_admin": make_user("admin", Group.objects.get(name=ADMINISTRATORS)),
    }
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    site = Site(
        users={key: user.pk for key, user in users.items()},
        partners={"own": a.pk, "other": b.pk},
        drafts={},
        lives={},
        in_review={},
        collections={},
        collection_index=collection_index.pk,
    )
    root_collection = Collection.get_first_root_node()
    for target, partner, author in (("own", a, users["colleague_a"]),
                                    ("other", b, users["colleague_b"])):  # fmt: skip
        for kind in ("draft", "live", "review"):
            page = PracticePage(
                title=f"{partner.title}: {kind} practice",
                slug=f"{kind}-practice",
                summary=f"A {kind} practice of {partner.title}.",
                owner=author,
                live=False,
            )
            partner.add_child(instance=page)
            revision = page.save_revision(user=author)
            if kind == "live":
                revision.publish()  # as if the panel had approved it
                site.lives[target] = page.pk
            elif kind == "review":
                workflow.start(page, author)
                site.in_review[target] = page.pk
            else:
                site.drafts[target] = page.pk
        site.collections[target] = (
            root_collection.get_children().get(name=partner_collection_name(partner)).pk
        )
    return site


@contextmanager
def seeded_site(django_db_blocker):
    """The seeded site, committed to nobody: one transaction around a module, rolled back.

    Each test runs inside it in its own savepoint (pytest-django's `db`), so tests cannot see
    each other's changes, and the database is as empty afterwards as before.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_site()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()  # e.g. Wagtail's site root paths of the rolled back home page


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    with seeded_site(django_db_blocker) as site:
        yield site


# --- How each action is done through the admin ---------------------------------------------


@dataclass
class Outcome:
    done: bool  # the change happened (or, for viewing, the draft was shown)
    denied: bool  # the admin refused: permission denied, or a form refused the choice
    detail: str = ""


def permission_denied(response) -> bool:
    if response.status_code == 403:
        return True
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("wagtailadmin_login")):
            return True
        if location == reverse("wagtailadmin_home"):
            return any(
                "do not have permission" in str(m) for m in get_messages(response.wsgi_request)
            )
    return False


def describe(response) -> str:
    where = response.get("Location", "")
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    errors = ""
    if response.status_code == 200 and response.context and "form" in response.context:
        form = response.context["form"]
        errors = f" form errors: {form.errors.as_json()}" if form.errors else ""
    return f"HTTP {response.status_code} {where} messages={messages}{errors}"


def practice_form(page: PracticePage | None = None, **changes) -> dict:
    values = {
        "title": page.title if page else "A new practice",
        "slug": page.slug if page else "a-new-practice",
        "summary": page.summary if page else "What it does, for whom.",
        "problem": rich_text("People were left out."),
        "country": "PL",
        "language": "en",
        "target_groups": "",
        "documents": inline_formset([]),
        "images": inline_formset([]),
        "adaptations": inline_formset([]),
    }
    values.update(changes)
    data = nested_form_data(values)
    data["themes"] = [Theme.objects.order_by("pk").first().pk]  # multi-value: added outside
    return data


def edit_practice(client, page_id: int, extra: dict, **changes):
    page = PracticePage.objects.get(pk=page_id).get_latest_revision_as_object()
    url = reverse("wagtailadmin_pages:edit", args=[page_id])
    return client.post(url, {**practice_form(page, **changes), **extra})


def do_view_draft(client, site, target):
    page = PracticePage.objects.get(pk=site.drafts[target])
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    shown = response.status_code == 200 and page.title in response.content.decode()
    return Outcome(shown, permission_denied(response), describe(response))


def do_create(client, site, target):
    parent = site.partners[target]
    url = reverse("wagtailadmin_pages:add", args=["kb", "practicepage", parent])
    form = client.get(url)
    response = client.post(url, practice_form(title="Written in the test", slug="written"))
    created = PracticePage.objects.child_of(Page.objects.get(pk=parent)).filter(slug="written")
    denied = permission_denied(form) and permission_denied(response)
    return Outcome(created.exists(), denied, describe(response))


def do_edit(client, site, target):
    page_id = site.drafts[target]
    response = edit_practice(client, page_id, {}, summary="Edited in the test.")
    latest = PracticePage.objects.get(pk=page_id).get_latest_revision_as_object()
    return Outcome(latest.summary == "Edited in the test.", permission_denied(response),
                   describe(response))  # fmt: skip


def do_submit(client, site, target):
    page_id = site.drafts[target]
    response = edit_practice(client, page_id, {"action-submit": "Submit"})
    page = PracticePage.objects.get(pk=page_id)
    in_review = page.workflow_in_progress and page.current_workflow_state.workflow.name == (
        WORKFLOW_NAME
    )
    return Outcome(in_review, permission_denied(response), describe(response))


def do_approve(client, site, target):
    page = PracticePage.objects.get(pk=site.in_review[target])
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    response = client.post(url, {"comment": ""})
    page.refresh_from_db()
    task_state.refresh_from_db()
    approved = page.live and task_state.status == TaskState.STATUS_APPROVED
    return Outcome(approved, permission_denied(response), describe(response))


def do_publish(client, site, target):
    page_id = site.drafts[target]
    response = edit_practice(client, page_id, {"action-publish": "Publish"})
    live = PracticePage.objects.get(pk=page_id).live
    edit_url = reverse("wagtailadmin_pages:edit", args=[page_id])
    # A partner editor's "publish" is taken as "save draft": back to the editor, not live.
    saved_as_draft = response.status_code == 302 and response["Location"] == edit_url
    return Outcome(live, permission_denied(response) or (saved_as_draft and not live),
                   describe(response))  # fmt: skip


def do_unpublish(client, site, target):
    page_id = site.lives[target]
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[page_id]))
    still_live = PracticePage.objects.get(pk=page_id).live
    return Outcome(not still_live, permission_denied(response), describe(response))


def delete(client, page_id):
    response = client.post(reverse("wagtailadmin_pages:delete", args=[page_id]))
    gone = not Page.objects.filter(pk=page_id).exists()
    return Outcome(gone, permission_denied(response), describe(response))


def do_delete_draft(client, site, target):
    return delete(client, site.drafts[target])


def do_delete_published(client, site, target):
    return delete(client, site.lives[target])


def upload(client, site, target, url_name, model, file):
    collection = site.collections[target]
    url = reverse(url_name)
    form = client.get(url)
    response = client.post(url, {"title": "Uploaded in the test", "file": file,
                                 "collection": collection, "tags": ""})  # fmt: skip
    uploads = model.objects.filter(title="Uploaded in the test")
    uploaded = uploads.filter(collection_id=collection).exists()
    # The form only offers the collections the user may add to; with just one, it has no
    # collection field and the file goes there: into their own, never into the other's.
    elsewhere = uploads.exclude(collection_id=collection).exists()
    form_refused = response.status_code == 200 and "collection" in response.context["form"].errors
    denied = (permission_denied(form) and permission_denied(response)) or (
        not uploaded and (elsewhere or form_refused)
    )
    return Outcome(uploaded, denied, describe(response))


def do_upload_document(client, site, target):
    file = SimpleUploadedFile("minutes.txt", b"Minutes of the partner meeting.", "text/plain")
    return upload(client, site, target, "wagtaildocs:add", get_document_model(), file)


def png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


def do_upload_image(client, site, target):
    file = SimpleUploadedFile("photo.png", png(), "image/png")
    return upload(client, site, target, "wagtailimages:add", get_image_model(), file)


def do_curate(client, site, target):
    url = reverse("wagtailadmin_pages:add", args=["kb", "collectionpage", site.collection_index])
    form = client.get(url)
    data = nested_form_data({
        "title": "Curated in the test",
        "slug": "curated",
        "intro": rich_text("Practices worth a look."),
        "items": inline_formset([{"practice": site.lives[target], "note": "Why it is here."}]),
    })  # fmt: skip
    response = client.post(url, data)
    curated = CollectionPage.objects.filter(slug="curated", items__practice=site.lives[target])
    denied = permission_denied(form) and permission_denied(response)
    return Outcome(curated.exists(), denied, describe(response))


def assessment_form(practice_id: int, label: str = "good") -> dict:
    data = {"practice": practice_id, "label": label, "assessed_on": date.today().isoformat(),
            "summary": "Well documented and transferable."}  # fmt: skip
    for key in ("relevance", "evidence", "impact", "transferability", "sustainability",
                "participation", "innovation"):  # fmt: skip
        data[f"{key}_score"] = 4
        data[f"{key}_note"] = f"The {key} is convincing."
    return data


def do_assess(client, site, target):
    url = reverse("wagtailsnippets_kb_assessment:add")
    form = client.get(url)
    response = client.post(url, assessment_form(site.lives[target]))
    assessed = Assessment.objects.filter(practice_id=site.lives[target])
    denied = permission_denied(form) and permission_denied(response)
    return Outcome(assessed.exists(), denied, describe(response))


def do_edit_profile(client, site, target):
    page_id = site.partners[target]
    partner = PartnerPage.objects.get(pk=page_id).get_latest_revision_as_object()
    data = nested_form_data({
        "title": partner.title, "slug": partner.slug, "country": partner.country.code,
        "city": "Renamed in the test", "profile": rich_text("Who we are."), "roles": "",
    })  # fmt: skip
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page_id]), data)
    latest = PartnerPage.objects.get(pk=page_id).get_latest_revision_as_object()
    return Outcome(latest.city == "Renamed in the test", permission_denied(response),
                   describe(response))  # fmt: skip


def snippet_add(client, url_name, data, created):
    url = reverse(url_name)
    form = client.get(url)
    response = client.post(url, data)
    denied = permission_denied(form) and permission_denied(response)
    return Outcome(created(), denied, describe(response))


def do_extend_themes(client, site, target):
    return snippet_add(
        client, "wagtailsnippets_kb_theme:add",
        {"name": "Digital inclusion", "slug": "digital-inclusion-test", "description": ""},
        lambda: Theme.objects.filter(slug="digital-inclusion-test").exists(),
    )  # fmt: skip


def do_extend_synonyms(client, site, target):
    return snippet_add(
        client, "wagtailsnippets_search_synonym:add",
        {"terms": "allotment, community garden", "note": "Added in the test"},
        lambda: Synonym.objects.filter(note="Added in the test").exists(),
    )  # fmt: skip


def do_manage_users(client, site, target):
    data = {"username": "newcomer", "email": "newcomer@example.org", "first_name": "New",
            "last_name": "Comer", "password1": "Tr1cky-pass-phrase", "password2":
            "Tr1cky-pass-phrase", "groups": [Group.objects.get(name=EXPERT_PANEL).pk]}  # fmt: skip
    return snippet_add(
        client, "wagtailusers_users:add", data,
        lambda: get_user_model().objects.filter(username="newcomer").exists(),
    )  # fmt: skip


ACTIONS = {
    "view draft": do_view_draft,
    "create": do_create,
    "edit": do_edit,
    "submit": do_submit,
    "approve": do_approve,
    "publish": do_publish,
    "unpublish": do_unpublish,
    "delete draft": do_delete_draft,
    "delete published": do_delete_published,
    "upload document": do_upload_document,
    "upload image": do_upload_image,
    "curate": do_curate,
    "assess": do_assess,
    "edit profile": do_edit_profile,
    "extend themes": do_extend_themes,
    "extend synonyms": do_extend_synonyms,
    "manage users": do_manage_users,
}


def marks(cell: Cell):
    wired = NEEDS_WIRING.get((cell.action, cell.role, cell.target), True)
    reason = (
        "needs kb.roles' permission testers used by the page models (PracticePage/PartnerPage"
        ".permissions_for_user): Wagtail alone lets this role do it"
    )
    return [pytest.mark.xfail(not wired, reason=reason, strict=True)]


@pytest.mark.parametrize(
    "cell", [pytest.param(cell, id=cell.id, marks=marks(cell)) for cell in CELLS]
)
def test_matrix(cell: Cell, site: Site, client, db):
    check(cell, site, client)


def check(cell: Cell, site: Site, client) -> None:
    client.force_login(get_user_model().objects.get(pk=site.users[cell.role]))
    outcome = ACTIONS[cell.action](client, site, cell.target)
    why = f"{outcome.detail}\nexpected {cell.expected}: {cell.note}"
    if cell.expected == "allowed":
        assert outcome.done and not outcome.denied, why
    else:
        assert not outcome.done and outcome.denied, why


def test_the_table_covers_every_action_for_every_role():
    actions = {cell.action for cell in CELLS}
    assert actions == set(ACTIONS)
    for role in ROLES.values():
        for action in actions - {"extend themes", "extend synonyms", "manage users"}:
            targets = {c.target for c in CELLS if c.role == role and c.action == action}
            assert targets == {"own", "other"}, (role, action)


def test_the_other_partners_editor_is_refused_the_partner_a_practice(site: Site, client, db):
    """The symmetric case, with a real second partner editor: B cannot open A's practice."""
    client.force_login(get_user_model().objects.get(pk=site.users["other_partner_editor"]))
    response = client.get(reverse("wagtailadmin_pages:edit", args=[site.drafts["own"]]))
    assert permission_denied(response), describe(response)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[site.drafts["other"]]))
    assert response.status_code == 200


def test_partner_editors_cannot_edit_a_practice_while_the_panel_reviews_it(site, client, db):
    """Wagtail locks a practice in review for everyone but the reviewers."""
    client.force_login(get_user_model().objects.get(pk=site.users["partner_editor"]))
    page_id = site.in_review["own"]
    before = PracticePage.objects.get(pk=page_id).latest_revision_id
    edit_practice(client, page_id, {}, summary="Changed during review.")
    assert PracticePage.objects.get(pk=page_id).latest_revision_id == before


def test_setup_roles_is_idempotent(site: Site, db):
    def counts():
        return [
            model.objects.count()
            for model in (Group, Collection, Workflow, GroupPagePermission,
                          GroupCollectionPermission, WorkflowPage, GroupApprovalTask)
        ]  # fmt: skip

    before = counts()
    setup_roles()
    assert counts() == before
    task = GroupApprovalTask.objects.get(name="Expert panel approval")
    assert set(task.groups.values_list("name", flat=True)) == {EXPERT_PANEL, ADMINISTRATORS}


WIRING_CELLS = [c for c in CELLS if c.action in ("delete draft", "delete published", "edit profile",
                                                 "edit", "create", "view draft")]  # fmt: skip


@pytest.mark.skipif(PRACTICE_RULES_WIRED and PARTNER_RULES_WIRED, reason="covered by test_matrix")
@pytest.mark.parametrize("cell", [pytest.param(c, id=c.id) for c in WIRING_CELLS])
def test_matrix_once_the_models_use_the_kb_roles_testers(cell: Cell, site, client, db, monkeypatch):
    """What the xfail cells above become once the lead wires kb.roles' testers into the models."""
    from kb.roles import PartnerPermissionTester, PracticePermissionTester

    monkeypatch.setattr(PracticePage, "permissions_for_user",
                        lambda page, user: PracticePermissionTester(user, page))  # fmt: skip
    monkeypatch.setattr(PartnerPage, "permissions_for_user",
                        lambda page, user: PartnerPermissionTester(user, page))  # fmt: skip
    check(cell, site, client)


def test_administrators_manage_all_media_and_collections(site: Site, client, db):
    document = get_document_model().objects.create(
        title="A partner B report", collection_id=site.collections["other"],
        file=SimpleUploadedFile("report.txt", b"Report."),
    )  # fmt: skip
    client.force_login(get_user_model().objects.get(pk=site.users["network_admin"]))
    response = client.post(reverse("wagtaildocs:delete", args=[document.pk]))
    assert not get_document_model().objects.filter(pk=document.pk).exists(), describe(response)
    root = Collection.get_first_root_node()
    response = client.post(
        reverse("wagtailadmin_collections:add"), {"name": "Network meetings", "parent": root.pk}
    )
    assert Collection.objects.filter(name="Network meetings").exists(), describe(response)


def test_partner_editors_and_the_panel_cannot_delete_media_elsewhere(site: Site, client, db):
    document = get_document_model().objects.create(
        title="A partner B report", collection_id=site.collections["other"],
        file=SimpleUploadedFile("report.txt", b"Report."),
    )  # fmt: skip
    for role in ("partner_editor", "expert_panel"):
        client.force_login(get_user_model().objects.get(pk=site.users[role]))
        response = client.post(reverse("wagtaildocs:delete", args=[document.pk]))
        assert permission_denied(response), describe(response)
        assert get_document_model().objects.filter(pk=document.pk).exists()


# --- Events: filed under their hosting partner, as practices are ------------------------------

# fmt: off
EVENT_MATRIX = """
| action           | target | partner editor | expert panel | network admin | note |
| create event     | own    | allowed        | refused      | allowed       | 1    |
| create event     | other  | refused        | refused      | allowed       | 1    |
| edit event       | own    | allowed        | allowed      | allowed       | 2    |
| edit event       | other  | refused        | allowed      | allowed       | 2    |
| submit event     | own    | allowed        | allowed      | allowed       | 3    |
| submit event     | other  | refused        | allowed      | allowed       | 3    |
| publish event    | own    | refused        | allowed      | allowed       | 5    |
| publish event    | other  | refused        | allowed      | allowed       |      |
| delete event     | own    | refused        | refused      | allowed       | 6    |
| delete event     | other  | refused        | refused      | allowed       | 6    |
"""
# fmt: on
EVENT_CELLS = parse_matrix(EVENT_MATRIX)


def draft_event(site: Site, target: str, *, live: bool = False):
    """An event of the target partner, written by a colleague there (rolled back after the test)."""
    import datetime as dt

    from agenda.models import EventPage

    partner = PartnerPage.objects.get(pk=site.partners[target])
    author = get_user_model().objects.get(
        pk=site.users[f"colleague_{'a' if target == 'own' else 'b'}"]
    )
    event = EventPage(title=f"{partner.title}: seminar", slug="network-seminar", kind="seminar",
                      summary="A seminar of the network.", owner=author, live=False,
                      start_date=date.today() + dt.timedelta(days=40),
                      start_time=dt.time(9, 30), end_time=dt.time(13, 0))  # fmt: skip
    partner.add_child(instance=event)
    revision = event.save_revision(user=author)
    if live:
        revision.publish()
    return event


def event_form(event=None, **changes) -> dict:
    import datetime as dt

    values = {
        "title": event.title if event else "A new network workshop",
        "slug": event.slug if event else "new-workshop",
        "kind": "workshop", "status": "scheduled",
        "summary": event.summary if event else "What happens, for whom.",
        "description": rich_text("Partners compare their practices."),
        "start_date": (date.today() + dt.timedelta(days=50)).isoformat(),
        "start_time": "10:00", "end_date": "", "end_time": "12:00",
        "time_zone": "Europe/Warsaw", "attendance": "in_person", "city": "Łódź", "country": "PL",
        "latitude": "", "longitude": "", "online_url": "", "target_groups": "",
        "capacity": "", "registration_deadline": "", "contact_email": "",
        "documents": inline_formset([]), "images": inline_formset([]),
    }  # fmt: skip
    values.update(changes)
    return nested_form_data(values)


def edit_event(client, event, extra: dict, **changes):
    latest = event.get_latest_revision_as_object()
    url = reverse("wagtailadmin_pages:edit", args=[event.pk])
    return client.post(url, {**event_form(latest, **changes), **extra})


def do_event_action(client, site: Site, action: str, target: str) -> Outcome:
    from agenda.models import EventPage

    if action == "create event":
        parent = site.partners[target]
        url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", parent])
        form = client.get(url)
        response = client.post(url, event_form())
        created = EventPage.objects.child_of(Page.objects.get(pk=parent)).filter(
            slug="new-workshop"
        )
        return Outcome(created.exists(), permission_denied(form) and permission_denied(response),
                       describe(response))  # fmt: skip
    event = draft_event(site, target, live=action == "delete event")
    if action == "edit event":
        response = edit_event(client, event, {}, summary="Edited in the test.")
        latest = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
        return Outcome(latest.summary == "Edited in the test.", permission_denied(response),
                       describe(response))  # fmt: skip
    if action == "submit event":
        response = edit_event(client, event, {"action-submit": "Submit"})
        page = EventPage.objects.get(pk=event.pk)
        in_review = page.workflow_in_progress and (
            page.current_workflow_state.workflow.name == WORKFLOW_NAME
        )
        return Outcome(in_review, permission_denied(response), describe(response))
    if action == "publish event":
        response = edit_event(client, event, {"action-publish": "Publish"})
        live = EventPage.objects.get(pk=event.pk).live
        edit_url = reverse("wagtailadmin_pages:edit", args=[event.pk])
        saved_as_draft = response.status_code == 302 and response["Location"] == edit_url
        return Outcome(live, permission_denied(response) or (saved_as_draft and not live),
                       describe(response))  # fmt: skip
    return delete(client, event.pk)


@pytest.mark.parametrize("cell", [pytest.param(c, id=c.id) for c in EVENT_CELLS])
def test_event_matrix(cell: Cell, site: Site, client, db):
    client.force_login(get_user_model().objects.get(pk=site.users[cell.role]))
    outcome = do_event_action(client, site, cell.action, cell.target)
    why = f"{outcome.detail}\nexpected {cell.expected}: {cell.note}"
    if cell.expected == "allowed":
        assert outcome.done and not outcome.denied, why
    else:
        assert not outcome.done and outcome.denied, why


def test_the_expert_panel_review_covers_the_events_of_every_partner(site: Site, db):
    """No workflow of their own: an event inherits the partner subtree's review."""
    for target in ("own", "other"):
        event = draft_event(site, target)
        workflow = event.get_workflow()
        assert workflow is not None and workflow.name == WORKFLOW_NAME


# --- Event registrations: the attendee lists of the events a partner hosts ---------------------

# fmt: off
REGISTRATION_MATRIX = """
| action              | target | partner editor | expert panel | network admin | note |
| see attendees       | own    | allowed        | allowed      | allowed       |      |
| see attendees       | other  | refused        | allowed      | allowed       |      |
| export attendees    | own    | allowed        | allowed      | allowed       |      |
| export attendees    | other  | refused        | allowed      | allowed       |      |
| cancel registration | own    | allowed        | refused      | allowed       |      |
| cancel registration | other  | refused        | refused      | allowed       |      |
"""
# fmt: on
REGISTRATION_CELLS = parse_matrix(REGISTRATION_MATRIX)


def hosted_registration(site: Site, target: str):
    """An event hosted by the target partner, with one registration (rolled back after the test)."""
    import datetime as dt

    from agenda.models import EventPage, Registration

    partner = PartnerPage.objects.get(pk=site.partners[target])
    event = EventPage(title=f"{partner.title}: workshop", slug="registration-workshop",
                      kind="workshop", summary="A workshop.",
                      start_date=date.today() + dt.timedelta(days=30), registration_open=True)  # fmt: skip
    partner.add_child(instance=event)
    return Registration.objects.create(
        event=event, event_title=event.title, partner=partner, name=f"Attendee {target}",
        email=f"attendee-{target}@example.org", organisation="Gmina", country="PL",
    )  # fmt: skip


def do_registration_action(client, registration, action: str) -> Outcome:
    from agenda.models import Registration

    if action == "cancel registration":
        url = reverse("registrations:edit", args=[registration.pk])
        response = client.post(url, {"status": "cancelled"})
        done = Registration.objects.get(pk=registration.pk).is_cancelled
        return Outcome(done, permission_denied(response) or response.status_code == 404,
                       describe(response))  # fmt: skip
    query = f"?event={registration.event_id}" + (
        "&export=csv" if action.startswith("export") else ""
    )
    response = client.get(reverse("registrations:index") + query)
    if response.status_code != 200:
        return Outcome(False, permission_denied(response), describe(response))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    shown = registration.name in body.decode()
    return Outcome(shown, not shown, describe(response))


@pytest.mark.parametrize("cell", [pytest.param(c, id=c.id) for c in REGISTRATION_CELLS])
def test_registration_matrix(cell: Cell, site: Site, client, db):
    registration = hosted_registration(site, cell.target)
    client.force_login(get_user_model().objects.get(pk=site.users[cell.role]))
    outcome = do_registration_action(client, registration, cell.action)
    why = f"{outcome.detail}\nexpected {cell.expected}"
    if cell.expected == "allowed":
        assert outcome.done and not outcome.denied, why
    else:
        assert not outcome.done and outcome.denied, why


# --- Transfer stories: moderated by the practice's partner, the panel and the administrators ---


def test_transfer_story_permissions(site: Site, client, db):
    """A partner's editors see and moderate their own partner's stories only; the expert panel
    and the network administrators see and moderate every partner's; nobody adds one."""
    from transfers.models import TransferStory

    stories = {
        target: TransferStory.objects.create(
            practice_id=site.lives[target], organisation="Gmina", place=f"Place {target}",
            country="PL", year_adopted=2023, kind="adapted", status="running",
            submitter_name="Submitter", submitter_email=f"story-{target}@example.org",
        )
        for target in ("own", "other")
    }  # fmt: skip
    expected = {
        "partner_editor": {"own": True, "other": False},
        "expert_panel": {"own": True, "other": True},
        "network_admin": {"own": True, "other": True},
    }
    for role, targets in expected.items():
        client.force_login(get_user_model().objects.get(pk=site.users[role]))
        listing = client.get(reverse("transfer_stories:index")).content.decode()
        assert client.get(reverse("transfer_stories:add")).status_code in (302, 403, 404), role
        for target, allowed in targets.items():
            story = stories[target]
            TransferStory.objects.filter(pk=story.pk).update(moderation="pending")
            assert (story.place in listing) is allowed, (role, target)
            response = client.post(reverse("transfer_stories:approve", args=[story.pk]))
            story.refresh_from_db()
            assert story.is_approved is allowed, (role, target)
            if not allowed:
                assert response.status_code == 404
