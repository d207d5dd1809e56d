from __future__ import annotations

from django.conf import settings
from django.db import models


class Order(models.Model):
    """Something a signed-in user owns: a ForeignKey to the SuperTokens user's Django row."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="orders"
    )
    item = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created",)
        permissions = (("view_all_orders", "Can see every customer's orders"),)

    def __str__(self) -> str:
        return self.item
