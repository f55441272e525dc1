from django.db import migrations


def seed(apps, schema_editor):
    from search.synonyms import seed_synonyms

    seed_synonyms(apps.get_model("search", "Synonym"))


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
