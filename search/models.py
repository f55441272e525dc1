"""What the search app stores: the PostgreSQL search table, synonyms, the index journal, the log."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class SearchRecord(models.Model):
    """One row per published practice: the PostgreSQL engine's index (search/engines/postgres.py).

    Denormalised so that one table answers the text match, every facet count and the sort,
    without joins; rebuilt by `manage.py update_index`, kept current by search/indexing.py.
    """

    page = models.OneToOneField(
        "kb.PracticePage", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.TextField()
    summary = models.TextField(blank=True)
    text = models.TextField(blank=True, help_text="every written section, for snippets")
    keywords = models.TextField(blank=True, help_text="theme, group, partner, place names")
    partner = models.CharField(max_length=255, blank=True)
    country = models.CharField(max_length=2, blank=True)
    org_type = models.CharField(max_length=100, blank=True)
    label = models.CharField(max_length=20, blank=True, help_text="the panel's assessment label")
    themes = ArrayField(models.CharField(max_length=100), default=list)
    target_groups = ArrayField(models.CharField(max_length=100), default=list)
    activities = ArrayField(models.CharField(max_length=100), default=list)
    start_year = models.PositiveSmallIntegerField(null=True)
    transferred = models.BooleanField(default=False, help_text="transferred successfully elsewhere")
    published_at = models.DateTimeField(null=True)
    boost = models.FloatField(default=1.0, help_text="small multiplier for recent/assessed")
    language = models.CharField(max_length=10, default="en", help_text="of the practice's text")
    config = models.CharField(
        max_length=30, default="english", help_text="the text search configuration of its text"
    )
    # title (A), summary and names (B), written sections (C): ranking, snippets, phrases
    vector = SearchVectorField(null=True)
    # title, summary and names only: "matched in the title or summary", from the index alone
    head = SearchVectorField(null=True)

    class Meta:
        indexes = [
            GinIndex(fields=["vector"], name="search_record_vector"),
            GinIndex(fields=["head"], name="search_record_head"),
            GinIndex(fields=["themes"], name="search_record_themes"),
            GinIndex(fields=["target_groups"], name="search_record_groups"),
            GinIndex(fields=["activities"], name="search_record_activities"),
            GinIndex(fields=["title"], name="search_record_title_trgm", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["country"], name="search_record_country"),
            models.Index(fields=["language"], name="search_record_language"),
            models.Index(fields=["partner"], name="search_record_partner"),
            models.Index(fields=["start_year"], name="search_record_year"),
            # The "newest" order, so a page of hits can stop after the page.
            models.Index(
                F("published_at").desc(nulls_last=True),
                F("page_id").desc(),
                name="search_record_newest",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SearchTerm(models.Model):
    """Words that occur in published practices: the vocabulary for spelling corrections."""

    word = models.CharField(max_length=60, primary_key=True)
    stem = models.CharField(max_length=60, db_index=True)  # English stem (ts_lexize)
    frequency = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [GinIndex(fields=["word"], name="search_term_trgm", opclasses=["gin_trgm_ops"])]

    def __str__(self) -> str:
        return self.word


class SearchLexeme(models.Model):
    """How many indexed practices contain each lexeme: the inverse document frequency that
    weighs a query's words (a rare word counts more than a common one)."""

    lexeme = models.TextField(primary_key=True)
    documents = models.IntegerField(default=0)

    def __str__(self) -> str:
        return self.lexeme


class PracticeEmbedding(models.Model):
    """A practice's dense embedding (search/embeddings.py), kept apart from SearchRecord so that
    rebuilding the text index never throws away what took a model to compute.

    The vector is a plain float array, so the table exists on any PostgreSQL; with pgvector an
    HNSW index on the array cast to `vector` makes nearest-neighbour queries fast
    (search/vectors.py)."""

    page = models.OneToOneField(
        "kb.PracticePage", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    model = models.CharField(max_length=100, help_text="the model that computed it")
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the text it embeds")
    vector = ArrayField(models.FloatField())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["model"], name="search_embedding_model")]

    def __str__(self) -> str:
        return f"embedding of page {self.page_id} ({self.model})"


class Synonym(index.Indexed, models.Model):
    terms = models.TextField(
        _("equivalent terms"),
        help_text=_(
            "Words or phrases that mean the same here, separated by commas, e.g. "
            "“elderly, older people, seniors”. A search for any of them finds all of them."
        ),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    panels = [FieldPanel("terms"), FieldPanel("note")]
    search_fields = [index.SearchField("terms"), index.AutocompleteField("terms")]

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonyms")
        ordering = ["terms"]

    def __str__(self) -> str:
        return self.terms

    @property
    def term_list(self) -> list[str]:
        return [" ".join(t.split()).lower() for t in self.terms.split(",") if t.strip()]


class IndexChange(models.Model):
    """A pending change for an external search engine; kept until the engine has taken it."""

    class Action(models.TextChoices):
        UPSERT = "upsert", _("index")
        DELETE = "delete", _("remove")

    page_id = models.PositiveBigIntegerField(db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.action} page {self.page_id}"


class QueryOutcome(models.Model):
    """Per query and day: searches that found nothing (Wagtail's Query log counts all searches)."""

    query_string = models.CharField(max_length=255)
    date = models.DateField()
    zero_result_hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["query_string", "date"], name="unique_query_day")
        ]

    def __str__(self) -> str:
        return f"{self.query_string} ({self.date})"
