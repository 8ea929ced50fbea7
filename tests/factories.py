import factory
from django.utils import timezone

from accounts.models import User

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)
    # Confirmed, as every account that has used the site for a while; tests of
    # unconfirmed addresses pass email_verified_at=None.
    email_verified_at = factory.LazyFunction(timezone.now)
