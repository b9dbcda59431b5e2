from django.conf import settings
from django.db import models


class KeywordFilter(models.Model):
    """A word, phrase or #hashtag its owner never wants to see in feeds, search or live comments."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="keyword_filters")
    phrase = models.CharField(max_length=50, help_text="Lowercase; matched as whole words.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "phrase"], name="accounts_keywordfilter_unique")]

    def __str__(self):
        return f"{self.user_id} filters “{self.phrase}”"
