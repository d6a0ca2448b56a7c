"""Listing detail and enquiries over the live stack: an enquiry is stored against its listing,
confirmed, and read back by its author only."""

from __future__ import annotations

from typing import Any

from tests.integration.stack import LiveStack

LISTING = 1  # the seeded catalog's first listing


def test_the_detail_has_pictures_facts_and_a_description(
    live_stack: LiveStack, owner: tuple[Any, str]
) -> None:
    with live_stack.client(owner[1]) as http:
        detail = http.get(f"/api/listings/{LISTING}/")
        assert detail.status_code == 200, detail.text
        body = detail.json()
        assert body["description"] and body["facts"] and len(body["images"]) >= 3
        for image in body["images"]:
            picture = http.get(image["url"])
            assert picture.status_code == 200
            assert picture.headers["content-type"] == "image/svg+xml"
        assert http.get("/api/listings/999999999/").status_code == 404


def test_an_enquiry_is_stored_confirmed_and_read_back_by_its_author_only(
    live_stack: LiveStack, owner: tuple[Any, str], outsider: tuple[Any, str]
) -> None:
    path = f"/api/listings/{LISTING}/enquiries/"
    with live_stack.client(owner[1]) as http:
        sent = http.post(path, json={"message": "  Is it available in June?  "})
        assert sent.status_code == 201, sent.text
        body = sent.json()
        assert body["ok"] is True and body["listing_id"] == LISTING
        assert body["message"] == "Is it available in June?" and body["created_at"]
        mine = http.get(path).json()["enquiries"]
        assert [e["enquiry_id"] for e in mine][:1] == [body["enquiry_id"]]
    with live_stack.client(outsider[1]) as http:
        theirs = http.get(path)
        assert theirs.status_code == 200
        assert body["enquiry_id"] not in {e["enquiry_id"] for e in theirs.json()["enquiries"]}
        assert "June" not in theirs.text


def test_a_bad_enquiry_is_refused(live_stack: LiveStack, owner: tuple[Any, str]) -> None:
    path = f"/api/listings/{LISTING}/enquiries/"
    with live_stack.client(owner[1]) as http:
        for body in (
            {},
            {"message": ""},
            {"message": "   "},
            {"message": 5},
            {"message": "x" * 2001},
            {"message": "hi", "extra": 1},
            {"message": "nul \u0000"},
        ):
            response = http.post(path, json=body)
            assert response.status_code == 400, (body, response.text)
            assert response.json()["ok"] is False
        missing = http.post("/api/listings/999999999/enquiries/", json={"message": "hello"})
        assert missing.status_code == 404
        assert http.get("/api/listings/999999999/enquiries/").status_code == 404


def test_enquiries_need_a_login(live_stack: LiveStack) -> None:
    with live_stack.client() as http:
        assert (
            http.post(f"/api/listings/{LISTING}/enquiries/", json={"message": "hello"}).status_code
            == 401
        )
        assert http.get(f"/api/listings/{LISTING}/enquiries/").status_code == 401
        assert http.get(f"/api/listings/{LISTING}/").status_code == 401


def test_enquiries_are_throttled_per_person(live_stack: LiveStack, user_token: Any) -> None:
    _, token = user_token()
    path = f"/api/listings/{LISTING}/enquiries/"
    with live_stack.client(token) as http:
        statuses = [http.post(path, json={"message": f"try {i}"}).status_code for i in range(21)]
        assert statuses == [201] * 20 + [429]
        assert http.get(path).status_code == 200  # reading back is not limited
