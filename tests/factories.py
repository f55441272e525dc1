"""Factories for the page tree and taxonomy (factory_boy + wagtail-factories)."""

import datetime

import factory
import wagtail_factories

from agenda.models import EventPage
from kb.models import PartnerPage, PracticePage, TargetGroup, Theme
from kb.text import plain_to_html


class ThemeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")

    class Meta:
        model = Theme
        django_get_or_create = ("slug",)


class TargetGroupFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")

    class Meta:
        model = TargetGroup
        django_get_or_create = ("slug",)


class PartnerPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    country = "PL"
    city = "Łódź"

    class Meta:
        model = PartnerPage


class PracticePageFactory(wagtail_factories.PageFactory):
    title = factory.Faker("sentence", nb_words=5)
    summary = factory.Faker("sentence", nb_words=18)
    problem = factory.LazyFunction(lambda: plain_to_html("Too many people were left out."))
    approach = factory.LazyFunction(lambda: plain_to_html("- a drop-in hub\n- home visits"))
    country = "PL"
    region = "Łódź"
    start_year = 2019
    external_id = factory.Sequence(lambda n: f"test-practice-{n}")

    class Meta:
        model = PracticePage
        skip_postgeneration_save = True

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if extracted:
            self.themes.set(extracted)
            self.save()

    @factory.post_generation
    def target_groups(self, create, extracted, **kwargs):
        if extracted:
            self.target_groups.set(extracted)
            self.save()

    @factory.post_generation
    def funding_sources(self, create, extracted, **kwargs):
        """Funding-source slugs, e.g. funding_sources=["esf-plus", "municipal"]."""
        if extracted:
            from kb.models import FundingSource

            self.funding_sources.set(FundingSource.objects.filter(slug__in=extracted))
            self.save()


class EventPageFactory(wagtail_factories.PageFactory):
    """An event: give `parent` (its hosting PartnerPage). All day unless start_time is given."""

    title = factory.Faker("sentence", nb_words=4)
    kind = "seminar"
    summary = factory.Faker("sentence", nb_words=16)
    start_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    time_zone = "Europe/Warsaw"
    city = "Łódź"
    country = "PL"

    class Meta:
        model = EventPage
        skip_postgeneration_save = True

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if extracted:
            self.themes.set(extracted)
            self.save()

    @factory.post_generation
    def practices(self, create, extracted, **kwargs):
        if extracted:
            self.practices.set(extracted)
            self.save()

    @factory.post_generation
    def co_hosts(self, create, extracted, **kwargs):
        if extracted:
            self.co_hosts.set(extracted)
            self.save()
