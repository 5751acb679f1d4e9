"""Credit lines read into structured credits; the verbatim line stays what readers see."""

import pytest

from photos.credits import licence_url, parse_credit_line

from .factories import make_article, make_photo

pytestmark = pytest.mark.django_db


def people(line):
    """(creator, organisation, licence, platform) per credit, for compact assertions."""
    return [
        (c["creator"], c["organisation"], c["licence"], c["platform"])
        for c in parse_credit_line(line)
    ]


def test_name_slash_organisation():
    assert people("Jane Roe / Ledger Photo") == [("Jane Roe", "Ledger Photo", "", "")]


def test_name_dash_organisation():
    assert people("Carlos Ortega – Reuters") == [("Carlos Ortega", "Reuters", "", "")]


def test_name_with_licence_and_platform():
    credits = parse_credit_line("Gage Skidmore, CC BY 2.0 / Wikimedia")
    assert [(c["creator"], c["licence"], c["platform"]) for c in credits] == [
        ("Gage Skidmore", "CC BY 2.0", "Wikimedia")
    ]
    assert credits[0]["licence_url"] == "https://creativecommons.org/licenses/by/2.0/"


def test_organisation_alone():
    assert people("Presidency of Colombia") == [("", "Presidency of Colombia", "", "")]


def test_agency_and_organisation_are_two_organisations():
    assert people("AFP / Presidency of Colombia") == [
        ("", "AFP", "", ""),
        ("", "Presidency of Colombia", "", ""),
    ]


def test_two_people_each_with_their_organisation():
    line = "Molly Riley, The White House / Andrea Puentes / Presidency of Colombia"
    assert people(line) == [
        ("Molly Riley", "The White House", "", ""),
        ("Andrea Puentes", "Presidency of Colombia", "", ""),
    ]


def test_name_hyphen_licence():
    credits = parse_credit_line("Ana María Ruiz- CC BY 2.0")
    assert [(c["creator"], c["licence"], c["licence_url"]) for c in credits] == [
        ("Ana María Ruiz", "CC BY 2.0", "https://creativecommons.org/licenses/by/2.0/")
    ]


def test_hyphenated_surname_is_not_split():
    assert people("Jean-Pierre Dupont / AFP") == [("Jean-Pierre Dupont", "AFP", "", "")]


@pytest.mark.parametrize(
    ("licence", "url"),
    [
        ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
        ("cc by-nc-nd 3.0", "https://creativecommons.org/licenses/by-nc-nd/3.0/"),
        ("CC0", "https://creativecommons.org/publicdomain/zero/1.0/"),
        ("All rights reserved", ""),
    ],
)
def test_creative_commons_licences_get_their_deed(licence, url):
    assert licence_url(licence) == url


def test_empty_line_has_no_credits():
    assert parse_credit_line("") == []
    assert parse_credit_line(None) == []


def test_every_credit_has_every_key():
    for credit in parse_credit_line("Jane Roe, CC BY 2.0 / Flickr / AP"):
        assert set(credit) == {"creator", "organisation", "licence", "licence_url", "platform"}


def test_reader_sees_the_verbatim_credit_line(client):
    line = "Molly Riley, The White House / Andrea Puentes / Presidency of Colombia"
    photo = make_photo(credit_line=line)
    article = make_article(lead_photo=photo)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Molly Riley, The White House / Andrea Puentes / Presidency of Colombia" in page
