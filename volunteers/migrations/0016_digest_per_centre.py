"""The coordinators' morning summaries sent, one a day per coordinator and centre (DigestSent)."""

import core.tenancy
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('volunteers', '0015_many_centres'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DigestSent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('sent_at', models.DateTimeField()),
                ('centre', models.ForeignKey(default=core.tenancy.default_centre_id, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.centre', verbose_name='centre')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'morning summary sent',
                'verbose_name_plural': 'morning summaries sent',
                'constraints': [models.UniqueConstraint(fields=('centre', 'user', 'day'), name='digest_once_a_day', violation_error_message="Today's summary has already been sent.")],
            },
        ),
    ]
