"""`/metrics` answers the scraper (its token, or an allowed network) and no one else."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

TOKEN = "scrape-me-3f9a"


def scrape(address: str, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(REMOTE_ADDR=address).get("/metrics", headers=headers).status_code


def test_the_loopback_may_scrape_and_the_internet_may_not() -> None:
    assert scrape("127.0.0.1") == 200
    assert scrape("::1") == 200
    assert scrape("203.0.113.9") == 403
    assert scrape("203.0.113.9", token="guess") == 403  # no token is set: none opens it


@override_settings(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS=["10.0.0.0/8"])
def test_a_scraper_with_the_token_or_on_an_allowed_network_may_scrape() -> None:
    assert scrape("203.0.113.9", token=TOKEN) == 200
    assert scrape("10.1.2.3") == 200
    assert scrape("203.0.113.9", token=TOKEN[:-1]) == 403
    assert scrape("127.0.0.1") == 403  # the loopback only when listed
